/**
 * The registry API client against a small in-process registry imitation: basic and bearer
 * challenges, manifest digests with the right Accept headers, deletes, and failures named.
 */
import http from 'node:http';
import type {AddressInfo} from 'node:net';
import {afterEach, describe, expect, it} from 'vitest';
import {MANIFEST_ACCEPT, RegistryApi, RegistryApiError} from '../../../source/services/registry/registry-api.js';

interface Seen {
  method: string;
  url: string;
  authorization?: string;
  accept?: string;
}

let server: http.Server | null = null;

async function fakeRegistry(scheme: 'none' | 'basic' | 'bearer', opts: {deleteStatus?: number} = {}) {
  const seen: Seen[] = [];
  const good = `Basic ${Buffer.from('u:secret-pw').toString('base64')}`;
  server = http.createServer((req, res) => {
    seen.push({
      method: req.method!,
      url: req.url!,
      authorization: req.headers.authorization,
      accept: req.headers.accept,
    });
    const port = (server!.address() as AddressInfo).port;
    if (req.url!.startsWith('/token')) {
      if (req.headers.authorization !== good) return void res.writeHead(401).end();
      const scope = new URL(req.url!, 'http://x').searchParams.get('scope');
      return void res.writeHead(200, {'Content-Type': 'application/json'}).end(JSON.stringify({token: `tok:${scope}`}));
    }
    const authorized =
      scheme === 'none' ||
      (scheme === 'basic' && req.headers.authorization === good) ||
      (scheme === 'bearer' && req.headers.authorization?.startsWith('Bearer tok:'));
    if (!authorized) {
      const challenge =
        scheme === 'basic' ? 'Basic realm="test"' : `Bearer realm="http://127.0.0.1:${port}/token",service="reg"`;
      res.writeHead(401, {'WWW-Authenticate': challenge, 'Content-Type': 'application/json'});
      return void res.end(JSON.stringify({errors: [{code: 'UNAUTHORIZED', message: 'authentication required'}]}));
    }
    if (req.url === '/v2/') return void res.writeHead(200).end('{}');
    if (req.url === '/v2/team/web/tags/list')
      return void res.writeHead(200).end(JSON.stringify({name: 'team/web', tags: ['v1', 'v2']}));
    if (req.url === '/v2/team/web/manifests/v1' && req.method === 'GET') {
      return void res.writeHead(200, {'Docker-Content-Digest': 'sha256:abc'}).end('{}');
    }
    if (req.url === '/v2/team/web/manifests/sha256:abc' && req.method === 'DELETE')
      return void res.writeHead(opts.deleteStatus ?? 202).end();
    res
      .writeHead(404, {'Content-Type': 'application/json'})
      .end(JSON.stringify({errors: [{code: 'MANIFEST_UNKNOWN', message: 'manifest unknown'}]}));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {seen, host: `127.0.0.1:${port}`, baseUrl: `http://127.0.0.1:${port}`};
}

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  server = null;
});

/** A port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const probe = http.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

const creds = {username: 'u', password: 'secret-pw', serveraddress: 'x'};

describe('registry API client', () => {
  it('answers a basic challenge with the credentials, and reads tags and manifest digests', async () => {
    const reg = await fakeRegistry('basic');
    const api = new RegistryApi({baseUrl: reg.baseUrl, host: reg.host, tlsVerify: true, credentials: creds});
    expect(await api.ping()).toEqual({status: 'ok', scheme: 'basic', detail: null});
    expect(await api.tags('team/web')).toEqual(['v1', 'v2']);
    expect(await api.manifestDigest('team/web', 'v1')).toBe('sha256:abc');
    expect(await api.manifestDigest('team/web', 'v9')).toBeNull();
    expect(reg.seen.find((s) => s.url.endsWith('/manifests/v1') && s.authorization)?.accept).toBe(MANIFEST_ACCEPT);
    expect(await api.deleteManifest('team/web', 'sha256:abc')).toBe('deleted');
  });

  it('fetches a bearer token per scope from the realm the registry names', async () => {
    const reg = await fakeRegistry('bearer');
    const api = new RegistryApi({baseUrl: reg.baseUrl, host: reg.host, tlsVerify: true, credentials: creds});
    expect(await api.manifestDigest('team/web', 'v1')).toBe('sha256:abc');
    expect(await api.deleteManifest('team/web', 'sha256:abc')).toBe('deleted');
    const tokenRequests = reg.seen
      .filter((s) => s.url.startsWith('/token'))
      .map((s) => new URL(s.url, 'http://x').searchParams.get('scope'));
    expect(tokenRequests).toEqual(['repository:team/web:pull', 'repository:team/web:pull,push,delete']);
  });

  it('tells a refused login from a registry that wants one', async () => {
    const reg = await fakeRegistry('basic');
    const wrong = new RegistryApi({
      baseUrl: reg.baseUrl,
      host: reg.host,
      tlsVerify: true,
      credentials: {...creds, password: 'nope'},
    });
    expect(await wrong.ping()).toMatchObject({status: 'login-failed', detail: 'UNAUTHORIZED: authentication required'});
    const anonymous = new RegistryApi({baseUrl: reg.baseUrl, host: reg.host, tlsVerify: true, credentials: null});
    expect(await anonymous.ping()).toMatchObject({status: 'auth-required', scheme: 'basic'});
  });

  it('names a registry that refuses deletes, and one that cannot be reached', async () => {
    const reg = await fakeRegistry('none', {deleteStatus: 405});
    const api = new RegistryApi({baseUrl: reg.baseUrl, host: reg.host, tlsVerify: true, credentials: null});
    const refused = await api.deleteManifest('team/web', 'sha256:abc').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RegistryApiError);
    expect((refused as RegistryApiError).status).toBe(405);
    expect((refused as Error).message).toContain(`registry ${reg.host} does not allow deleting manifests`);
    const port = await closedPort();
    const gone = new RegistryApi({
      baseUrl: `http://127.0.0.1:${port}`,
      host: `127.0.0.1:${port}`,
      tlsVerify: true,
      credentials: null,
    });
    const down = await gone.ping().catch((e: unknown) => e);
    expect(down).toBeInstanceOf(RegistryApiError);
    expect((down as Error).message).toBe(`cannot reach registry 127.0.0.1:${port}: connection refused (ECONNREFUSED)`);
  });
});
