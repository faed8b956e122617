/**
 * The history keeps its promises across damage and failure: a database missing one of our tables is
 * refused at open without a write, a version and its audit entry are written together or not at all,
 * and a version replaced before its stability window ended is `superseded`, never left `pending`.
 */
import {createHash} from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {createClient} from '@libsql/client';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {fileUrl, openStore, StoreError, type Store} from '../../../source/store/index.js';
import {makeTempDir, recordInput, removeDir} from '../../support/store.js';

let dir: string;
let file: string;
beforeEach(() => {
  dir = makeTempDir();
  file = path.join(dir, 'h.db');
});
afterEach(() => removeDir(dir));

async function raw(sql: string): Promise<void> {
  const client = createClient({url: fileUrl(file)});
  try {
    await client.execute(sql);
  } finally {
    client.close();
  }
}

/** Every file of the database (main, -wal, -shm) and its bytes. */
function filesAndBytes(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of fs.readdirSync(dir))
    out[name] = createHash('sha256')
      .update(fs.readFileSync(path.join(dir, name)))
      .digest('hex');
  return out;
}

async function openFails(): Promise<StoreError> {
  const error: unknown = await openStore({url: file}).then(
    (store) => {
      store.close();
      return new Error('expected openStore to fail');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StoreError);
  return error as StoreError;
}

describe('the schema is checked at open', () => {
  it('a history whose audit_log table is missing is refused with exit 2, naming the table, and is not written to', async () => {
    const store = await openStore({url: file});
    await store.versions.record(recordInput('web', 'h1'));
    store.close();
    await raw('DROP TABLE audit_log');
    await raw('PRAGMA wal_checkpoint(TRUNCATE)');
    const before = filesAndBytes();

    const error = await openFails();
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain('not a dokroll history or damaged: table audit_log missing');
    expect(error.message).toContain(file);
    expect(filesAndBytes()).toEqual(before);
  });

  it('names every missing table', async () => {
    (await openStore({url: file})).close();
    await raw('DROP TABLE versions');
    await raw('DROP TABLE version_counters');
    const error = await openFails();
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(/tables versions, version_counters missing$/);
  });
});

describe('a version and its audit entry', () => {
  let store: Store;
  beforeEach(async () => {
    store = await openStore({url: file});
  });
  afterEach(() => store.close());

  it('are written in one transaction: the audit row carries the new number', async () => {
    const {row} = await store.versions.record(
      recordInput('web', 'h1', {
        audit: {action: 'record', result: 'ok', detail: 'converged deployment', actor: 'ops@host'},
      }),
    );
    const audit = await store.audit.list({serviceName: 'web'});
    expect(audit).toMatchObject([
      {action: 'record', toVersion: row.number, result: 'ok', actor: 'ops@host', detail: 'converged deployment'},
    ]);
  });

  it('when the audit entry cannot be written, the version is not written either', async () => {
    await store.versions.record(recordInput('web', 'h1', {audit: {action: 'record', result: 'ok'}}));
    // Damage behind the open store's back: the next audit insert fails inside the transaction.
    await raw('DROP TABLE audit_log');
    await expect(
      store.versions.record(recordInput('web', 'h2', {audit: {action: 'record', result: 'ok'}})),
    ).rejects.toThrow(/audit_log/);
    expect((await store.versions.list('web')).map((v) => v.specHash)).toEqual(['h1']);
    await raw(
      'CREATE TABLE audit_log (id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, service_name TEXT NOT NULL, from_version INTEGER, to_version INTEGER, result TEXT NOT NULL, detail TEXT, duration_ms INTEGER)',
    );
    // The number was not used up by the failed attempt.
    expect((await store.versions.record(recordInput('web', 'h2'))).row.number).toBe(2);
  });
});

describe('a version replaced before its stability window ended', () => {
  let store: Store;
  beforeEach(async () => {
    store = await openStore({url: file});
  });
  afterEach(() => store.close());

  it('is superseded when the next version is recorded, naming it, instead of staying pending forever', async () => {
    const v1 = (await store.versions.record(recordInput('web', 'h1'))).row;
    await store.versions.setHealth(v1.id, 'good');
    await store.versions.record(recordInput('web', 'h2'));
    await store.versions.record(recordInput('web', 'h3'));
    const [v3, v2, first] = await store.versions.list('web');
    expect(first).toMatchObject({health: 'good'});
    expect(v2).toMatchObject({health: 'superseded', healthReason: 'replaced by v3 before its stability window ended'});
    expect(v3).toMatchObject({health: 'pending'});
  });

  it('keeps superseded when a late health verdict arrives, and last known good is the newest good version', async () => {
    const v1 = (await store.versions.record(recordInput('web', 'h1'))).row;
    await store.versions.setHealth(v1.id, 'good');
    const v2 = (await store.versions.record(recordInput('web', 'h2'))).row;
    await store.versions.record(recordInput('web', 'h3'));
    await store.versions.setHealth(v2.id, 'bad', 'degraded: 1/2 tasks running');
    expect(await store.versions.get('web', 2)).toMatchObject({health: 'superseded'});
    expect(await store.versions.lastKnownGood('web')).toMatchObject({number: 1});
  });

  it('a history written before superseded existed opens and keeps every row', async () => {
    store.close();
    // Schema 4, before superseded (migration 5): health limited to pending/good/bad.
    await raw('DELETE FROM schema_migrations WHERE version > 4');
    await raw('DROP TABLE versions');
    await raw(`CREATE TABLE versions (id INTEGER PRIMARY KEY AUTOINCREMENT, service_name TEXT NOT NULL, service_id TEXT NOT NULL,
      number INTEGER NOT NULL CHECK (number > 0), snapshot_json TEXT NOT NULL, spec_hash TEXT NOT NULL, image_ref TEXT NOT NULL,
      image_digest TEXT, source TEXT NOT NULL CHECK (source IN ('recorded', 'rollback', 'deploy', 'snapshot')), note TEXT,
      health TEXT NOT NULL DEFAULT 'pending' CHECK (health IN ('pending', 'good', 'bad')), health_reason TEXT, health_checked_at TEXT,
      recorded_at TEXT NOT NULL, swarm_version INTEGER, update_started_at TEXT, push_state TEXT NOT NULL DEFAULT 'none'
      CHECK (push_state IN ('none', 'local', 'pushed', 'push_failed')), image_location TEXT CHECK (image_location IS NULL OR image_location IN ('registry', 'local', 'missing')),
      push_ref TEXT, push_digest TEXT, push_error TEXT, push_attempted_at TEXT, image_size INTEGER, UNIQUE (service_name, number))`);
    const snapshot = JSON.stringify(recordInput('web', 'h1').snapshot).replaceAll("'", "''");
    await raw(`INSERT INTO versions (service_name, service_id, number, snapshot_json, spec_hash, image_ref, source, health, recorded_at)
      VALUES ('web', 'id-web', 1, '${snapshot}', 'h1', 'registry.example/web:h1', 'recorded', 'pending', '2026-01-01T00:00:00.000Z')`);
    store = await openStore({url: file});
    await store.versions.record(recordInput('web', 'h2'));
    expect((await store.versions.list('web')).map((v) => [v.number, v.health])).toEqual([
      [2, 'pending'],
      [1, 'superseded'],
    ]);
  });
});
