import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {
  appendFinished,
  appendStarted,
  findInFlight,
  newRunId,
  NOT_APPLIED,
  type StartedRecord,
} from '../../../source/services/rollback/journal.js';
import {openStore, type Store} from '../../../source/store/index.js';
import {makeTempDir, removeDir} from '../../support/store.js';

let dir: string;
let store: Store;
beforeEach(async () => {
  dir = makeTempDir('dokroll-journal-');
  store = await openStore({url: path.join(dir, 'h.db'), env: {}});
});
afterEach(() => {
  store.close();
  removeDir(dir);
});

function started(overrides: Partial<StartedRecord> = {}): StartedRecord {
  return {
    run: newRunId(),
    kind: 'rollback',
    mode: 'full',
    serviceId: 'svc1',
    fromVersion: 4,
    toVersion: 2,
    versionIndex: 100,
    updateStartedAt: null,
    startedAtMs: 1,
    targetHash: 'h',
    watchMs: 30_000,
    revertOnFailure: false,
    ...overrides,
  };
}

const end = (record: StartedRecord, detail = 'healthy: fine') =>
  appendFinished(store, 'web', {
    run: record.run,
    kind: record.kind,
    fromVersion: 4,
    toVersion: 2,
    result: 'healthy',
    durationMs: 5,
    detail,
  });

describe('the rollout journal in the audit log', () => {
  it('has nothing in flight before any rollout, and after one that ended', async () => {
    expect(await findInFlight(store, 'web')).toBeNull();
    const record = started();
    await appendStarted(store, 'web', record);
    expect(await findInFlight(store, 'web')).toEqual(record);
    await end(record);
    expect(await findInFlight(store, 'web')).toBeNull();
  });

  it('keeps one service apart from another', async () => {
    await appendStarted(store, 'other', started());
    expect(await findInFlight(store, 'web')).toBeNull();
  });

  it('forgets an interrupted rollout once a newer one has applied its update', async () => {
    await appendStarted(store, 'web', started());
    const newer = started({toVersion: 3});
    await appendStarted(store, 'web', newer);
    expect(await findInFlight(store, 'web')).toEqual(newer);
    await end(newer);
    expect(await findInFlight(store, 'web')).toBeNull();
  });

  it('still finds a rollout in flight when a concurrent one never got to apply (conflict)', async () => {
    const winner = started();
    await appendStarted(store, 'web', winner);
    const loser = started();
    await appendStarted(store, 'web', loser);
    await end(loser, `${NOT_APPLIED}conflict: changed by someone else`);
    expect(await findInFlight(store, 'web')).toEqual(winner);
  });

  it('writes readable end rows: result, versions, duration, and the run they end', async () => {
    const record = started();
    await appendStarted(store, 'web', record);
    await end(record, 'healthy: 3/3 running');
    const [row] = await store.audit.list({serviceName: 'web', limit: 1});
    expect(row).toMatchObject({action: 'rollback', fromVersion: 4, toVersion: 2, result: 'healthy', durationMs: 5});
    expect(row!.detail).toBe(`healthy: 3/3 running [run ${record.run}]`);
  });
});
