/**
 * ssh:// connections against the test bed's sshd (127.0.0.1:2222, key auth as root): every request
 * and the event stream travel as channels of ONE SSH connection.
 */
import {execFile} from 'node:child_process';
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {promisify} from 'node:util';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {DaemonUnreachableError} from '../../source/docker/errors.js';
import {serviceEvents} from '../../source/docker/event-stream.js';
import {connect, type ConnectOptions, type DockerGateway} from '../../source/docker/gateway.js';
import type {DockerEvent} from '../../source/docker/schemas.js';
import {createTestService, dockerOk, testbed, waitFor} from '../support/swarm.js';

const run = promisify(execFile);
const ssh = testbed.ssh;
const sshOptions = (extra: ConnectOptions['ssh'] = {}): ConnectOptions => ({
  env: {DOCKER_HOST: ssh.url, HOME: tmpdir()},
  sshKey: ssh.keyPath,
  ssh: {knownHostsFile: ssh.knownHostsPath, agentSocket: null, ...extra},
});

/** Established TCP connections from this process to the test sshd, as the kernel sees them. */
async function sshSocketsOfThisProcess(): Promise<number> {
  const {stdout} = await run('ss', ['-tnpH', 'state', 'established', `( dport = :${ssh.port} )`]);
  return stdout.split('\n').filter((line) => line.includes(`pid=${process.pid},`)).length;
}

let gateway: DockerGateway;

beforeAll(async () => {
  gateway = await connect(sshOptions());
});
afterAll(() => gateway?.close());

describe('Docker gateway over ssh://', () => {
  it('lists services over one SSH connection however many requests run at once', async () => {
    expect(gateway.endpoint).toBe(ssh.url);
    expect(gateway.apiVersion).toBe('1.41');
    const svc = await createTestService({prefix: 'gw-ssh', health: false});
    const before = gateway.requestCount;
    const results = await Promise.all(
      Array.from({length: 24}, (_, i) =>
        i % 3 === 0 ? gateway.listServices() : i % 3 === 1 ? gateway.listTasks([svc.id]) : gateway.swarmInfo(),
      ),
    );
    expect(gateway.requestCount - before).toBeGreaterThanOrEqual(24);
    expect((results[0] as {ID: string}[]).map((s) => s.ID)).toContain(svc.id);
    expect((await gateway.listServices()).map((s) => s.Spec.Name)).toContain(svc.name);

    expect(gateway.requestCount).toBeGreaterThanOrEqual(20);
    expect(gateway.sshConnectionsOpened).toBe(1);
    expect(await sshSocketsOfThisProcess()).toBe(1);
  });

  it('carries the event stream on the same connection', async () => {
    const svc = await createTestService({prefix: 'gw-ssh-ev', health: false});
    const controller = new AbortController();
    const events: DockerEvent[] = [];
    let connected = false;
    const done = (async () => {
      for await (const event of serviceEvents(gateway, {
        signal: controller.signal,
        onStatus: (s) => (connected ||= s === 'connected'),
      })) {
        events.push(event);
      }
    })();
    try {
      await waitFor(() => connected, {what: 'the event stream to connect over ssh'});
      await Promise.all([
        dockerOk(['service', 'update', '--detach', '--label-add', 'over=ssh', svc.id]),
        gateway.listServices(),
      ]);
      await waitFor(() => events.some((e) => e.Action === 'update' && e.Actor.ID === svc.id), {
        what: 'an update event over ssh',
      });
      expect(gateway.sshConnectionsOpened).toBe(1);
      expect(await sshSocketsOfThisProcess()).toBe(1);
    } finally {
      controller.abort();
      await done;
    }
  });

  it('opens a new SSH connection when the old one drops', async () => {
    const opened = gateway.sshConnectionsOpened!;
    await gateway.dropSshConnection();
    expect((await gateway.swarmInfo()).isManager).toBe(true);
    expect(gateway.sshConnectionsOpened).toBe(opened + 1);
    await waitFor(async () => (await sshSocketsOfThisProcess()) === 1, {what: 'only the new ssh connection to remain'});
  });

  it('keeps the event stream going across a dropped SSH connection', async () => {
    const svc = await createTestService({prefix: 'gw-ssh-drop', health: false});
    const controller = new AbortController();
    const events: DockerEvent[] = [];
    const statuses: string[] = [];
    const done = (async () => {
      for await (const event of serviceEvents(gateway, {
        signal: controller.signal,
        onStatus: (s) => statuses.push(s),
      })) {
        events.push(event);
      }
    })();
    try {
      await waitFor(() => statuses.includes('connected'), {what: 'the event stream to connect over ssh'});
      const opened = gateway.sshConnectionsOpened!;
      await gateway.dropSshConnection();
      await waitFor(() => statuses.filter((s) => s === 'connected').length >= 2, {
        what: 'the event stream to reconnect',
      });
      expect(gateway.sshConnectionsOpened).toBe(opened + 1);
      await dockerOk(['service', 'update', '--detach', '--label-add', 'after=drop', svc.id]);
      await waitFor(() => events.some((e) => e.Action === 'update' && e.Actor.ID === svc.id), {
        what: 'an update event after the drop',
      });
      expect(statuses.slice(0, 3)).toEqual(['connected', 'disconnected', 'connected']);
    } finally {
      controller.abort();
      await done;
    }
  });

  it('refuses a host key known_hosts does not list, unless told to accept unknown keys', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dokroll-known-hosts-'));
    const empty = join(dir, 'known_hosts');
    writeFileSync(empty, '');
    const refused = await connect(sshOptions({knownHostsFile: empty})).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DaemonUnreachableError);
    expect((refused as Error).message).toContain(`the host key of [127.0.0.1]:${ssh.port} is not in ${empty}`);

    const accepting = await connect(sshOptions({knownHostsFile: empty, acceptUnknownHostKey: true}));
    try {
      expect((await accepting.swarmInfo()).isManager).toBe(true);
    } finally {
      accepting.close();
    }
  });

  it('refuses a host key that contradicts known_hosts even when unknown keys are accepted', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dokroll-known-hosts-'));
    const wrong = join(dir, 'known_hosts');
    // A real ed25519 key, but not the test host's.
    const userKey = readFileSync(`${ssh.keyPath}.pub`, 'utf8').split(' ');
    writeFileSync(wrong, `[127.0.0.1]:${ssh.port} ${userKey[0]} ${userKey[1]}\n`);
    const error = await connect(sshOptions({knownHostsFile: wrong, acceptUnknownHostKey: true})).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DaemonUnreachableError);
    expect((error as Error).message).toContain('does not match');
    expect((error as Error).message).toContain('man-in-the-middle');
  });

  it('explains a key the server does not accept', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dokroll-ssh-key-'));
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'stranger')]);
    const error = await connect({...sshOptions(), sshKey: join(dir, 'stranger')}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DaemonUnreachableError);
    expect((error as Error).message).toMatch(/authentication methods failed — ssh authentication failed/);
  });
});
