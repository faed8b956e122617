/**
 * A version replaced inside its stability window is `superseded`, never judged bad for the tasks the
 * next deployment replaces on purpose: with the recorder watching, and with a recorder started in the
 * middle of that next deployment.
 */
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {connect, type DockerGateway} from '../../source/docker/gateway.js';
import {Recorder} from '../../source/services/recorder.js';
import {openStore, type Store, type VersionRow} from '../../source/store/index.js';
import {makeTempDir, removeDir} from '../support/store.js';
import {createTestService, dockerOk, testbed, waitFor} from '../support/swarm.js';

let dir: string;
let gateway: DockerGateway;
let store: Store;
const stops: AbortController[] = [];
const runs: Promise<void>[] = [];

beforeAll(async () => {
  dir = makeTempDir('dokroll-superseded-');
  gateway = await connect({host: `unix://${testbed.socketPath}`, env: {}});
  store = await openStore({url: `${dir}/history.db`, env: {}});
});
afterEach(async () => {
  for (const stop of stops.splice(0)) stop.abort();
  await Promise.all(runs.splice(0));
});
afterAll(() => {
  gateway?.close();
  store?.close();
  removeDir(dir);
});

function startRecorder(service: string, windowMs: number, log: string[]): AbortController {
  const stop = new AbortController();
  const recorder = new Recorder(gateway, store, {
    stabilityWindowMs: windowMs,
    tickMs: 200,
    include: (name) => name === service,
    log: (line) => log.push(line),
  });
  stops.push(stop);
  runs.push(recorder.run(stop.signal));
  return stop;
}

async function version(service: string, number: number): Promise<VersionRow> {
  return waitFor(() => store.versions.get(service, number), {
    timeoutMs: 90_000,
    intervalMs: 200,
    what: `${service} v${number} to be recorded`,
  });
}

/** A slow stop-first update: one of two tasks is down for seconds, as in any rolling update. */
const slowUpdate = (name: string, value: string) =>
  dockerOk([
    'service',
    'update',
    '--detach',
    '--quiet',
    '--update-order',
    'stop-first',
    '--update-delay',
    '4s',
    '--env-add',
    `NEXT=${value}`,
    name,
  ]);

describe('a version superseded inside its stability window', () => {
  it('a normal docker service update starting inside v1’s window makes v1 superseded, not bad', async () => {
    const svc = await createTestService({prefix: 'sup-win', replicas: 2, monitorMs: 200, wait: true});
    const log: string[] = [];
    startRecorder(svc.name, 4_000, log);
    const v1 = await version(svc.name, 1);
    expect(v1.health).toBe('pending');
    await slowUpdate(svc.name, 'one');

    await version(svc.name, 2);
    const after = await store.versions.get(svc.name, 1);
    console.info(`recorder said: ${log.join(' | ')}`);
    expect(after).toMatchObject({
      health: 'superseded',
      healthReason: 'replaced by v2 before its stability window ended',
    });
    expect(log.join('\n')).not.toMatch(/v1 is bad/);
  }, 120_000);

  it('a recorder started during the next update does not judge the previous version failed', async () => {
    const svc = await createTestService({prefix: 'sup-restart', replicas: 2, monitorMs: 200, wait: true});
    const first: string[] = [];
    const stop = startRecorder(svc.name, 600_000, first);
    await version(svc.name, 1);
    stop.abort();
    await Promise.all(runs.splice(0));

    await slowUpdate(svc.name, 'two');
    await waitFor(async () => (await gateway.inspectService(svc.name)).UpdateStatus?.State === 'updating', {
      what: 'the update to start',
    });
    const log: string[] = [];
    startRecorder(svc.name, 2_000, log);

    await version(svc.name, 2);
    console.info(`restarted recorder said: ${log.join(' | ')}`);
    expect(await store.versions.get(svc.name, 1)).toMatchObject({health: 'superseded'});
    expect(log.join('\n')).not.toMatch(/v1 is bad/);
    // The version that replaced it is judged on its own window.
    await waitFor(async () => (await store.versions.get(svc.name, 2))?.health === 'good', {
      timeoutMs: 30_000,
      what: 'v2 to be judged good',
    });
    expect(await store.versions.lastKnownGood(svc.name)).toMatchObject({number: 2});
  }, 120_000);
});
