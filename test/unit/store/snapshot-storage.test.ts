import path from 'node:path';
import {createClient, type Client} from '@libsql/client';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {makeSnapshot, type Snapshot} from '../../../source/domain/snapshot.js';
import {MIGRATIONS, fileUrl, openStore, readSchemaVersion} from '../../../source/store/index.js';
import {migrate} from '../../../source/store/migrations.js';
import {fakeSnapshot, makeTempDir, recordInput, removeDir} from '../../support/store.js';

let dir: string;
let file: string;
let raw: Client;
beforeEach(() => {
  dir = makeTempDir();
  file = path.join(dir, 'h.db');
  raw = createClient({url: fileUrl(file)});
});
afterEach(() => {
  raw.close();
  removeDir(dir);
});

/** A service on two overlay networks, which its spec names by ID and its view by name. */
function networkedSnapshot(): Snapshot {
  const ref = 'registry.example/api:3';
  return makeSnapshot(
    {
      Name: 'api',
      TaskTemplate: {ContainerSpec: {Image: ref, Env: ['A=1']}, Networks: [{Target: 'n1id'}, {Target: 'n2id'}]},
      EndpointSpec: {Ports: [{TargetPort: 80, PublishedPort: 8080}]},
    },
    {ref, imageId: 'sha256:abc', pinned: 'sha256:abc'},
    {networkNames: {n1id: 'front', n2id: 'back'}},
  );
}

async function storedJson(service: string, number: number): Promise<string> {
  const rs = await raw.execute({
    sql: 'SELECT snapshot_json FROM versions WHERE service_name = ? AND number = ?',
    args: [service, number],
  });
  return String(rs.rows[0]?.snapshot_json);
}

describe('a version stored once: the spec, its view derived on reading', () => {
  it('records a snapshot without its derivable view and reads back the same snapshot', async () => {
    const store = await openStore({url: file});
    try {
      const plain = recordInput('web', 'h1');
      const networked = {...recordInput('api', 'h2'), snapshot: networkedSnapshot()};
      await store.versions.record(plain);
      await store.versions.record(networked);
      expect(JSON.parse(await storedJson('web', 1))).toEqual({spec: plain.snapshot.spec, image: plain.snapshot.image});
      expect(JSON.parse(await storedJson('api', 1))).toEqual({
        spec: networked.snapshot.spec,
        image: networked.snapshot.image,
        networkNames: {n1id: 'front', n2id: 'back'},
      });
      expect((await store.versions.get('web', 1))?.snapshot).toEqual(plain.snapshot);
      expect((await store.versions.get('api', 1))?.snapshot).toEqual(networked.snapshot);
      expect((await store.versions.get('api', 1))?.snapshot.view.networks).toEqual(['front', 'back']);
    } finally {
      store.close();
    }
  });

  it('keeps a view whole when it is not what the spec derives to', async () => {
    const store = await openStore({url: file});
    try {
      const input = recordInput('web', 'h1');
      const snapshot = {...input.snapshot, view: {...input.snapshot.view, replicas: 7}};
      await store.versions.record({...input, snapshot});
      expect(JSON.parse(await storedJson('web', 1)).view.replicas).toBe(7);
      expect((await store.versions.get('web', 1))?.snapshot).toEqual(snapshot);
    } finally {
      store.close();
    }
  });

  it('migrates a database written by the previous schema without losing a version or a field', async () => {
    await migrate(
      raw,
      'h.db',
      MIGRATIONS.filter((m) => m.version <= 2),
    );
    const differing = fakeSnapshot('web', 'h3');
    differing.view = {...differing.view, labels: {team: 'written by an older build'}};
    const old: Array<[string, number, string]> = [
      ['web', 1, JSON.stringify(fakeSnapshot('web', 'h1'))],
      ['web', 2, JSON.stringify(fakeSnapshot('web', 'h2'))],
      ['web', 3, JSON.stringify(differing)],
      ['api', 1, JSON.stringify(networkedSnapshot())],
      ['broken', 1, '{"spec": '],
    ];
    for (const [service, number, json] of old) {
      await raw.execute({
        sql: `INSERT INTO versions (service_name, service_id, number, snapshot_json, spec_hash, image_ref, image_digest,
                source, note, health, health_reason, recorded_at, push_state, image_size)
              VALUES (?, ?, ?, ?, ?, 'ref', 'digest', 'rollback', 'a note', 'good', 'healthy 5 min', '2026-01-02T03:04:05.000Z', 'pushed', 1234)`,
        args: [service, `id-${service}`, number, json, `hash-${number}`],
      });
    }
    await raw.execute("INSERT INTO version_counters (service_name, last_number) VALUES ('web', 5)");
    const before = await raw.execute('SELECT * FROM versions ORDER BY id');
    expect(await readSchemaVersion(raw)).toBe(2);

    const store = await openStore({url: file});
    try {
      expect(await readSchemaVersion(raw)).toBe(MIGRATIONS.at(-1)!.version);
      // Every version reads back exactly as it was recorded.
      expect((await store.versions.get('web', 1))?.snapshot).toEqual(JSON.parse(old[0]![2]));
      expect((await store.versions.get('web', 2))?.snapshot).toEqual(JSON.parse(old[1]![2]));
      expect((await store.versions.get('web', 3))?.snapshot).toEqual(JSON.parse(old[2]![2]));
      expect((await store.versions.get('api', 1))?.snapshot).toEqual(JSON.parse(old[3]![2]));
      expect(await store.versions.get('web', 1)).toMatchObject({
        source: 'rollback',
        note: 'a note',
        health: 'good',
        healthReason: 'healthy 5 min',
      });
      // Smaller where the view was derivable; kept whole where it was not; unreadable JSON untouched.
      expect((await storedJson('web', 1)).length).toBeLessThan(old[0]![2].length * 0.6);
      expect(JSON.parse(await storedJson('api', 1))).toHaveProperty('networkNames', {n1id: 'front', n2id: 'back'});
      expect(await storedJson('web', 3)).toBe(old[2]![2]);
      expect(await storedJson('broken', 1)).toBe('{"spec": ');
      // Every other column of every row as it was; numbering goes on from the counter.
      const after = await raw.execute('SELECT * FROM versions ORDER BY id');
      // (Migration 6's metric columns are new: null, "not measured", on every earlier row.)
      const METRICS = ['cpu_percent', 'memory_bytes', 'restarts', 'metrics_samples'];
      expect(after.rows.every((row) => METRICS.every((column) => row[column] === null))).toBe(true);
      const withoutMetrics = (row: Record<string, unknown>) =>
        Object.fromEntries(Object.entries(row).filter(([column]) => !METRICS.includes(column)));
      expect(after.rows.map(({snapshot_json: _json, ...rest}) => withoutMetrics(rest))).toEqual(
        before.rows.map(({snapshot_json: _json, ...rest}) => rest),
      );
      expect((await store.versions.record(recordInput('web', 'h9'))).row.number).toBe(6);
    } finally {
      store.close();
    }
  });
});
