/**
 * A recorder that was down while a service was deployed twice recovers the spec replaced last from
 * Swarm's PreviousSpec: both deployments become versions, in order, and the recovered one says so.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {connect, type DockerGateway} from '../../source/docker/gateway.js';
import {Recorder} from '../../source/services/recorder.js';
import {openStore, type Store} from '../../source/store/index.js';
import {makeTempDir, removeDir} from '../support/store.js';
import {createTestService, dockerOk, testbed, waitFor} from '../support/swarm.js';

let dir: string;
let gateway: DockerGateway;
let store: Store;

beforeAll(async () => {
  dir = makeTempDir('dokroll-catch-up-');
  gateway = await connect({host: `unix://${testbed.socketPath}`, env: {}});
  store = await openStore({url: `${dir}/history.db`, env: {}});
});
afterAll(() => {
  gateway?.close();
  store?.close();
  removeDir(dir);
});

async function runRecorderUntil(service: string, versions: number): Promise<void> {
  const stop = new AbortController();
  const recorder = new Recorder(gateway, store, {
    stabilityWindowMs: 1_000,
    tickMs: 200,
    include: (name) => name === service,
  });
  const running = recorder.run(stop.signal);
  try {
    await waitFor(async () => (await store.versions.list(service)).length >= versions || null, {
      timeoutMs: 90_000,
      intervalMs: 200,
      what: `${service} to have ${versions} versions`,
    });
  } finally {
    stop.abort();
    await running;
  }
}

const env = (spec: {TaskTemplate: {ContainerSpec?: {Env?: string[]}}}) => spec.TaskTemplate.ContainerSpec?.Env ?? [];

describe('catch-up after the recorder was down', () => {
  it('deploying v2 then v3 while the recorder is stopped records both, in order, the recovered one marked as such', async () => {
    const svc = await createTestService({
      prefix: 'catchup',
      replicas: 1,
      health: false,
      env: {APP_MESSAGE: 'one'},
      wait: true,
    });
    await runRecorderUntil(svc.name, 1);

    await dockerOk(['service', 'update', '--detach=false', '--quiet', '--env-add', 'APP_MESSAGE=two', svc.name], {
      timeoutMs: 90_000,
    });
    await dockerOk(['service', 'update', '--detach=false', '--quiet', '--env-add', 'APP_MESSAGE=three', svc.name], {
      timeoutMs: 90_000,
    });
    await runRecorderUntil(svc.name, 3);

    const [v3, v2, v1] = await store.versions.list(svc.name);
    expect([v1, v2, v3].map((v) => v?.number)).toEqual([1, 2, 3]);
    expect(env(v1!.snapshot.spec)).toContain('APP_MESSAGE=one');
    expect(env(v2!.snapshot.spec)).toContain('APP_MESSAGE=two');
    expect(env(v3!.snapshot.spec)).toContain('APP_MESSAGE=three');
    expect(v2).toMatchObject({source: 'recorded', health: 'superseded'});
    expect(v2!.note).toMatch(/recovered from Swarm's PreviousSpec/);
    expect(v3!.note).toBeNull();
    const audit = (await store.audit.list({serviceName: svc.name}))
      .filter((a) => a.action === 'record')
      .map((a) => [a.toVersion, a.detail]);
    expect(audit).toEqual([
      [3, 'converged deployment'],
      [2, "recovered from Swarm's PreviousSpec at catch-up"],
      [1, 'converged deployment'],
    ]);
  }, 180_000);
});
