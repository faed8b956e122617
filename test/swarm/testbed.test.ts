import {execFile} from 'node:child_process';
import {readFile} from 'node:fs/promises';
import {createServer} from 'node:http';
import type {AddressInfo} from 'node:net';
import {promisify} from 'node:util';
import {describe, expect, it} from 'vitest';
import {
  createTestService,
  dockerApiGet,
  dockerOk,
  fixtureImageId,
  inspectServiceOrNull,
  serviceState,
  serviceTasks,
  startLoad,
  sweepStaleTestServices,
  taskEndpoints,
  testbed,
  uniqueName,
  waitConverged,
  waitFor,
} from '../support/swarm.js';
import {runTestbedScript, TESTBED_DIR} from '../support/testbed.js';

const run = promisify(execFile);

async function body(url: string): Promise<string> {
  const response = await fetch(url, {signal: AbortSignal.timeout(3000)});
  return response.text();
}

async function firstEndpoint(service: string): Promise<string> {
  const endpoints = await waitFor(async () => (await taskEndpoints(service)).at(0), {
    what: `a running task of ${service} with a published port`,
  });
  return endpoints.url;
}

/** Health status of the containers of a service's tasks ('healthy', 'unhealthy', 'starting'). */
async function containerHealth(service: string): Promise<string[]> {
  const tasks = await serviceTasks(service);
  const states: string[] = [];
  for (const task of tasks) {
    const containerId = task.Status.ContainerStatus?.ContainerID;
    if (!containerId) continue;
    try {
      const container = await dockerApiGet<{State: {Health?: {Status: string}}}>(`/containers/${containerId}/json`);
      if (container.State.Health) states.push(container.State.Health.Status);
    } catch {
      // container already removed
    }
  }
  return states;
}

describe('swarm test bed', () => {
  it('gives every fixture tag its own local image ID', async () => {
    const ids = await Promise.all([fixtureImageId('v1'), fixtureImageId('v2'), fixtureImageId('bad-health')]);
    for (const id of ids) expect(id).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(new Set(ids).size).toBe(3);
  });

  it('makes unique, valid service names', () => {
    const names = new Set(Array.from({length: 50}, () => uniqueName('Some Test_Name!')));
    expect(names.size).toBe(50);
    for (const name of names) expect(name).toMatch(/^[a-z0-9][a-z0-9-]{0,62}$/);
  });

  it('serves a v1 service over HTTP on its ephemeral host port with its APP_VERSION', async () => {
    const service = await createTestService({
      prefix: 'tb-http',
      image: 'v1',
      env: {APP_VERSION: 'release-41', APP_MESSAGE: 'hello from the fixture'},
      wait: true,
    });
    const state = await waitConverged(service.name);
    expect(state).toMatchObject({running: 1, desired: 1});

    const url = await firstEndpoint(service.name);
    const page = await body(url);
    expect(page).toContain('APP_VERSION=release-41');
    expect(page).toContain('APP_MESSAGE=hello from the fixture');
    expect(page).toContain('IMAGE_VERSION=v1');
    expect(await body(`${url}/health`)).toBe('ok\n');

    const inspected = await inspectServiceOrNull(service.id);
    expect(inspected?.Spec.Labels?.[testbed.serviceLabel]).toBe('1');
  });

  it('reports the bad-health variant as unhealthy', async () => {
    const service = await createTestService({prefix: 'tb-badhealth', image: 'bad-health', removeAfter: 'test'});
    const states = await waitFor(
      async () => {
        const health = await containerHealth(service.name);
        return health.includes('unhealthy') ? health : null;
      },
      {what: `an unhealthy container of ${service.name}`, timeoutMs: 20_000},
    );
    expect(states).toContain('unhealthy');
  });

  it('runs the fixture exit and crash switches', async () => {
    const exits = await createTestService({
      prefix: 'tb-exit',
      env: {EXIT_CODE: '3'},
      health: false,
      publish: false,
      removeAfter: 'test',
    });
    const crashes = await createTestService({
      prefix: 'tb-crash',
      env: {CRASH_AFTER: '1'},
      health: false,
      publish: false,
      removeAfter: 'test',
    });
    const failedWith = async (service: string, exitCode: number) =>
      waitFor(
        async () =>
          (await serviceTasks(service)).find((t) => t.Status.ContainerStatus?.ExitCode === exitCode && t.Status.Err),
        {what: `a task of ${service} failing with exit ${exitCode}`, timeoutMs: 20_000},
      );
    expect((await failedWith(exits.name, 3)).Status.Err).toContain('non-zero exit (3)');
    expect((await failedWith(crashes.name, 1)).Status.Err).toContain('non-zero exit (1)');
  });

  it('keeps answering while a one-replica start-first service is updated from v1 to v2', async () => {
    const service = await createTestService({prefix: 'tb-update', image: 'v1', wait: true});
    const before = await serviceState(service.name);
    const load = startLoad(async () => (await taskEndpoints(service.name)).map((e) => e.url), {intervalMs: 50});
    await waitFor(() => load.progress().ok >= 5, {what: 'the first answered requests'});

    const v2 = await fixtureImageId('v2');
    await dockerOk(['service', 'update', '--detach', '--quiet', '--image', v2, service.name]);
    const after = await waitConverged(service.name, {previousStartedAt: before.updateStartedAt});
    const result = await load.stop();

    expect(after.updateState).toBe('completed');
    expect(await body(await firstEndpoint(service.name))).toContain('IMAGE_VERSION=v2');
    console.log(`load during the update: ${JSON.stringify(result)}`);
    expect(result.ok).toBeGreaterThan(0);
    expect(result.endedBy).toBe('stopped');
  });

  describe('cleanup', () => {
    let perTestName = '';

    it('creates a service that is removed when its test ends', async () => {
      const service = await createTestService({
        prefix: 'tb-pertest',
        health: false,
        publish: false,
        removeAfter: 'test',
      });
      perTestName = service.name;
      expect(await inspectServiceOrNull(service.name)).not.toBeNull();
    });

    it("has removed the previous test's service", async () => {
      expect(perTestName).not.toBe('');
      expect(await inspectServiceOrNull(perTestName)).toBeNull();
    });

    it('sweeps labelled test services past the age limit', async () => {
      const service = await createTestService({prefix: 'tb-stale', health: false, publish: false});
      const removed = await sweepStaleTestServices(0, (s) => s.Spec.Name === service.name);
      expect(removed).toEqual([service.name]);
      expect(await inspectServiceOrNull(service.name)).toBeNull();
    });
  });

  it('stops a request loop at its request cap and counts answers and failures', async () => {
    let hits = 0;
    const server = createServer((_req, res) => {
      hits += 1;
      res.statusCode = hits % 2 === 0 ? 503 : 200;
      res.end('x');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const {port} = server.address() as AddressInfo;
    try {
      const load = startLoad(`http://127.0.0.1:${port}/`, {intervalMs: 5, maxRequests: 6});
      // Wait for the client to have counted all six answers (the server seeing them is not enough:
      // under load stop() could come before the last answer is read).
      await waitFor(
        () => {
          const {ok, failed} = load.progress();
          return ok + failed >= 6;
        },
        {what: 'six answers counted', timeoutMs: 5000},
      );
      const result = await load.stop();
      expect(result).toMatchObject({ok: 3, failed: 3, endedBy: 'max-requests'});
      expect(result.errors).toEqual([`http://127.0.0.1:${port}/: HTTP 503 (×3)`]);
      expect(() => startLoad('http://example.com/')).toThrow(/loopback/);
    } finally {
      server.close();
    }
  });

  it('reaches the daemon over ssh and both registries', async () => {
    const {stdout} = await run('ssh', [
      '-i',
      testbed.ssh.keyPath,
      '-p',
      String(testbed.ssh.port),
      '-o',
      'BatchMode=yes',
      '-o',
      `UserKnownHostsFile=${testbed.ssh.knownHostsPath}`,
      '-o',
      'StrictHostKeyChecking=yes',
      `${testbed.ssh.user}@${testbed.ssh.host}`,
      'docker',
      'version',
      '-f',
      '{{.Server.APIVersion}}',
    ]);
    expect(stdout.trim()).toBe('1.41');

    expect((await fetch(`http://${testbed.registry.plain}/v2/`)).status).toBe(200);
    expect((await fetch(`http://${testbed.registry.auth}/v2/`)).status).toBe(401);
    const basic = Buffer.from(`${testbed.registry.user}:${testbed.registry.password}`).toString('base64');
    const authed = await fetch(`http://${testbed.registry.auth}/v2/`, {headers: {authorization: `Basic ${basic}`}});
    expect(authed.status).toBe(200);
  });

  it('re-runs the test bed script quickly without changing anything', async () => {
    const ids = await Promise.all([fixtureImageId('v1'), fixtureImageId('v2'), fixtureImageId('bad-health')]);
    const envBefore = await readFile(`${TESTBED_DIR}/env`, 'utf8');
    const sshdPid = await readFile(`${TESTBED_DIR}/sshd.pid`, 'utf8');

    const again = await runTestbedScript();
    console.log(`scripts/testbed.sh with everything in place: ${again.durationMs} ms`);

    // Quick is shown by what it did not do (one line, nothing restarted or rebuilt), not by a timed
    // assertion: the figure above is printed.
    expect(again.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^testbed: ready in \d+ ms$/)]);
    const idsAfter = await Promise.all(
      (['v1', 'v2', 'bad-health'] as const).map((tag) =>
        dockerOk(['image', 'inspect', '-f', '{{.Id}}', `${testbed.fixtureRepo}:${tag}`]).then((s) => s.trim()),
      ),
    );
    expect(idsAfter).toEqual(ids);
    expect(await readFile(`${TESTBED_DIR}/env`, 'utf8')).toBe(envBefore);
    expect(await readFile(`${TESTBED_DIR}/sshd.pid`, 'utf8')).toBe(sshdPid);
  });
});
