/**
 * tcp:// with DOCKER_TLS_VERIFY: the gateway presents the client certificate from DOCKER_CERT_PATH
 * and verifies the daemon against its ca.pem (a fake daemon over HTTPS requiring client certs).
 */
import {execFileSync} from 'node:child_process';
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import https from 'node:https';
import type {AddressInfo} from 'node:net';
import type {TLSSocket} from 'node:tls';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {DaemonUnreachableError} from '../../../source/docker/errors.js';
import {connect} from '../../../source/docker/gateway.js';

const dir = mkdtempSync(join(tmpdir(), 'dokroll-tls-'));
const clientDir = join(dir, 'client');
const strangerDir = join(dir, 'stranger');
const impostorDir = join(dir, 'impostor');
let server: https.Server;
let port = 0;
const clientNames: string[] = [];

function openssl(...args: string[]): void {
  execFileSync('openssl', args, {cwd: dir, stdio: 'ignore'});
}

/** A CA, a certificate it signs for `name`, written as ca.pem / cert.pem / key.pem under `out`. */
function issue(ca: string, name: string, out: string, ext?: string, trust = ca): void {
  execFileSync('mkdir', ['-p', out]);
  openssl(
    'req',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    join(out, 'key.pem'),
    '-out',
    join(out, 'req.csr'),
    '-subj',
    `/CN=${name}`,
  );
  const extArgs = ext ? ['-extfile', ext] : [];
  openssl(
    'x509',
    '-req',
    '-in',
    join(out, 'req.csr'),
    '-CA',
    `${ca}.pem`,
    '-CAkey',
    `${ca}-key.pem`,
    '-CAcreateserial',
    '-days',
    '1',
    '-out',
    join(out, 'cert.pem'),
    ...extArgs,
  );
  writeFileSync(join(out, 'ca.pem'), readFileSync(join(dir, `${trust}.pem`)));
}

beforeAll(async () => {
  for (const ca of ['ca', 'other-ca']) {
    openssl(
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      `${ca}-key.pem`,
      '-out',
      `${ca}.pem`,
      '-days',
      '1',
      '-subj',
      `/CN=${ca}`,
    );
  }
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1\n');
  issue('ca', 'daemon', join(dir, 'server'), join(dir, 'server.ext'));
  issue('ca', 'operator', clientDir);
  issue('other-ca', 'stranger', strangerDir);
  issue('other-ca', 'impostor', impostorDir, undefined, 'ca');
  server = https.createServer(
    {
      key: readFileSync(join(dir, 'server', 'key.pem')),
      cert: readFileSync(join(dir, 'server', 'cert.pem')),
      ca: readFileSync(join(dir, 'ca.pem')),
      requestCert: true,
      rejectUnauthorized: true,
    },
    (req, res) => {
      clientNames.push(String((req.socket as TLSSocket).getPeerCertificate().subject?.CN));
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify(req.url === '/version' ? {Version: '20.10.24', ApiVersion: '1.41'} : []));
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
}, 60_000);
afterAll(() => server?.close());

describe('tcp:// with TLS', () => {
  it('connects with the client certificate from DOCKER_CERT_PATH and verifies the daemon', async () => {
    const gateway = await connect({
      env: {DOCKER_HOST: `tcp://127.0.0.1:${port}`, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: clientDir},
    });
    try {
      expect(gateway.endpoint).toBe(`tcp://127.0.0.1:${port}`);
      expect(await gateway.listServices()).toEqual([]);
      expect(clientNames).toContain('operator');
    } finally {
      gateway.close();
    }
  });

  it('reports a client certificate the daemon does not accept as a TLS problem', async () => {
    const error = await connect({
      env: {DOCKER_HOST: `tcp://127.0.0.1:${port}`, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: impostorDir},
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DaemonUnreachableError);
    expect((error as Error).message).toMatch(
      /^cannot reach the Docker daemon at tcp:\/\/127\.0\.0\.1:\d+: .* — (TLS handshake failed|is dockerd listening)/,
    );
  });

  it('refuses a daemon whose certificate the configured CA did not sign', async () => {
    const error = await connect({
      env: {DOCKER_HOST: `tcp://127.0.0.1:${port}`, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: strangerDir},
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DaemonUnreachableError);
    expect((error as Error).message).toMatch(/TLS handshake failed: check DOCKER_CERT_PATH/);
  });
});
