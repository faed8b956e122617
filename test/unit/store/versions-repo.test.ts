import path from 'node:path';
import {createClient} from '@libsql/client';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {StoreError, fileUrl, openStore, type Snapshot, type Store} from '../../../source/store/index.js';
import {fakeSnapshot, makeTempDir, recordInput, removeDir} from '../../support/store.js';

let dir: string;
let file: string;
let store: Store;
beforeEach(async () => {
  dir = makeTempDir();
  file = path.join(dir, 'h.db');
  store = await openStore({url: file});
});
afterEach(() => {
  store.close();
  removeDir(dir);
});

describe('versions.record', () => {
  it('stores the first version of a service as v1 with pending health and the snapshot as given', async () => {
    const before = Date.now();
    const input = recordInput('web', 'h1', {note: 'first', swarmVersion: 12, updateStartedAt: '2025-01-01T00:00:00Z'});
    const {row, created} = await store.versions.record(input);
    expect(created).toBe(true);
    expect(row).toMatchObject({
      serviceName: 'web',
      serviceId: 'id-web',
      number: 1,
      specHash: 'h1',
      imageRef: 'registry.example/web:h1',
      imageDigest: `registry.example/web@sha256:${'h1'.padEnd(64, '0')}`,
      source: 'recorded',
      note: 'first',
      health: 'pending',
      healthReason: null,
      healthCheckedAt: null,
      swarmVersion: 12,
      updateStartedAt: '2025-01-01T00:00:00Z',
    });
    expect(row.snapshot).toEqual(fakeSnapshot('web', 'h1'));
    expect(row.recordedAt.getTime()).toBeGreaterThanOrEqual(before);
    expect(await store.versions.get('web', 1)).toEqual(row);
  });

  it('does nothing when the latest version has the same spec hash', async () => {
    const first = await store.versions.record(recordInput('web', 'h1'));
    const again = await store.versions.record(recordInput('web', 'h1', {source: 'snapshot', note: 'ignored'}));
    expect(again.created).toBe(false);
    expect(again.row).toEqual(first.row);
    expect(await store.versions.list('web')).toHaveLength(1);
  });

  it('records a return to an earlier spec as a new version', async () => {
    await store.versions.record(recordInput('web', 'h1'));
    await store.versions.record(recordInput('web', 'h2'));
    const back = await store.versions.record(recordInput('web', 'h1', {source: 'rollback', note: 'rolled back to v1'}));
    expect(back).toMatchObject({created: true, row: {number: 3, source: 'rollback', note: 'rolled back to v1'}});
    expect((await store.versions.findByHash('web', 'h1'))?.number).toBe(3);
    expect(await store.versions.findByHash('web', 'nope')).toBeNull();
  });

  it('numbers each service separately and contiguously', async () => {
    for (let i = 1; i <= 5; i++) await store.versions.record(recordInput('web', `w${i}`));
    for (let i = 1; i <= 3; i++) await store.versions.record(recordInput('api', `a${i}`));
    expect((await store.versions.list('web')).map((r) => r.number)).toEqual([5, 4, 3, 2, 1]);
    expect((await store.versions.list('api')).map((r) => r.number)).toEqual([3, 2, 1]);
    expect((await store.versions.list('web', {limit: 2})).map((r) => r.number)).toEqual([5, 4]);
    expect(await store.versions.services()).toEqual([
      {serviceName: 'api', versions: 3, latest: 3},
      {serviceName: 'web', versions: 5, latest: 5},
    ]);
  });

  it('never reuses a number, even after the newest versions are removed', async () => {
    for (let i = 1; i <= 3; i++) await store.versions.record(recordInput('web', `h${i}`));
    expect(await store.versions.remove('web', 3)).toBe(true);
    expect(await store.versions.remove('web', 3)).toBe(false);
    expect((await store.versions.latest('web'))?.number).toBe(2);
    const next = await store.versions.record(recordInput('web', 'h4'));
    expect(next.row.number).toBe(4);

    for (const n of [1, 2, 4]) await store.versions.remove('web', n);
    expect(await store.versions.services()).toEqual([]);
    expect((await store.versions.record(recordInput('web', 'h5'))).row.number).toBe(5);
  });

  it('refuses a snapshot without an image reference before writing anything', async () => {
    const snapshot = {...fakeSnapshot('web', 'h1'), image: {}} as unknown as Snapshot;
    const input = recordInput('web', 'h1', {snapshot});
    await expect(store.versions.record(input)).rejects.toThrow(StoreError);
    expect(await store.versions.list('web')).toEqual([]);
  });
});

describe('writing while another connection holds the write lock', () => {
  it('gives up with a StoreError naming the database, and works once the lock is released', async () => {
    const impatient = await openStore({url: file, busyTimeoutMs: 20});
    const holder = createClient({url: fileUrl(file)});
    const tx = await holder.transaction('write');
    try {
      const error = await impatient.versions.record(recordInput('web', 'h1')).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreError);
      expect(error).toMatchObject({exitCode: 1, code: 'store-busy'});
      expect((error as StoreError).message).toMatch(
        new RegExp(`^History database ${file} stayed locked by another writer`),
      );
    } finally {
      await tx.rollback();
      holder.close();
    }
    expect((await impatient.versions.record(recordInput('web', 'h1'))).row.number).toBe(1);
    impatient.close();
  });
});

describe('versions.get, latest and missing services', () => {
  it('returns null or an empty list for what is not there', async () => {
    expect(await store.versions.get('web', 1)).toBeNull();
    expect(await store.versions.latest('web')).toBeNull();
    expect(await store.versions.lastKnownGood('web')).toBeNull();
    expect(await store.versions.list('web')).toEqual([]);
  });
});

describe('versions.setHealth and lastKnownGood', () => {
  it('finds the newest version marked good, skipping newer bad and pending ones', async () => {
    const v1 = (await store.versions.record(recordInput('web', 'h1'))).row;
    const v2 = (await store.versions.record(recordInput('web', 'h2'))).row;
    const v3 = (await store.versions.record(recordInput('web', 'h3'))).row;
    await store.versions.setHealth(v1.id, 'good');
    await store.versions.setHealth(v2.id, 'good', 'all 3 tasks running');
    await store.versions.setHealth(v3.id, 'bad', 'tasks keep failing');
    await store.versions.record(recordInput('web', 'h4'));

    const good = await store.versions.lastKnownGood('web');
    expect(good).toMatchObject({number: 2, health: 'good', healthReason: 'all 3 tasks running'});
    expect(good?.healthCheckedAt).toBeInstanceOf(Date);
    expect(await store.versions.get('web', 3)).toMatchObject({health: 'bad', healthReason: 'tasks keep failing'});
    expect(await store.versions.get('web', 4)).toMatchObject({health: 'pending'});
  });

  it('says so when the version id does not exist', async () => {
    await expect(store.versions.setHealth(999, 'good')).rejects.toThrow('No recorded version has id 999');
  });
});

describe('reading malformed rows', () => {
  it('names the service and version instead of crashing', async () => {
    await store.versions.record(recordInput('web', 'h1'));
    await store.versions.record(recordInput('web', 'h2'));
    const raw = createClient({url: fileUrl(file)});
    await raw.execute('UPDATE versions SET snapshot_json = \'{"spec": \' WHERE number = 2');
    await raw.execute('UPDATE versions SET snapshot_json = \'{"spec": {}, "view": {}}\' WHERE number = 1');
    raw.close();

    await expect(store.versions.get('web', 2)).rejects.toThrow(
      'Stored version v2 of service "web" is malformed (snapshot_json is not valid JSON)',
    );
    const error = await store.versions.get('web', 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).message).toMatch(
      /^Stored version v1 of service "web" is malformed \(snapshot_json image: /,
    );
  });

  it('rejects an unknown source or health value read back from the file', async () => {
    await store.versions.record(recordInput('web', 'h1'));
    const raw = createClient({url: fileUrl(file)});
    await raw.execute("UPDATE versions SET recorded_at = 'yesterday'");
    raw.close();
    await expect(store.versions.latest('web')).rejects.toThrow(
      /^Stored version v1 of service "web" is malformed \(recorded_at: /,
    );
  });
});

describe('versions.record provenance', () => {
  it('lets a rollback claim the version a recorder just recorded for the same spec, without a new number', async () => {
    await store.versions.record(recordInput('web', 'h1'));
    await store.versions.record(recordInput('web', 'h2'));
    await store.versions.record(recordInput('web', 'h1')); // the recorder saw the rollback converge first: v3
    const {row, created} = await store.versions.record(
      recordInput('web', 'h1', {source: 'rollback', note: 'rolled back to v1'}),
    );
    expect(created).toBe(false);
    expect(row).toMatchObject({number: 3, source: 'rollback', note: 'rolled back to v1'});
    expect((await store.versions.list('web')).map((r) => [r.number, r.source])).toEqual([
      [3, 'rollback'],
      [2, 'recorded'],
      [1, 'recorded'],
    ]);
  });

  it('never relabels a version that already has its own provenance, nor a plain re-record', async () => {
    await store.versions.record(recordInput('web', 'h1', {source: 'snapshot'}));
    const again = await store.versions.record(
      recordInput('web', 'h1', {source: 'rollback', note: 'rolled back to v9'}),
    );
    expect(again.row).toMatchObject({number: 1, source: 'snapshot', note: null});
    await store.versions.record(recordInput('web', 'h2'));
    const plain = await store.versions.record(recordInput('web', 'h2', {source: 'recorded'}));
    expect(plain.row.source).toBe('recorded');
  });
});
