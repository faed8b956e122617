/**
 * Migration 6 adds a version's CPU, memory and restarts: a history written at schema 5 keeps every
 * row as it was (its versions read "not measured"), and setHealth stores metrics with the verdict.
 */
import path from 'node:path';
import {createClient} from '@libsql/client';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {fileUrl, openStore} from '../../../source/store/index.js';
import {MIGRATIONS, migrate} from '../../../source/store/migrations.js';
import {makeTempDir, recordInput, removeDir} from '../../support/store.js';

let dir: string;
beforeEach(() => {
  dir = makeTempDir();
});
afterEach(() => removeDir(dir));

describe('migration 6: version metrics', () => {
  it('keeps every version of a schema-5 history, which then reads as not measured', async () => {
    const file = path.join(dir, 'h.db');
    const client = createClient({url: fileUrl(file)});
    await migrate(
      client,
      file,
      MIGRATIONS.filter((m) => m.version <= 5),
    );
    client.close();
    // Written with the schema-5 code path: the row shape of that time.
    const raw = createClient({url: fileUrl(file)});
    await raw.execute(`INSERT INTO versions (service_name, service_id, number, snapshot_json, spec_hash, image_ref, source, health, health_reason, recorded_at)
      VALUES ('web', 'id1', 1, '{"spec":{"Name":"web","TaskTemplate":{"ContainerSpec":{"Image":"nginx:1"}}},"image":{"ref":"nginx:1","pinned":"nginx:1"}}', 'h1', 'nginx:1', 'recorded', 'good', NULL, '2026-01-01T00:00:00.000Z')`);
    await raw.execute(`INSERT INTO version_counters (service_name, last_number) VALUES ('web', 1)`);
    raw.close();

    const store = await openStore({url: file, env: {}});
    try {
      const [v1] = await store.versions.list('web');
      expect(v1?.number).toBe(1);
      expect(v1?.health).toBe('good');
      expect(v1?.specHash).toBe('h1');
      expect(v1?.metrics).toBeNull();

      const {row} = await store.versions.record(recordInput('web', 'h2'));
      await store.versions.setHealth(row.id, 'good', null, {
        cpuPercent: 1.5,
        memoryBytes: 84_000_000,
        restarts: 0,
        samples: 6,
      });
      expect((await store.versions.get('web', 2))?.metrics).toEqual({
        cpuPercent: 1.5,
        memoryBytes: 84_000_000,
        restarts: 0,
        samples: 6,
      });
      // A verdict without metrics keeps those recorded before.
      await store.versions.setHealth(row.id, 'bad', 'degraded: x');
      expect((await store.versions.get('web', 2))?.metrics?.memoryBytes).toBe(84_000_000);
    } finally {
      store.close();
    }
  });
});
