import {mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {parseDockerHost, resolveTarget, resolveTargets} from '../../../source/docker/connection.js';
import {DokrollError} from '../../../source/shared/errors.js';

describe('parseDockerHost', () => {
  it('reads a unix socket path', () => {
    expect(parseDockerHost('unix:///run/user/1000/docker.sock')).toEqual({
      kind: 'unix',
      endpoint: 'unix:///run/user/1000/docker.sock',
      socketPath: '/run/user/1000/docker.sock',
    });
  });

  it('reads tcp host and port, leaving a missing port to be defaulted', () => {
    expect(parseDockerHost('tcp://10.0.0.5:2376')).toEqual({
      kind: 'tcp',
      endpoint: 'tcp://10.0.0.5:2376',
      host: '10.0.0.5',
      port: 2376,
    });
    expect(parseDockerHost('tcp://docker.internal')).toMatchObject({host: 'docker.internal', port: null});
    expect(parseDockerHost('tcp://[::1]:2375')).toMatchObject({host: '::1', port: 2375, endpoint: 'tcp://[::1]:2375'});
  });

  it('reads ssh user, host and port, defaulting the port to 22', () => {
    expect(parseDockerHost('ssh://root@127.0.0.1:2222')).toEqual({
      kind: 'ssh',
      endpoint: 'ssh://root@127.0.0.1:2222',
      host: '127.0.0.1',
      port: 2222,
      username: 'root',
    });
    expect(parseDockerHost('ssh://deploy@manager-1')).toMatchObject({
      port: 22,
      username: 'deploy',
      endpoint: 'ssh://deploy@manager-1',
    });
    expect(parseDockerHost('ssh://manager-1')).toMatchObject({username: null});
  });

  it.each([
    ['docker.example.com:2375', /no scheme/],
    ['http://docker:2375', /unsupported scheme 'http:\/\/'/],
    ['npipe:////./pipe/docker_engine', /unsupported scheme 'npipe:\/\/'/],
    ['unix://relative.sock', /socket path must be absolute/],
    ['tcp://', /host name is empty/],
    ['tcp://host:70000', /bad port 70000/],
    ['ssh://root@[::1]:0', /bad port 0/],
    ['ssh://root:secret@host', /password/],
    ['ssh://root@host/some/path', /path after the host/],
    ['tcp://host:2375?x=1', /query string/],
  ])('refuses %s with a usage error naming the value', (value, reason) => {
    let error: unknown;
    try {
      parseDockerHost(value, '--host');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DokrollError);
    expect((error as DokrollError).exitCode).toBe(2);
    expect((error as Error).message).toContain(`invalid Docker host '${value}' (from --host)`);
    expect((error as Error).message).toMatch(reason);
  });
});

describe('several managers', () => {
  it('takes a comma-separated list and repeated --host values, in order, without duplicates', () => {
    const targets = resolveTargets({
      host: ['unix:///m1.sock, tcp://m2:2375', 'unix:///m1.sock', 'ssh://op@m3'],
      env: {USER: 'me'},
    });
    expect(targets.map((t) => t.endpoint)).toEqual(['unix:///m1.sock', 'tcp://m2:2375', 'ssh://op@m3']);
    expect(resolveTargets({env: {DOCKER_HOST: 'tcp://a:1,tcp://b:2'}}).map((t) => t.endpoint)).toEqual([
      'tcp://a:1',
      'tcp://b:2',
    ]);
    expect(resolveTarget({env: {DOCKER_HOST: 'tcp://a:1,tcp://b:2'}}).endpoint).toBe('tcp://a:1');
  });

  it('refuses an empty item in the list, naming where it came from', () => {
    expect(() => resolveTargets({env: {DOCKER_HOST: 'tcp://a:1,'}})).toThrow(
      /invalid Docker host 'tcp:\/\/a:1,' \(from DOCKER_HOST\): an empty item/,
    );
    expect(() => resolveTargets({host: 'tcp://a:1,,tcp://b:2', env: {}})).toThrow(/\(from --host\): an empty item/);
  });
});

describe('resolveTarget', () => {
  it('uses the default unix socket when neither --host nor DOCKER_HOST is set', () => {
    expect(resolveTarget({env: {}})).toMatchObject({kind: 'unix', socketPath: '/var/run/docker.sock'});
    expect(resolveTarget({env: {DOCKER_HOST: ''}})).toMatchObject({kind: 'unix', socketPath: '/var/run/docker.sock'});
  });

  it('prefers --host over DOCKER_HOST', () => {
    const target = resolveTarget({host: 'tcp://a:1', env: {DOCKER_HOST: 'tcp://b:2'}});
    expect(target).toMatchObject({kind: 'tcp', host: 'a', port: 1});
    expect(resolveTarget({env: {DOCKER_HOST: 'tcp://b:2'}})).toMatchObject({host: 'b', port: 2});
  });

  it('names DOCKER_HOST as the source of a bad value', () => {
    expect(() => resolveTarget({env: {DOCKER_HOST: 'bogus'}})).toThrow(
      /invalid Docker host 'bogus' \(from DOCKER_HOST\)/,
    );
  });

  it('talks plain http to tcp hosts without DOCKER_TLS_VERIFY, on port 2375 by default', () => {
    expect(resolveTarget({env: {DOCKER_HOST: 'tcp://h'}})).toMatchObject({
      tls: null,
      port: 2375,
      endpoint: 'tcp://h:2375',
    });
    expect(resolveTarget({env: {DOCKER_HOST: 'tcp://h', DOCKER_TLS_VERIFY: '0'}})).toMatchObject({tls: null});
  });

  it('loads ca.pem, cert.pem and key.pem from DOCKER_CERT_PATH when DOCKER_TLS_VERIFY=1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dokroll-certs-'));
    for (const file of ['ca.pem', 'cert.pem', 'key.pem']) writeFileSync(join(dir, file), `${file} contents`);
    const target = resolveTarget({env: {DOCKER_HOST: 'tcp://h', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: dir}});
    expect(target).toMatchObject({kind: 'tcp', port: 2376});
    if (target.kind !== 'tcp' || !target.tls) throw new Error('expected TLS material');
    expect(target.tls.ca.toString()).toBe('ca.pem contents');
    expect(target.tls.cert.toString()).toBe('cert.pem contents');
    expect(target.tls.key.toString()).toBe('key.pem contents');
  });

  it('reports a missing certificate file as a usage error naming the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dokroll-certs-'));
    writeFileSync(join(dir, 'ca.pem'), 'x');
    expect(() => resolveTarget({env: {DOCKER_HOST: 'tcp://h', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: dir}})).toThrow(
      `${join(dir, 'cert.pem')} cannot be read (ENOENT)`,
    );
  });

  it('fills in the ssh user, key, agent and known_hosts from options and environment', () => {
    const target = resolveTarget({
      env: {DOCKER_HOST: 'ssh://manager', USER: 'alice', HOME: '/home/alice', SSH_AUTH_SOCK: '/tmp/agent.sock'},
      sshKey: '/keys/deploy',
    });
    expect(target).toMatchObject({
      kind: 'ssh',
      endpoint: 'ssh://alice@manager',
      username: 'alice',
      port: 22,
      ssh: {
        identityFile: '/keys/deploy',
        agentSocket: '/tmp/agent.sock',
        knownHostsFile: '/home/alice/.ssh/known_hosts',
        acceptUnknownHostKey: false,
      },
    });
  });

  it('takes the ssh key and unknown-host acceptance from DOKROLL_SSH_* variables', () => {
    const target = resolveTarget({
      env: {
        DOCKER_HOST: 'ssh://root@h:2222',
        DOKROLL_SSH_KEY: '/k',
        DOKROLL_SSH_ACCEPT_UNKNOWN_HOST_KEY: '1',
        HOME: '/root',
      },
    });
    expect(target).toMatchObject({ssh: {identityFile: '/k', acceptUnknownHostKey: true, agentSocket: null}});
  });
});
