/**
 * The live console model tells the truth about history and stopped tasks, on the real swarm: the
 * watched service's history revision goes up when another process records to the same database,
 * and a task that a failing health check stopped (ending `complete`, exit 0, no error) says why,
 * in the task list and in its detail.
 */
import {afterAll, beforeAll, describe, expect, it, onTestFinished} from 'vitest';
import {connect} from '../../source/docker/gateway.js';
import {captureService} from '../../source/services/capture.js';
import type {ConsoleState} from '../../source/services/console-model.js';
import {LiveConsoleModel} from '../../source/services/console/index.js';
import {openStore, type Store} from '../../source/store/index.js';
import {makeTempDir, removeDir} from '../support/store.js';
import {createTestService, testbed, waitFor} from '../support/swarm.js';

const LOCAL = `unix://${testbed.socketPath}`;
let dir: string;
let store: Store;
let other: Store;

beforeAll(async () => {
  dir = makeTempDir('dokroll-history-live-');
  store = await openStore({url: `file:${dir}/history.db`, env: {}});
  // Another process's connection to the same database.
  other = await openStore({url: `file:${dir}/history.db`, env: {}});
});
afterAll(() => {
  store?.close();
  other?.close();
  removeDir(dir);
});

function openModel(service: string): LiveConsoleModel {
  const model = new LiveConsoleModel(() => connect({host: LOCAL, env: {}}), store, {
    recorder: false,
    services: (name) => name === service,
    overviewMs: 300,
    pollMs: 250,
  }).start();
  onTestFinished(() => model.close());
  return model;
}

const until = <T>(model: LiveConsoleModel, pick: (s: ConsoleState) => T, what: string, timeoutMs = 30_000) =>
  waitFor(() => pick(model.getState()), {what, timeoutMs, intervalMs: 20});

describe('the console model and the history other processes write', () => {
  it("bumps the watched service's history revision and live version when another process records", async () => {
    const svc = await createTestService({prefix: 'hist-live', replicas: 1, health: false, wait: true});
    const model = openModel(svc.name);
    model.watchService(svc.name);
    await until(model, (s) => s.services.find((x) => x.name === svc.name), 'the service in the overview');
    // Let the first stamp be taken, then record from the other connection.
    await until(model, (s) => s.servicesLoaded, 'the first overview');
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(model.getState().historyRevision?.[svc.name]).toBeUndefined();

    const gateway = await connect({host: LOCAL, env: {}});
    onTestFinished(() => gateway.close());
    const service = (await gateway.findService(svc.name))!;
    const {snapshot, hash} = await captureService(gateway, service);
    await other.versions.record({
      serviceName: svc.name,
      serviceId: service.ID,
      snapshot,
      specHash: hash,
      source: 'recorded',
    });

    await until(model, (s) => s.historyRevision?.[svc.name], 'a history revision');
    await until(model, (s) => s.services.find((x) => x.name === svc.name)?.liveVersion === 1, 'live v1', 10_000);
  });
});

describe('a task stopped by its health check', () => {
  it('shows why it stopped instead of an empty error', async () => {
    const svc = await createTestService({prefix: 'hist-crash', replicas: 1, env: {HEALTH: 'fail'}, healthRetries: 1});
    const model = openModel(svc.name);
    model.watchService(svc.name);
    const row = await until(
      model,
      (s) => s.tasks[svc.name]?.find((t) => t.state === 'complete' && t.error),
      'a stopped task with its cause',
      60_000,
    );
    expect(row.health).toBe('unhealthy');
    expect(row.error).toMatch(/^stopped: health check failed/);

    // Its detail: container, exit code, port, the health checks' outputs, the slot's other tasks.
    const detail = await model.taskDetail(svc.name, row.id);
    expect(detail).toMatchObject({id: row.id, state: 'complete', exitCode: 0, slot: 1});
    expect(detail.containerId).toMatch(/^[0-9a-f]{64}$/);
    expect(detail.health?.status).toBe('unhealthy');
    expect(detail.health?.checks.length).toBeGreaterThan(0);
    expect(detail.image).toBe(svc.image);
  }, 90_000);
});
