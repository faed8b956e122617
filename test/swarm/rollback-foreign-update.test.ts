/**
 * A rollback that meets someone else's `docker service update` while it rolls out: it stops, ends in
 * conflict (exit 4) naming what the other update changed, and never records that update as itself.
 * The CLI and the console share the engine; both are checked.
 */
import {afterAll, beforeAll, describe, expect, it, onTestFinished} from 'vitest';
import {connect} from '../../source/docker/gateway.js';
import {LiveConsoleModel} from '../../source/services/console/index.js';
import {Recorder} from '../../source/services/recorder.js';
import {ensureBuilt} from '../support/built-cli.js';
import {startCli} from '../support/cli.js';
import {openHistoryBed, type HistoryBed} from '../support/history-bed.js';
import {createTestService, dockerOk, testbed, waitConverged, waitFor} from '../support/swarm.js';

let bed: HistoryBed;
beforeAll(async () => {
  await ensureBuilt();
  bed = await openHistoryBed('rollback-foreign');
}, 240_000);
afterAll(() => bed?.close());

/** A service with v1 (APP_MESSAGE=one) and v2 (APP_MESSAGE=two) recorded, v2 live. */
async function twoVersions(prefix: string) {
  const svc = await createTestService({prefix, monitorMs: 200, replicas: 3, env: {APP_MESSAGE: 'one'}, wait: true});
  await bed.record(svc.name);
  await bed.update(svc.name, ['--env-add', 'APP_MESSAGE=two']);
  await bed.record(svc.name);
  return svc;
}

/** Someone else's update, issued while ours rolls out. */
const foreignUpdate = (name: string) =>
  dockerOk(['service', 'update', '--detach', '--quiet', '--env-add', 'OOB=1', name]);

/** After the dust settles, a recorder files what runs: the other update, as an ordinary recorded version. */
async function expectRecordedAsTheirs(name: string) {
  await waitConverged(name, {timeoutMs: 120_000});
  const outcome = await new Recorder(bed.gateway, bed.store).examine(name);
  expect(typeof outcome).toBe('object');
  const all = await bed.store.versions.list(name);
  // Nothing is filed as our rollback. The spec our rollout applied may have run before their update
  // replaced it: the recorder then recovers it from PreviousSpec as an ordinary version, saying so.
  expect(all.filter((v) => v.source === 'rollback' || /rolled back/.test(v.note ?? ''))).toEqual([]);
  const versions = all.filter((v) => !(v.note ?? '').startsWith("recovered from Swarm's PreviousSpec"));
  expect(versions.map((v) => [v.source, v.note])).toEqual([
    ['recorded', null],
    ['snapshot', null],
    ['snapshot', null],
  ]);
  expect(versions[0]?.snapshot.spec.TaskTemplate.ContainerSpec?.Env).toContain('OOB=1');
  const ends = (await bed.store.audit.list({serviceName: name})).filter((row) => row.action === 'rollback');
  expect(ends.map((row) => row.result)).toEqual(['conflict']);
  expect(ends[0]?.detail).toMatch(/OOB/);
  expect(ends[0]?.detail).not.toMatch(/recorded as v/);
}

describe('a rollback meeting a concurrent docker service update', () => {
  it('rollback --yes stops, exits 4 naming what the other update changed, and the recorder files it as theirs', async () => {
    const svc = await twoVersions('rb-oob');
    const run = startCli(['rollback', svc.name, '--to', 'v1', '--yes', '--json', '--watch', '1', '--delay', '1s'], {
      db: bed.db,
    });
    await run.waitForJson((line) => line.type === 'progress' && line.phase === 'updating', 90_000);
    await foreignUpdate(svc.name);
    const result = await run.result;
    console.info(`rollback met a foreign update: exit ${result.code}; ${result.stderr.trim()}`);
    expect(result.code, result.stderr).toBe(4);
    expect(result.json.at(-1)).toMatchObject({type: 'verdict', result: 'conflict', recordedVersion: null});
    expect(JSON.stringify(result.json.at(-1))).toMatch(/changed by someone else.*OOB/);
    await expectRecordedAsTheirs(svc.name);
  }, 240_000);

  it('the console’s rollback ends in conflict, not healthy, and records nothing as the rollback', async () => {
    const svc = await twoVersions('cm-oob');
    const model = new LiveConsoleModel(() => connect({host: `unix://${testbed.socketPath}`, env: {}}), bed.store, {
      services: (name) => name === svc.name,
      recorder: false,
      rolloutWatchMs: 1_000,
    }).start();
    onTestFinished(() => model.close());
    await waitFor(() => model.getState().services.some((s) => s.name === svc.name), {
      what: 'the service in the console',
    });

    const handle = model.rollback(svc.name, 1, 'full');
    await waitFor(() => model.getState().rollouts[svc.name]?.progress.phase === 'updating' || null, {
      what: 'the rollout under way',
      intervalMs: 25,
    });
    await foreignUpdate(svc.name);
    const done = await handle.done;
    expect(done.result, done.error).toBe('conflict');
    expect(done.error).toMatch(/changed by someone else.*OOB/);
    const rollout = await waitFor(
      () => (model.getState().rollouts[svc.name]?.done ? model.getState().rollouts[svc.name] : null),
      {
        what: 'the finished rollout in the console state',
      },
    );
    expect(rollout).toMatchObject({done: true, result: 'conflict'});
    await expectRecordedAsTheirs(svc.name);
  }, 240_000);
});
