/**
 * Revisions of each stack. Like versions, numbers come from a counter table (`stack_revision_counters`),
 * so they run r1, r2, r3… per stack and are never handed out twice, and two recorders that see the same
 * settled stack at once write one revision: the comparison with the latest revision and the insert are
 * one write transaction.
 */
import type {InValue, Row} from '@libsql/client';
import {z} from 'zod';
import {membersHash} from '../domain/stack.js';
import {EXIT} from '../shared/errors.js';
import {StoreError} from './errors.js';
import type {StoreDb} from './store-db.js';
import {
  STACK_REVISION_SOURCES,
  type StackRevisionInput,
  type StackRevisionRow,
  type StackRevisionsRepo,
  type StackSummary,
} from './types.js';

const COLUMNS = 'id, stack, number, members_json, members_hash, source, note, recorded_at';
const SELECT = `SELECT ${COLUMNS} FROM stack_revisions`;

const NEXT_NUMBER = `INSERT INTO stack_revision_counters (stack, last_number)
  VALUES (?1, COALESCE((SELECT MAX(number) FROM stack_revisions WHERE stack = ?1), 0) + 1)
  ON CONFLICT (stack) DO UPDATE SET last_number = MAX(
    last_number, COALESCE((SELECT MAX(number) FROM stack_revisions WHERE stack = ?1), 0)) + 1
  RETURNING last_number`;

/** How long after a recorder wrote a revision a stack rollback may still claim it as its own. */
const CLAIM_WINDOW_MS = 10 * 60_000;

const MembersSchema = z.record(z.string().min(1), z.number().int().positive());

const RevisionDbRow = z.object({
  id: z.number().int(),
  stack: z.string().min(1),
  number: z.number().int().positive(),
  members_json: z.string(),
  members_hash: z.string().min(1),
  source: z.enum(STACK_REVISION_SOURCES),
  note: z.string().nullable(),
  recorded_at: z.iso.datetime({offset: true}).transform((s) => new Date(s)),
});

function toRevisionRow(row: Row): StackRevisionRow {
  const parsed = RevisionDbRow.safeParse({...row});
  const members = parsed.success ? MembersSchema.safeParse(safeJson(parsed.data.members_json)) : null;
  if (!parsed.success || !members?.success) {
    throw new StoreError(
      `Stored revision r${String(row.number)} of stack ${JSON.stringify(String(row.stack))} is damaged`,
      EXIT.failed,
      'store-bad-row',
    );
  }
  const r = parsed.data;
  return {
    id: r.id,
    stack: r.stack,
    number: r.number,
    members: members.data,
    membersHash: r.members_hash,
    source: r.source,
    note: r.note,
    recordedAt: r.recorded_at,
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export class LibsqlStackRevisionsRepo implements StackRevisionsRepo {
  constructor(private readonly db: StoreDb) {}

  async record(input: StackRevisionInput): Promise<{row: StackRevisionRow; created: boolean}> {
    if (input.stack === '' || Object.keys(input.members).length === 0) {
      throw new StoreError(
        `Cannot record a revision of stack ${JSON.stringify(input.stack)}: it needs a name and at least one service`,
        EXIT.failed,
        'store-bad-record',
      );
    }
    const hash = membersHash(input.members);
    const membersJson = JSON.stringify(
      Object.fromEntries(Object.entries(input.members).sort(([a], [b]) => a.localeCompare(b))),
    );
    return this.db.write(async (client) => {
      const tx = await client.transaction('write');
      try {
        const latestRs = await tx.execute({
          sql: `${SELECT} WHERE stack = ? ORDER BY number DESC LIMIT 1`,
          args: [input.stack],
        });
        const latest = latestRs.rows[0];
        if (latest !== undefined && latest.members_hash === hash) {
          const row = toRevisionRow(latest);
          if (
            input.source === 'rollback' &&
            row.source === 'recorded' &&
            Date.now() - row.recordedAt.getTime() < CLAIM_WINDOW_MS
          ) {
            // A recorder saw the stack settle a moment before the rollback that made it wrote its
            // revision: the revision is the same, its provenance (rolled back to rN) is the better story.
            const updated = await tx.execute({
              sql: `UPDATE stack_revisions SET source = ?, note = ? WHERE id = ? RETURNING ${COLUMNS}`,
              args: [input.source, input.note ?? null, row.id],
            });
            await tx.commit();
            return {row: toRevisionRow(updated.rows[0]!), created: false};
          }
          await tx.commit();
          return {row, created: false};
        }
        const counter = await tx.execute({sql: NEXT_NUMBER, args: [input.stack]});
        const number = Number(counter.rows[0]?.last_number);
        const inserted = await tx.execute({
          sql: `INSERT INTO stack_revisions (stack, number, members_json, members_hash, source, note, recorded_at)
                VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING ${COLUMNS}`,
          args: [input.stack, number, membersJson, hash, input.source, input.note ?? null, new Date().toISOString()],
        });
        const row = inserted.rows[0];
        if (row === undefined) throw new Error('INSERT … RETURNING returned no row');
        const parsed = toRevisionRow(row);
        await tx.commit();
        return {row: parsed, created: true};
      } finally {
        tx.close();
      }
    });
  }

  async list(stack: string, opts: {limit?: number} = {}): Promise<StackRevisionRow[]> {
    const rs = await this.db.reader.execute({
      sql: `${SELECT} WHERE stack = ? ORDER BY number DESC LIMIT ?`,
      args: [stack, opts.limit ?? -1],
    });
    return rs.rows.map(toRevisionRow);
  }

  get(stack: string, number: number): Promise<StackRevisionRow | null> {
    return this.one(`${SELECT} WHERE stack = ? AND number = ?`, [stack, number]);
  }

  latest(stack: string): Promise<StackRevisionRow | null> {
    return this.one(`${SELECT} WHERE stack = ? ORDER BY number DESC LIMIT 1`, [stack]);
  }

  liveAt(stack: string, at: Date): Promise<StackRevisionRow | null> {
    return this.one(`${SELECT} WHERE stack = ? AND recorded_at <= ? ORDER BY number DESC LIMIT 1`, [
      stack,
      at.toISOString(),
    ]);
  }

  async claim(stack: string, run: string, holder: string, staleMs: number): Promise<{holder: string; at: Date} | null> {
    return this.db.write(async (client) => {
      const tx = await client.transaction('write');
      try {
        const rs = await tx.execute({sql: 'SELECT run, holder, at FROM stack_locks WHERE stack = ?', args: [stack]});
        const held = rs.rows[0];
        // The same run takes its own hold back (a resume after the process that held it was killed).
        if (held !== undefined && String(held.run) !== run) {
          const at = new Date(String(held.at));
          if (Date.now() - at.getTime() < staleMs) {
            await tx.commit();
            return {holder: String(held.holder), at};
          }
        }
        await tx.execute({
          sql: 'INSERT OR REPLACE INTO stack_locks (stack, run, holder, at) VALUES (?, ?, ?, ?)',
          args: [stack, run, holder, new Date().toISOString()],
        });
        await tx.commit();
        return null;
      } finally {
        tx.close();
      }
    });
  }

  async release(stack: string, run: string): Promise<void> {
    await this.db.write((client) =>
      client.execute({sql: 'DELETE FROM stack_locks WHERE stack = ? AND run = ?', args: [stack, run]}),
    );
  }

  async stacks(): Promise<StackSummary[]> {
    const rs = await this.db.reader.execute(
      `SELECT stack, COUNT(*) AS revisions, MAX(number) AS latest, MAX(recorded_at) AS latest_at
       FROM stack_revisions GROUP BY stack ORDER BY stack`,
    );
    return rs.rows.map((r) => ({
      stack: String(r.stack),
      revisions: Number(r.revisions),
      latest: Number(r.latest),
      latestAt: new Date(String(r.latest_at)),
    }));
  }

  private async one(sql: string, args: InValue[]): Promise<StackRevisionRow | null> {
    const rs = await this.db.reader.execute({sql, args});
    const row = rs.rows[0];
    return row === undefined ? null : toRevisionRow(row);
  }
}
