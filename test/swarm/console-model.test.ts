import {afterAll, beforeAll, describe, expect, it, onTestFinished} from 'vitest';
import {configFromData} from '../../source/config/effective-config.js';
import {connect} from '../../source/docker/gateway.js';
import type {ConsoleState} from '../../source/services/console-model.js';
import {LiveConsoleModel, type LiveConsoleOptions} from '../../source/services/console/index.js';
import {RegistrySetup} from '../../source/services/registry/index.js';
import {openStore, type Store} from '../../source/store/index.js';
import {imageExists, registryDigest, registryTags, uniqueId} from '../support/registry.js';
import {startSocketProxy} from '../support/socket-proxy.js';
import {makeTempDir, removeDir} from '../support/store.js';
import {
  createTestService,
  docker,
  dockerApiGet,
  dockerOk,
  sleep,
  testbed,
  waitConverged,
  waitFor,
} from '../support/swarm.js';

const LOCAL = `unix://${testbed.socketPath}`;
let dir: string;
let store: Store;

beforeAll(async () => {
  dir = makeTempDir('dokroll-console-');
  store = await openStore({url: `file:${dir}/history.db`, env: {}});
});
afterAll(() => {
  store?.close();
  removeDir(dir);
});

/** A started model showing only `service`, closed when the test ends. */
function openModel(service: string, options: LiveConsoleOptions = {}, host = LOCAL): LiveConsoleModel {
  const model = new LiveConsoleModel(() => connect({host, env: {}}), store, {
    recorder: false,
    services: (name) => name === service,
    reconnect: {initialMs: 200, maxMs: 1_000},
    ...options,
  }).start();
  onTestFinished(() => model.close());
  return model;
}

function until<T>(model: LiveConsoleModel, pick: (state: ConsoleState) => T, what: string, timeoutMs = 20_000) {
  return waitFor(() => pick(model.getState()), {what, timeoutMs, intervalMs: 20});
}

const summaryOf = (state: ConsoleState, name: string) => state.services.find((s) => s.name === name);

describe('live console model on the local swarm', () => {
  it('shows a service with running/desired replicas and its live version once snapshotted', async () => {
    const svc = await createTestService({prefix: 'cm-overview', replicas: 2, health: false, wait: true});
    const model = openModel(svc.name);
    const first = await until(
      model,
      (s) => s.connection.status === 'connected' && summaryOf(s, svc.name),
      'the service in the overview',
    );
    expect(first).toMatchObject({name: svc.name, mode: 'replicated', desired: 2, liveVersion: null});
    expect(model.getState().connection).toMatchObject({endpoint: LOCAL, isManager: true});
    expect(model.getState().connection.swarmId).toBe((await dockerOk(['info', '-f', '{{.Swarm.Cluster.ID}}'])).trim());

    const row = await model.snapshotNow(svc.name);
    expect(row?.number).toBe(1);
    const shown = await until(
      model,
      (s) => summaryOf(s, svc.name)?.liveVersion === 1 && summaryOf(s, svc.name),
      'live version v1',
    );
    expect(shown).toMatchObject({running: 2, desired: 2, liveVersion: 1, image: svc.image});
    expect(await model.snapshotNow(svc.name)).toBeNull();
  });

  it("updates the watched service's tasks within a poll tick of a docker service update", async () => {
    const svc = await createTestService({prefix: 'cm-tasks', replicas: 1, wait: true});
    const model = openModel(svc.name, {pollMs: 250});
    await until(model, (s) => summaryOf(s, svc.name), 'the service in the overview');
    await model.snapshotNow(svc.name);
    model.watchService(svc.name);
    const before = await until(
      model,
      (s) => (s.tasks[svc.name]?.some((t) => t.state === 'running' && t.version === 1) ? s.tasks[svc.name] : null),
      'the running v1 task',
    );
    expect(before.find((t) => t.state === 'running')).toMatchObject({
      slot: 1,
      desiredState: 'running',
      health: 'healthy',
    });
    const known = new Set(before.map((t) => t.id));

    await dockerOk(['service', 'update', '--detach', '--env-add', 'CONSOLE_TEST=2', svc.name]);
    // When the daemon first lists the new task, the model must follow within a tick (+ batching).
    const fresh = await waitFor(
      async () =>
        (
          await dockerApiGet<{ID: string}[]>(
            `/tasks?filters=${encodeURIComponent(JSON.stringify({service: [svc.id]}))}`,
          )
        ).find((t) => !known.has(t.ID)),
      {what: 'the new task in the daemon', intervalMs: 10},
    );
    const seenAt = Date.now();
    await until(model, (s) => s.tasks[svc.name]?.some((t) => t.id === fresh.ID), 'the new task in the model', 5_000);
    const lag = Date.now() - seenAt;
    expect(lag).toBeLessThan(1_000);

    await waitConverged(svc.name);
    await model.snapshotNow(svc.name);
    const after = await until(
      model,
      (s) =>
        s.tasks[svc.name]?.find((t) => t.id === fresh.ID && t.state === 'running' && t.version === 2)
          ? s.tasks[svc.name]
          : null,
      'the new task as v2',
    );
    expect(after.filter((t) => t.version === 1).every((t) => t.desiredState === 'shutdown')).toBe(true);
  });

  it('publishes nothing while the swarm does not change', async () => {
    const svc = await createTestService({prefix: 'cm-idle', replicas: 2, wait: true});
    const model = openModel(svc.name, {pollMs: 250, overviewMs: 500});
    await until(model, (s) => summaryOf(s, svc.name)?.running === 2, 'both replicas running');
    await model.snapshotNow(svc.name);
    model.watchService(svc.name);
    await until(
      model,
      (s) =>
        summaryOf(s, svc.name)?.liveVersion === 1 &&
        s.tasks[svc.name]?.filter((t) => t.health === 'healthy').length === 2,
      'a settled screen',
    );
    // Whatever the start-up left pending is out once nothing has been published for 500 ms.
    let notifications = 0;
    let lastAt = Date.now();
    const unsubscribe = model.subscribe(() => {
      notifications += 1;
      lastAt = Date.now();
    });
    await waitFor(() => Date.now() - lastAt >= 500, {what: 'no update for 500 ms', intervalMs: 50, timeoutMs: 10_000});
    notifications = 0;
    const requestsBefore = model.requestCount;
    await sleep(2_000); // asserts that nothing is published
    unsubscribe();
    expect(notifications).toBe(0);
    // It kept polling all along (tasks + container health every tick, the overview every 500 ms).
    expect(model.requestCount - requestsBefore).toBeGreaterThanOrEqual(8);
  });

  it('reports an unreachable daemon as lost, without throwing, and connects once the factory succeeds', async () => {
    let host = 'tcp://127.0.0.1:1';
    const model = new LiveConsoleModel(() => connect({host, env: {}}), store, {
      recorder: false,
      endpoint: host,
      reconnect: {initialMs: 100, maxMs: 500},
    }).start();
    onTestFinished(() => model.close());
    expect(model.getState().connection.status).toBe('connecting');
    const lost = await until(model, (s) => (s.connection.status === 'lost' ? s.connection : null), 'status lost');
    expect(lost.error).toMatch(/cannot reach the Docker daemon at tcp:\/\/127\.0\.0\.1:1/);
    await expect(model.snapshotNow('x')).rejects.toThrow(/not connected/);
    await sleep(600); // asserts that it stays lost
    expect(model.getState().connection.status).toBe('lost');

    host = LOCAL;
    const connected = await until(
      model,
      (s) => (s.connection.status === 'connected' ? s.connection : null),
      'status connected',
      5_000,
    );
    expect(connected).toMatchObject({endpoint: LOCAL, isManager: true});
    expect(connected.error).toBeUndefined();
  });

  it('notices a daemon that goes away while connected and reconnects by itself', async () => {
    const svc = await createTestService({prefix: 'cm-lost', replicas: 1, health: false});
    const proxy = await startSocketProxy(`${dir}/docker-proxy.sock`);
    onTestFinished(() => proxy.close());
    const model = openModel(svc.name, {overviewMs: 300}, proxy.url);
    await until(
      model,
      (s) => s.connection.status === 'connected' && summaryOf(s, svc.name),
      'connected with the service',
    );

    await proxy.down();
    const lost = await until(
      model,
      (s) => (s.connection.status === 'lost' ? s.connection : null),
      'status lost',
      5_000,
    );
    expect(lost.error).toContain(proxy.url);
    // The last known services stay on screen, marked by the connection status.
    expect(summaryOf(model.getState(), svc.name)).toBeDefined();

    await proxy.up();
    await until(model, (s) => s.connection.status === 'connected', 'connected again', 5_000);
    await dockerOk(['service', 'scale', '--detach', `${svc.name}=2`]);
    await until(model, (s) => summaryOf(s, svc.name)?.desired === 2, 'the scaled service after reconnecting');
    expect(model.getState().events[svc.name]?.[0]?.text).toMatch(/replicas 1 → 2/);
  });

  it('tags and pushes a version its recorder records to the configured registry as v<n>', async () => {
    const svc = await createTestService({prefix: 'cm-registry', replicas: 1, health: false, wait: true});
    const plain = testbed.registry.plain;
    const prefix = `cm-registry-${uniqueId()}`;
    const registry = new RegistrySetup(
      configFromData({services: {[svc.name]: {registry: {type: 'registry', url: plain, insecure: true, prefix}}}}),
      {},
    );
    const model = openModel(svc.name, {recorder: true, stabilityWindowMs: 1_000, registry});
    const v1 = await waitFor(
      async () => {
        const [row] = await store.versions.list(svc.name);
        return row?.rollbackImage?.pushState === 'pushed' ? row : null;
      },
      {what: 'v1 recorded and pushed by the console', timeoutMs: 30_000, intervalMs: 100},
    );
    const ref = `${plain}/${prefix}/${svc.name}:v1`;
    onTestFinished(async () => void (await docker(['rmi', ref])));
    expect(v1).toMatchObject({number: 1, source: 'recorded'});
    expect(v1.rollbackImage).toMatchObject({ref, location: 'registry'});
    expect(await registryTags(plain, `${prefix}/${svc.name}`)).toEqual(['v1']);
    expect(await registryDigest(plain, `${prefix}/${svc.name}`, 'v1')).toBe(v1.rollbackImage?.digest);
    expect(await imageExists(ref)).toBe(true);
    await until(model, (s) => summaryOf(s, svc.name)?.liveVersion === 1, 'v1 live in the console');
  });
});
