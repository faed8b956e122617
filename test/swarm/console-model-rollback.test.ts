import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it, onTestFinished} from 'vitest';
import {configFromData} from '../../source/config/effective-config.js';
import {connect} from '../../source/docker/gateway.js';
import type {ConsoleState} from '../../source/services/console-model.js';
import {LiveConsoleModel, type LiveConsoleOptions} from '../../source/services/console/index.js';
import {RegistrySetup} from '../../source/services/registry/index.js';
import {openStore, type Store} from '../../source/store/index.js';
import {buildThrowawayImage, imageExists, registryTags, removeThrowawayImages, uniqueId} from '../support/registry.js';
import {openHistoryBed} from '../support/history-bed.js';
import {startSocketProxy} from '../support/socket-proxy.js';
import {makeTempDir, removeDir} from '../support/store.js';
import {
  createTestService,
  dockerOk,
  inspectServiceOrNull,
  testbed,
  waitFor,
  type TestService,
} from '../support/swarm.js';

let dir: string;
let store: Store;
const throwaways: string[] = [];

beforeAll(async () => {
  dir = makeTempDir('dokroll-console-rb-');
  store = await openStore({url: `file:${dir}/history.db`, env: {}});
});
afterAll(async () => {
  await removeThrowawayImages(throwaways);
  store?.close();
  removeDir(dir);
}, 90_000);

/** The service the model shows (set once it is created). */
interface Shown {
  name: string;
}

function openModel(
  shown: Shown,
  options: LiveConsoleOptions = {},
  host = `unix://${testbed.socketPath}`,
): LiveConsoleModel {
  const model = new LiveConsoleModel(() => connect({host, env: {}}), store, {
    services: (name) => name === shown.name,
    reconnect: {initialMs: 200, maxMs: 1_000},
    rolloutWatchMs: 2_000,
    ...options,
  }).start();
  onTestFinished(() => model.close());
  return model;
}

function until<T>(model: LiveConsoleModel, pick: (state: ConsoleState) => T, what: string, timeoutMs = 30_000) {
  return waitFor(() => pick(model.getState()), {what, timeoutMs, intervalMs: 25});
}

/** A service with v1 (APP_MESSAGE=one) and v2 (APP_MESSAGE=two) recorded, v2 live. */
async function twoVersions(model: LiveConsoleModel, shown: Shown, prefix: string, replicas = 2): Promise<TestService> {
  const svc = await createTestService({prefix, replicas, env: {APP_MESSAGE: 'one'}, health: replicas > 1, wait: true});
  shown.name = svc.name;
  await until(model, (s) => s.services.some((x) => x.name === svc.name && x.running === replicas), 'the service');
  // With the recorder running it may have recorded v1 itself; a snapshot is then a no-op.
  await model.snapshotNow(svc.name);
  expect((await model.loadHistory(svc.name)).map((r) => r.number)).toEqual([1]);
  await dockerOk(['service', 'update', '--quiet', '--detach=false', '--env-add', 'APP_MESSAGE=two', svc.name]);
  await model.snapshotNow(svc.name);
  await until(model, (s) => s.services.find((x) => x.name === svc.name)?.liveVersion === 2, 'v2 live');
  return svc;
}

describe('rollbacks from the live console model', () => {
  it('rolls back to v1 with progress in the state, and the rollback (not the recorder) records v3', async () => {
    const shown = {name: ''};
    const model = openModel(shown, {recorder: true});
    const svc = await twoVersions(model, shown, 'cmrb');

    const diff = await model.diff(svc.name, 1, 'live', {showSecrets: false});
    expect(diff.sections.find((s) => s.section === 'env')?.changes).toEqual([
      {kind: 'changed', key: 'APP_MESSAGE', old: 'one', new: 'two'},
    ]);
    const report = await model.preflight(svc.name, 1, 'full');
    expect(report.ok).toBe(true);

    const phases = new Set<string>();
    const unsubscribe = model.subscribe(() => {
      const rollout = model.getState().rollouts[svc.name];
      if (rollout) phases.add(rollout.progress.phase);
    });
    const handle = model.rollback(svc.name, 1, 'full');
    expect(() => model.rollback(svc.name, 1, 'full')).toThrow(/still running/);
    const result = await handle.done;
    unsubscribe();
    expect(result).toEqual({result: 'healthy', version: 3});
    const rollout = await until(
      model,
      (s) => (s.rollouts[svc.name]?.done ? s.rollouts[svc.name] : null),
      'the finished rollout',
    );
    expect(rollout).toMatchObject({
      kind: 'rollback',
      from: 2,
      to: 1,
      done: true,
      result: 'healthy',
      verdict: {status: 'healthy'},
    });
    expect(rollout.progress).toMatchObject({phase: 'done', slotsDone: 2, slotsTotal: 2, converged: true});
    expect(phases.has('updating') || phases.has('monitoring')).toBe(true);

    const [v3] = await model.loadHistory(svc.name);
    expect(v3).toMatchObject({number: 3, source: 'rollback', note: 'rolled back to v1', health: 'good'});
    await until(model, (s) => s.services.find((x) => x.name === svc.name)?.liveVersion === 3, 'v3 live');
    // The version the rollback recorded is kept like any other (no registry configured: a local tag).
    const kept = await waitFor(
      async () => (await store.versions.get(svc.name, 3))?.rollbackImage?.pushState === 'local' || null,
      {
        what: 'v3 tagged locally',
        intervalMs: 100,
      },
    );
    expect(kept).toBe(true);
    expect(await imageExists(`dokroll/${svc.name}:v3`)).toBe(true);
  });

  it('a confirmed rollback applies the plan its pre-flight showed: a service changed since ends in conflict and nothing is changed', async () => {
    const shown = {name: ''};
    const model = openModel(shown, {recorder: false});
    const svc = await twoVersions(model, shown, 'cmrb-stale', 1);
    const report = await model.preflight(svc.name, 1, 'full');
    expect(report.ok).toBe(true);
    // Someone else changes the service between the dialog and the operator's confirmation.
    await dockerOk(['service', 'update', '--quiet', '--detach=false', '--label-add', 'dokroll.test.late=1', svc.name]);
    const changed = await inspectServiceOrNull(svc.name);

    const result = await model.rollback(svc.name, 1, 'full', report).done;
    expect(result.result).toBe('conflict');
    expect(result.error).toMatch(/was changed by someone else after we read it .* nothing was applied/);
    const after = await inspectServiceOrNull(svc.name);
    expect(after?.Version.Index).toBe(changed?.Version.Index);
    expect(after?.Spec.Labels?.['dokroll.test.late']).toBe('1');
    expect((await model.loadHistory(svc.name)).map((r) => r.number)).toEqual([2, 1]);
  });

  it('a rollback asked to revert on failure, to a version whose health check fails, ends reverted with the previous spec live', async () => {
    const bed = await openHistoryBed('console-revert');
    onTestFinished(() => bed.close());
    const svc = await createTestService({
      prefix: 'cmrv',
      monitorMs: 200,
      replicas: 2,
      healthRetries: 3,
      env: {APP_MESSAGE: 'one'},
      wait: true,
    });
    const {bad: badRow, live: before} = await bed.recordUnhealthyVersion(svc.name);
    const model = new LiveConsoleModel(() => connect({host: `unix://${testbed.socketPath}`, env: {}}), bed.store, {
      services: (name) => name === svc.name,
      recorder: false,
      rolloutWatchMs: 2_000,
    }).start();
    onTestFinished(() => model.close());
    await until(model, (s) => s.services.some((x) => x.name === svc.name), 'the service');

    const end = await model.rollback(svc.name, badRow.number, 'full', undefined, {revertOnFailure: true}).done;
    expect(end.result, end.error).toBe('reverted');
    await until(model, (s) => s.rollouts[svc.name]?.result === 'reverted', 'the panel state reverted', 5_000);
    expect(await bed.liveHash(svc.name)).toBe(before.specHash);
  }, 240_000);

  it('keeps watching a rollback across a lost daemon and finishes it once the daemon answers', async () => {
    const proxy = await startSocketProxy(path.join(dir, 'docker-proxy.sock'));
    onTestFinished(() => proxy.close());
    const shown = {name: ''};
    const model = openModel(shown, {recorder: false, overviewMs: 300}, proxy.url);
    const svc = await twoVersions(model, shown, 'cmrb-lost');

    const handle = model.rollback(svc.name, 1, 'full');
    await until(model, (s) => s.rollouts[svc.name]?.progress.phase === 'updating', 'the update under way');
    await proxy.down();
    const lost = await until(model, (s) => (s.connection.status === 'lost' ? s : null), 'the connection lost', 10_000);
    expect(lost.rollouts[svc.name]?.done).toBe(false);
    await until(
      model,
      (s) => s.rollouts[svc.name]?.error?.includes('watching again'),
      'the rollout waiting to reattach',
      10_000,
    );
    await proxy.up();

    expect(await handle.done).toEqual({result: 'healthy', version: 3});
    const [v3] = await model.loadHistory(svc.name);
    expect(v3).toMatchObject({number: 3, source: 'rollback', note: 'rolled back to v1'});
    await until(
      model,
      (s) => s.rollouts[svc.name]?.result === 'healthy' && s.connection.status === 'connected',
      'the rollout done',
    );
  });

  it('refuses every mutation in read-only mode but still reads', async () => {
    const svc = await createTestService({prefix: 'cmrb-ro', replicas: 1, health: false, wait: true});
    const model = openModel({name: svc.name}, {readOnly: true, recorder: false});
    await until(model, (s) => s.services.some((x) => x.name === svc.name), 'the service');
    expect(model.readOnly).toBe(true);
    expect(() => model.rollback(svc.name, 1, 'full')).toThrow(/read-only/);
    expect(() => model.redeploy(svc.name)).toThrow(/read-only/);
    await expect(model.snapshotNow(svc.name)).rejects.toThrow(/read-only/);
    await expect(model.deleteVersion(svc.name, 1)).rejects.toThrow(/read-only/);
    expect(await model.loadHistory(svc.name)).toEqual([]);
  });

  it('refuses mutations and secret reveal of a service read-only by configuration, naming the setting, and allows them elsewhere', async () => {
    const svc = await createTestService({
      prefix: 'cmrb-ro1',
      replicas: 1,
      health: false,
      wait: true,
      env: {DB_PASSWORD: 'hunter2'},
    });
    const other = await createTestService({prefix: 'cmrb-ro2', replicas: 1, health: false, wait: true});
    const config = configFromData({services: {[svc.name]: {readOnly: true}}}, {file: '/etc/dokroll/config.json'});
    const names = new Set([svc.name, other.name]);
    const model = new LiveConsoleModel(() => connect({host: `unix://${testbed.socketPath}`, env: {}}), store, {
      services: (name) => names.has(name),
      recorder: false,
      readOnlyReason: (service) => config.readOnlyReason(service),
    }).start();
    onTestFinished(() => model.close());
    await until(model, (s) => s.services.filter((x) => names.has(x.name)).length === 2, 'both services');
    expect(model.readOnly).toBe(false);
    const reason = `read-only: services.${svc.name}.readOnly is true in /etc/dokroll/config.json`;
    expect(() => model.rollback(svc.name, 1, 'full')).toThrow(reason);
    expect(() => model.redeploy(svc.name)).toThrow(reason);
    await expect(model.snapshotNow(svc.name)).rejects.toThrow(reason);
    await expect(model.deleteVersion(svc.name, 1)).rejects.toThrow(reason);
    expect(await model.loadHistory(svc.name)).toEqual([]);
    // The other service records as usual; the read-only one still diffs, masked only.
    expect(await model.snapshotNow(other.name)).toMatchObject({number: 1});
    const recorder = new LiveConsoleModel(() => connect({host: `unix://${testbed.socketPath}`, env: {}}), store, {
      services: (name) => name === svc.name,
      recorder: false,
    }).start();
    onTestFinished(() => recorder.close());
    await until(recorder, (s) => s.connection.status === 'connected', 'connected');
    await recorder.snapshotNow(svc.name);
    const masked = await model.diff(svc.name, 1, 'live', {showSecrets: false});
    expect(masked.changed).toBe(false);
    await expect(model.diff(svc.name, 1, 'live', {showSecrets: true})).rejects.toThrow(reason);
  });

  it('deletes a version as the delete command does: registry tag, local tag and row, never the live one nor the one before it', async () => {
    const id = uniqueId();
    const plain = testbed.registry.plain;
    const prefix = `cmrb-del-${id}`;
    const images: string[] = [];
    for (const key of ['a', 'b', 'c']) {
      images.push(await buildThrowawayImage(`${prefix}:${key}`, {'dokroll.regtest': id, 'dokroll.regtest.image': key}));
    }
    throwaways.push(...images);
    const svc = await createTestService({prefix: 'cmrb-del', image: images[0], replicas: 1, health: false, wait: true});
    const registry = new RegistrySetup(
      configFromData({services: {[svc.name]: {registry: {type: 'registry', url: plain, insecure: true, prefix}}}}),
      {},
    );
    const model = openModel({name: svc.name}, {recorder: false, registry});
    await until(model, (s) => s.services.some((x) => x.name === svc.name && x.running === 1), 'the service');
    expect((await model.snapshotNow(svc.name))?.number).toBe(1);
    for (const image of images.slice(1)) {
      await dockerOk(['service', 'update', '--quiet', '--detach=false', '--image', image, svc.name], {
        timeoutMs: 90_000,
      });
      await model.snapshotNow(svc.name);
    }
    const repository = `${prefix}/${svc.name}`;
    await waitFor(async () => (await registryTags(plain, repository)).length === 3, {
      what: 'v1-v3 pushed',
      intervalMs: 100,
    });
    const v1 = await store.versions.get(svc.name, 1);
    expect(v1?.rollbackImage).toMatchObject({pushState: 'pushed', ref: `${plain}/${repository}:v1`});

    await expect(model.deleteVersion(svc.name, 3)).rejects.toThrow(/it is the live version/);
    await expect(model.deleteVersion(svc.name, 2)).rejects.toThrow(/it is the version before the live one/);
    await model.deleteVersion(svc.name, 1);

    expect((await model.loadHistory(svc.name)).map((r) => r.number)).toEqual([3, 2]);
    expect(await registryTags(plain, repository)).toEqual(['v2', 'v3']);
    expect(await imageExists(`${plain}/${repository}:v1`)).toBe(false);
    expect(await imageExists(`${plain}/${repository}:v2`)).toBe(true);
    const [entry] = await store.audit.list({serviceName: svc.name, limit: 1});
    expect(entry).toMatchObject({action: 'delete_version', fromVersion: 1, result: 'ok'});
    expect(entry?.detail).toMatch(
      new RegExp(`^delete in the console: row deleted; .*registry: deleted ${plain}/${repository}:v1`),
    );
    await expect(model.deleteVersion(svc.name, 1)).rejects.toThrow(/unknown version v1/);
  });
});
