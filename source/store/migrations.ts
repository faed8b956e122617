/**
 * Versioned schema migrations. Each migration runs once, in order, inside one write transaction together
 * with its row in `schema_migrations`; a database whose schema is newer than this code is refused
 * rather than guessed at.
 */
import type {Client, Transaction} from '@libsql/client';
import {EXIT} from '../shared/errors.js';
import {StoreError} from './errors.js';
import {compactSnapshot} from './snapshot-codec.js';

export interface Migration {
  version: number;
  name: string;
  statements: string[];
  /** Row by row changes SQL cannot express, after the statements, in the same transaction. */
  rewrite?: (tx: Transaction) => Promise<void>;
}

const V3_COLUMNS = `id, service_name, service_id, number, snapshot_json, spec_hash, image_ref, image_digest, source,
  note, health, health_reason, health_checked_at, recorded_at, swarm_version, update_started_at, push_state,
  image_location, push_ref, push_digest, push_error, push_attempted_at, image_size`;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'versions, version counters and audit log',
    statements: [
      `CREATE TABLE versions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        service_name TEXT NOT NULL,
        service_id TEXT NOT NULL,
        number INTEGER NOT NULL CHECK (number > 0),
        snapshot_json TEXT NOT NULL,
        spec_hash TEXT NOT NULL,
        image_ref TEXT NOT NULL,
        image_digest TEXT,
        source TEXT NOT NULL CHECK (source IN ('recorded', 'rollback', 'deploy', 'snapshot')),
        note TEXT,
        health TEXT NOT NULL DEFAULT 'pending' CHECK (health IN ('pending', 'good', 'bad')),
        health_reason TEXT,
        health_checked_at TEXT,
        recorded_at TEXT NOT NULL,
        swarm_version INTEGER,
        update_started_at TEXT,
        UNIQUE (service_name, number)
      )`,
      `CREATE INDEX versions_by_hash ON versions (service_name, spec_hash, number)`,
      `CREATE INDEX versions_by_health ON versions (service_name, health, number)`,
      `CREATE TABLE version_counters (
        service_name TEXT PRIMARY KEY,
        last_number INTEGER NOT NULL CHECK (last_number >= 0)
      )`,
      `CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        service_name TEXT NOT NULL,
        from_version INTEGER,
        to_version INTEGER,
        result TEXT NOT NULL,
        detail TEXT,
        duration_ms INTEGER
      )`,
      `CREATE INDEX audit_log_by_service ON audit_log (service_name, id)`,
    ],
  },
  {
    version: 2,
    name: 'rollback image of each version: registry push state, location and size',
    statements: [
      `ALTER TABLE versions ADD COLUMN push_state TEXT NOT NULL DEFAULT 'none'
        CHECK (push_state IN ('none', 'local', 'pushed', 'push_failed'))`,
      `ALTER TABLE versions ADD COLUMN image_location TEXT
        CHECK (image_location IS NULL OR image_location IN ('registry', 'local', 'missing'))`,
      `ALTER TABLE versions ADD COLUMN push_ref TEXT`,
      `ALTER TABLE versions ADD COLUMN push_digest TEXT`,
      `ALTER TABLE versions ADD COLUMN push_error TEXT`,
      `ALTER TABLE versions ADD COLUMN push_attempted_at TEXT`,
      `ALTER TABLE versions ADD COLUMN image_size INTEGER`,
      `CREATE INDEX versions_by_push_state ON versions (push_state, service_name, number)`,
    ],
  },
  {
    version: 3,
    name: 'stack revisions: one version of each service of a stack, numbered per stack',
    statements: [
      `CREATE TABLE stack_revisions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        stack TEXT NOT NULL,
        number INTEGER NOT NULL CHECK (number > 0),
        members_json TEXT NOT NULL,
        members_hash TEXT NOT NULL,
        source TEXT NOT NULL CHECK (source IN ('recorded', 'rollback')),
        note TEXT,
        recorded_at TEXT NOT NULL,
        UNIQUE (stack, number)
      )`,
      `CREATE TABLE stack_revision_counters (
        stack TEXT PRIMARY KEY,
        last_number INTEGER NOT NULL CHECK (last_number >= 0)
      )`,
      `CREATE INDEX stack_revisions_by_time ON stack_revisions (stack, recorded_at)`,
      `CREATE TABLE stack_locks (
        stack TEXT PRIMARY KEY,
        run TEXT NOT NULL,
        holder TEXT NOT NULL,
        at TEXT NOT NULL
      )`,
    ],
  },
  {
    version: 4,
    name: 'each version keeps its spec, its view derived from it rather than stored twice',
    statements: [],
    rewrite: dropDerivedViews,
  },
  {
    version: 5,
    name: "health 'superseded': a version replaced before its stability window ended",
    // SQLite cannot change a CHECK constraint in place: the table is rebuilt, every row copied
    // (ids included) inside the migration's transaction, then its indexes made again.
    statements: [
      `CREATE TABLE versions_v3 (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        service_name TEXT NOT NULL,
        service_id TEXT NOT NULL,
        number INTEGER NOT NULL CHECK (number > 0),
        snapshot_json TEXT NOT NULL,
        spec_hash TEXT NOT NULL,
        image_ref TEXT NOT NULL,
        image_digest TEXT,
        source TEXT NOT NULL CHECK (source IN ('recorded', 'rollback', 'deploy', 'snapshot')),
        note TEXT,
        health TEXT NOT NULL DEFAULT 'pending' CHECK (health IN ('pending', 'good', 'bad', 'superseded')),
        health_reason TEXT,
        health_checked_at TEXT,
        recorded_at TEXT NOT NULL,
        swarm_version INTEGER,
        update_started_at TEXT,
        push_state TEXT NOT NULL DEFAULT 'none' CHECK (push_state IN ('none', 'local', 'pushed', 'push_failed')),
        image_location TEXT CHECK (image_location IS NULL OR image_location IN ('registry', 'local', 'missing')),
        push_ref TEXT,
        push_digest TEXT,
        push_error TEXT,
        push_attempted_at TEXT,
        image_size INTEGER,
        UNIQUE (service_name, number)
      )`,
      `INSERT INTO versions_v3 (${V3_COLUMNS}) SELECT ${V3_COLUMNS} FROM versions`,
      `DROP TABLE versions`,
      `ALTER TABLE versions_v3 RENAME TO versions`,
      `CREATE INDEX versions_by_hash ON versions (service_name, spec_hash, number)`,
      `CREATE INDEX versions_by_health ON versions (service_name, health, number)`,
      `CREATE INDEX versions_by_push_state ON versions (push_state, service_name, number)`,
    ],
  },
  {
    version: 6,
    name: "a version's CPU, memory and restarts, measured by the health watch that judged it",
    // New nullable columns: every row keeps what it had; versions judged before read "not measured".
    statements: [
      `ALTER TABLE versions ADD COLUMN cpu_percent REAL CHECK (cpu_percent IS NULL OR cpu_percent >= 0)`,
      `ALTER TABLE versions ADD COLUMN memory_bytes INTEGER CHECK (memory_bytes IS NULL OR memory_bytes >= 0)`,
      `ALTER TABLE versions ADD COLUMN restarts INTEGER CHECK (restarts IS NULL OR restarts >= 0)`,
      `ALTER TABLE versions ADD COLUMN metrics_samples INTEGER CHECK (metrics_samples IS NULL OR metrics_samples >= 0)`,
    ],
  },
];

/**
 * Rewrites every stored snapshot without the view its spec derives to (snapshot-codec.ts). A row
 * whose JSON cannot be read, or whose view is not exactly what its spec derives to, is left as it is.
 */
async function dropDerivedViews(tx: Transaction): Promise<void> {
  let after = 0;
  for (;;) {
    const rs = await tx.execute({
      sql: 'SELECT id, snapshot_json FROM versions WHERE id > ? ORDER BY id LIMIT 500',
      args: [after],
    });
    if (rs.rows.length === 0) return;
    for (const row of rs.rows) {
      after = Number(row.id);
      const json = String(row.snapshot_json);
      let snapshot: {spec?: unknown; view?: unknown; image?: unknown};
      try {
        snapshot = JSON.parse(json) as typeof snapshot;
      } catch {
        continue;
      }
      if (
        typeof snapshot !== 'object' ||
        snapshot === null ||
        typeof snapshot.spec !== 'object' ||
        snapshot.spec === null
      )
        continue;
      if (
        typeof snapshot.image !== 'object' ||
        snapshot.image === null ||
        typeof snapshot.view !== 'object' ||
        snapshot.view === null
      )
        continue;
      const compact = JSON.stringify(compactSnapshot(snapshot as Parameters<typeof compactSnapshot>[0]));
      if (compact.length < json.length)
        await tx.execute({sql: 'UPDATE versions SET snapshot_json = ? WHERE id = ?', args: [compact, after]});
    }
  }
}

/** Tables every history database has once migration 1 ran: one missing means damage, never "create it". */
export const REQUIRED_TABLES = ['versions', 'version_counters', 'audit_log'] as const;

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;

const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at TEXT NOT NULL
)`;

export interface MigrationResult {
  from: number;
  to: number;
  applied: number[];
}

/**
 * Brings the schema up to date. `where` names the database in messages. Callers serialize this with
 * other writes (see write-queue.ts); across processes BEGIN IMMEDIATE makes the second opener wait and
 * then find nothing left to do.
 */
export async function migrate(
  client: Client,
  where: string,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<MigrationResult> {
  const known = migrations[migrations.length - 1]?.version ?? 0;
  const current = await readSchemaVersion(client);
  refuseNewer(current, known, where);
  if (current === known) return {from: current, to: current, applied: []};

  const tx = await client.transaction('write');
  try {
    await tx.execute(CREATE_MIGRATIONS_TABLE);
    const rs = await tx.execute('SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations');
    const from = Number(rs.rows[0]?.v ?? 0);
    refuseNewer(from, known, where);
    const applied: number[] = [];
    for (const migration of migrations) {
      if (migration.version <= from) continue;
      for (const sql of migration.statements) await tx.execute(sql);
      await migration.rewrite?.(tx);
      await tx.execute({
        sql: 'INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)',
        args: [migration.version, migration.name, new Date().toISOString()],
      });
      applied.push(migration.version);
    }
    await tx.commit();
    return {from, to: known, applied};
  } finally {
    tx.close();
  }
}

/** The highest applied migration, 0 for a database that has never been migrated. */
export async function readSchemaVersion(client: Client): Promise<number> {
  const table = await client.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'");
  if (table.rows.length === 0) return 0;
  const rs = await client.execute('SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations');
  return Number(rs.rows[0]?.v ?? 0);
}

function refuseNewer(found: number, known: number, where: string): void {
  if (found > known) {
    throw new StoreError(
      `History database ${where} has schema version ${found}, newer than this dokroll-tui understands ` +
        `(${known}); upgrade dokroll-tui to use it`,
      EXIT.badInput,
      'store-schema-newer',
    );
  }
}
