import path from 'node:path';
import {createClient, type Client} from '@libsql/client';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {fileUrl, readSchemaVersion, StoreError} from '../../../source/store/index.js';
import {migrate, type Migration} from '../../../source/store/migrations.js';
import {makeTempDir, removeDir} from '../../support/store.js';

let dir: string;
let client: Client;
beforeEach(() => {
  dir = makeTempDir();
  client = createClient({url: fileUrl(path.join(dir, 'm.db'))});
});
afterEach(() => {
  client.close();
  removeDir(dir);
});

const one: Migration = {version: 1, name: 'one', statements: ['CREATE TABLE a (x INTEGER)']};
const two: Migration = {version: 2, name: 'two', statements: ['ALTER TABLE a ADD COLUMN y TEXT']};
const broken: Migration = {
  version: 3,
  name: 'broken',
  statements: ['CREATE TABLE c (z INTEGER)', 'ALTER TABLE missing ADD COLUMN q TEXT'],
};

async function tables(): Promise<string[]> {
  const rs = await client.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
  return rs.rows.map((r) => String(r.name));
}

describe('migrate', () => {
  it('applies pending migrations in order and records each one', async () => {
    expect(await migrate(client, 'm.db', [one])).toEqual({from: 0, to: 1, applied: [1]});
    expect(await migrate(client, 'm.db', [one, two])).toEqual({from: 1, to: 2, applied: [2]});
    expect(await migrate(client, 'm.db', [one, two])).toEqual({from: 2, to: 2, applied: []});
    expect(await readSchemaVersion(client)).toBe(2);
    const cols = await client.execute('PRAGMA table_info(a)');
    expect(cols.rows.map((r) => r.name)).toEqual(['x', 'y']);
  });

  it('rolls back a failing batch entirely, leaving the earlier version in place', async () => {
    await migrate(client, 'm.db', [one]);
    await expect(migrate(client, 'm.db', [one, two, broken])).rejects.toThrow(/missing/);
    expect(await readSchemaVersion(client)).toBe(1);
    expect(await tables()).toEqual(['a', 'schema_migrations']);
    const cols = await client.execute('PRAGMA table_info(a)');
    expect(cols.rows.map((r) => r.name)).toEqual(['x']);
  });

  it('refuses a schema newer than the migrations it knows', async () => {
    await migrate(client, 'm.db', [one, two]);
    const error = await migrate(client, 'm.db', [one]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).message).toBe(
      'History database m.db has schema version 2, newer than this dokroll-tui understands (1); upgrade dokroll-tui to use it',
    );
  });
});
