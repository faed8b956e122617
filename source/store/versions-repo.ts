/**
 * Recorded versions of each service. Numbers come from `version_counters`, so they run 1, 2, 3… per
 * service and are never handed out twice, even after a version is removed.
 */
import type {InValue} from '@libsql/client';
import {EXIT} from '../shared/errors.js';
import {auditInsert} from './audit-repo.js';
import {StoreError} from './errors.js';
import {SnapshotInputSchema, VERSION_COLUMNS, toVersionRow} from './row-schemas.js';
import {compactSnapshot} from './snapshot-codec.js';
import type {
  VersionMetrics,
  Health,
  RecordInput,
  RecordResult,
  ServiceSummary,
  VersionRow,
  VersionsRepo,
} from './types.js';
import type {StoreDb} from './store-db.js';

const SELECT = `SELECT ${VERSION_COLUMNS} FROM versions`;

const NEXT_NUMBER = `INSERT INTO version_counters (service_name, last_number)
  VALUES (?1, COALESCE((SELECT MAX(number) FROM versions WHERE service_name = ?1), 0) + 1)
  ON CONFLICT (service_name) DO UPDATE SET last_number = MAX(
    last_number, COALESCE((SELECT MAX(number) FROM versions WHERE service_name = ?1), 0)) + 1
  RETURNING last_number`;

const INSERT = `INSERT INTO versions (service_name, service_id, number, snapshot_json, spec_hash, image_ref,
    image_digest, source, note, health, recorded_at, swarm_version, update_started_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?)
  RETURNING ${VERSION_COLUMNS}`;

/** Versions of the service still pending when a newer one is recorded: replaced before their window ended. */
const SUPERSEDE = `UPDATE versions SET health = 'superseded', health_reason = ?, health_checked_at = ?
  WHERE service_name = ? AND health = 'pending' AND number < ?`;

export class LibsqlVersionsRepo implements VersionsRepo {
  constructor(
    private readonly db: StoreDb,
    /** For the audit entry's default actor. */
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  /**
   * One write transaction (BEGIN IMMEDIATE): compare with the latest version, then take the next number,
   * insert, mark the versions it replaced before their window ended as superseded, and write the audit
   * entry that goes with it: all of it or none. Lock and numbering conflicts with other writers are
   * retried a bounded number of times.
   */
  async record(input: RecordInput): Promise<RecordResult> {
    const prepared = prepareRecord(input);
    return this.db.write(async (client) => {
      const tx = await client.transaction('write');
      try {
        const latestRs = await tx.execute({
          sql: `${SELECT} WHERE service_name = ? ORDER BY number DESC LIMIT 1`,
          args: [input.serviceName],
        });
        const latest = latestRs.rows[0];
        if (latest !== undefined && latest.spec_hash === input.specHash) {
          const row = toVersionRow(latest);
          if (claimsProvenance(input, row)) {
            // A recorder saw this deployment converge a moment before the tool that made it recorded
            // it: the version is the same, its provenance (rolled back to vN) is the better story.
            const updated = await tx.execute({
              sql: `UPDATE versions SET source = ?, note = ? WHERE id = ? RETURNING ${VERSION_COLUMNS}`,
              args: [input.source, input.note ?? null, row.id],
            });
            await tx.commit();
            return {row: toVersionRow(updated.rows[0]!), created: false};
          }
          await tx.commit();
          return {row, created: false};
        }
        const counter = await tx.execute({sql: NEXT_NUMBER, args: [input.serviceName]});
        const number = Number(counter.rows[0]?.last_number);
        const inserted = await tx.execute({
          sql: INSERT,
          args: [
            input.serviceName,
            input.serviceId,
            number,
            prepared.snapshotJson,
            input.specHash,
            prepared.imageRef,
            prepared.imageDigest,
            input.source,
            input.note ?? null,
            new Date().toISOString(),
            input.swarmVersion ?? null,
            input.updateStartedAt ?? null,
          ],
        });
        const row = inserted.rows[0];
        if (row === undefined) throw new Error('INSERT … RETURNING returned no row');
        const parsed = toVersionRow(row);
        const at = new Date().toISOString();
        await tx.execute({
          sql: SUPERSEDE,
          args: [`replaced by v${number} before its stability window ended`, at, input.serviceName, number],
        });
        if (input.audit) {
          await tx.execute(auditInsert({...input.audit, serviceName: input.serviceName, toVersion: number}, this.env));
        }
        await tx.commit();
        return {row: parsed, created: true};
      } finally {
        tx.close();
      }
    });
  }

  async list(serviceName: string, opts: {limit?: number} = {}): Promise<VersionRow[]> {
    const limit = opts.limit ?? -1;
    const rs = await this.db.reader.execute({
      sql: `${SELECT} WHERE service_name = ? ORDER BY number DESC LIMIT ?`,
      args: [serviceName, limit],
    });
    return rs.rows.map(toVersionRow);
  }

  async count(serviceName: string): Promise<number> {
    const rs = await this.db.reader.execute({
      sql: 'SELECT COUNT(*) AS n FROM versions WHERE service_name = ?',
      args: [serviceName],
    });
    return Number(rs.rows[0]?.n ?? 0);
  }

  get(serviceName: string, number: number): Promise<VersionRow | null> {
    return this.one(`${SELECT} WHERE service_name = ? AND number = ?`, [serviceName, number]);
  }

  latest(serviceName: string): Promise<VersionRow | null> {
    return this.one(`${SELECT} WHERE service_name = ? ORDER BY number DESC LIMIT 1`, [serviceName]);
  }

  /** The newest version with this spec hash. */
  findByHash(serviceName: string, specHash: string): Promise<VersionRow | null> {
    return this.one(`${SELECT} WHERE service_name = ? AND spec_hash = ? ORDER BY number DESC LIMIT 1`, [
      serviceName,
      specHash,
    ]);
  }

  /**
   * Throws StoreError (exit 1) when no version has this id (removed meanwhile, or a wrong id). A version
   * already superseded stays so unless it is found good: a bad verdict arriving late (from a watch that
   * began before it was replaced) judged tasks that a newer deployment was replacing.
   */
  async setHealth(
    id: number,
    health: Health,
    reason: string | null = null,
    metrics: VersionMetrics | null = null,
  ): Promise<void> {
    // Metrics given are written with the verdict; none given keeps those recorded before.
    const m = metrics === null ? null : checkedMetrics(metrics);
    const rs = await this.db.write((client) =>
      client.execute({
        sql: `UPDATE versions SET health = ?, health_reason = ?, health_checked_at = ?,
            cpu_percent = CASE WHEN ? THEN ? ELSE cpu_percent END,
            memory_bytes = CASE WHEN ? THEN ? ELSE memory_bytes END,
            restarts = CASE WHEN ? THEN ? ELSE restarts END,
            metrics_samples = CASE WHEN ? THEN ? ELSE metrics_samples END
          WHERE id = ? AND (health <> 'superseded' OR ? IN ('superseded', 'good'))`,
        args: [
          health,
          reason,
          new Date().toISOString(),
          ...[m?.cpuPercent ?? null, m?.memoryBytes ?? null, m?.restarts ?? null, m?.samples ?? null].flatMap((v) => [
            m !== null,
            v,
          ]),
          id,
          health,
        ],
      }),
    );
    if (rs.rowsAffected === 0 && (await this.one(`${SELECT} WHERE id = ?`, [id])) === null) {
      throw new StoreError(`No recorded version has id ${id}`, EXIT.failed, 'store-no-such-version');
    }
  }

  lastKnownGood(serviceName: string): Promise<VersionRow | null> {
    return this.one(`${SELECT} WHERE service_name = ? AND health = 'good' ORDER BY number DESC LIMIT 1`, [serviceName]);
  }

  /** Deletes one version; its number is not given out again. */
  async remove(serviceName: string, number: number): Promise<boolean> {
    const rs = await this.db.write((client) =>
      client.execute({
        sql: 'DELETE FROM versions WHERE service_name = ? AND number = ?',
        args: [serviceName, number],
      }),
    );
    return rs.rowsAffected > 0;
  }

  /** Every service with at least one stored version, by name. */
  async services(): Promise<ServiceSummary[]> {
    const rs = await this.db.reader.execute(
      `SELECT service_name, COUNT(*) AS versions, MAX(number) AS latest
       FROM versions GROUP BY service_name ORDER BY service_name`,
    );
    return rs.rows.map((r) => ({
      serviceName: String(r.service_name),
      versions: Number(r.versions),
      latest: Number(r.latest),
    }));
  }

  /**
   * A cheap fingerprint of one service's history (one indexed aggregate query): it changes when a
   * version is recorded, removed or judged, its image kept, or an audit entry written for it.
   */
  async changeStamp(serviceName: string): Promise<string> {
    const rs = await this.db.reader.execute({
      sql: `SELECT COUNT(*) AS n, COALESCE(MAX(id), 0) AS top, COALESCE(MAX(health_checked_at), '') AS judged,
              COALESCE(MAX(push_attempted_at), '') AS kept,
              (SELECT COALESCE(MAX(id), 0) FROM audit_log WHERE service_name = ?1) AS audited
            FROM versions WHERE service_name = ?1`,
      args: [serviceName],
    });
    const r = rs.rows[0];
    return r === undefined ? '' : [r.n, r.top, r.judged, r.kept, r.audited].map(String).join('|');
  }

  private async one(sql: string, args: InValue[]): Promise<VersionRow | null> {
    const rs = await this.db.reader.execute({sql, args});
    const row = rs.rows[0];
    return row === undefined ? null : toVersionRow(row);
  }
}

/** Checks what `record` was given before anything is written, so every stored row reads back. */
function prepareRecord(input: RecordInput): {snapshotJson: string; imageRef: string; imageDigest: string | null} {
  const refuse = (why: string) =>
    new StoreError(
      `Cannot record a version of service ${JSON.stringify(input.serviceName)}: ${why}`,
      EXIT.failed,
      'store-bad-record',
    );
  if (input.serviceName === '' || input.serviceId === '' || input.specHash === '') {
    throw refuse('service name, service id and spec hash are required');
  }
  const snapshot = SnapshotInputSchema.safeParse(input.snapshot);
  if (!snapshot.success) {
    throw refuse('the snapshot needs a spec, a view and an image with ref and pinned');
  }
  const image = snapshot.data.image;
  return {
    snapshotJson: JSON.stringify(compactSnapshot(input.snapshot)),
    imageRef: image.ref,
    imageDigest: image.repoDigest ?? image.imageId ?? null,
  };
}

/** Metrics as the table's CHECKs accept them (a negative or non-finite value is not stored). */
function checkedMetrics(m: VersionMetrics): VersionMetrics {
  const ok = (v: number | null) => (v !== null && Number.isFinite(v) && v >= 0 ? v : null);
  return {
    cpuPercent: ok(m.cpuPercent),
    memoryBytes: m.memoryBytes === null ? null : ok(Math.round(m.memoryBytes)),
    restarts: Math.max(0, Math.round(m.restarts)),
    samples: Math.max(0, Math.round(m.samples)),
  };
}

/** How long after a plain recording a rollback or deploy may still claim the version as its own. */
const PROVENANCE_WINDOW_MS = 10 * 60_000;

function claimsProvenance(input: RecordInput, latest: VersionRow): boolean {
  return (
    (input.source === 'rollback' || input.source === 'deploy') &&
    latest.source === 'recorded' &&
    Date.now() - latest.recordedAt.getTime() < PROVENANCE_WINDOW_MS
  );
}
