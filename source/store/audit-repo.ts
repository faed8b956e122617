/** The audit log: who did what to which service, when, and how it ended. Append-only. */
import os from 'node:os';
import type {InStatement} from '@libsql/client';
import {AUDIT_COLUMNS, toAuditRow} from './row-schemas.js';
import type {AuditEntry, AuditRepo, AuditRow} from './types.js';
import type {StoreDb} from './store-db.js';

export class LibsqlAuditRepo implements AuditRepo {
  constructor(
    private readonly db: StoreDb,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  async append(entry: AuditEntry): Promise<void> {
    await this.db.write((client) => client.execute(auditInsert(entry, this.env)));
  }

  /** Newest first; `limit` defaults to every entry. */
  async list(opts: {serviceName?: string; limit?: number} = {}): Promise<AuditRow[]> {
    const limit = opts.limit ?? -1;
    const rs =
      opts.serviceName === undefined
        ? await this.db.reader.execute({
            sql: `SELECT ${AUDIT_COLUMNS} FROM audit_log ORDER BY id DESC LIMIT ?`,
            args: [limit],
          })
        : await this.db.reader.execute({
            sql: `SELECT ${AUDIT_COLUMNS} FROM audit_log WHERE service_name = ? ORDER BY id DESC LIMIT ?`,
            args: [opts.serviceName, limit],
          });
    return rs.rows.map(toAuditRow);
  }
}

/** The INSERT of one audit entry: for append, and for a version recorded with its entry in one transaction. */
export function auditInsert(entry: AuditEntry, env: NodeJS.ProcessEnv = process.env): InStatement {
  return {
    sql: `INSERT INTO audit_log (at, actor, action, service_name, from_version, to_version, result,
      detail, duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    args: [
      (entry.at ?? new Date()).toISOString(),
      entry.actor ?? defaultActor(env),
      entry.action,
      entry.serviceName,
      entry.fromVersion ?? null,
      entry.toVersion ?? null,
      entry.result,
      entry.detail ?? null,
      entry.durationMs === undefined || entry.durationMs === null ? null : Math.round(entry.durationMs),
    ],
  };
}

/**
 * `user@host`. os.userInfo() throws in containers running as a uid with no passwd entry; then the
 * USER / LOGNAME variables, then the numeric uid, stand in.
 */
export function defaultActor(env: NodeJS.ProcessEnv = process.env): string {
  let user: string | undefined;
  try {
    user = os.userInfo().username;
  } catch {
    user = undefined;
  }
  if (user === undefined || user === '') {
    user = env.USER || env.LOGNAME || (process.getuid ? `uid${process.getuid()}` : 'unknown');
  }
  let host: string;
  try {
    host = os.hostname();
  } catch {
    host = env.HOSTNAME || 'unknown-host';
  }
  return `${user}@${host}`;
}
