/**
 * The journal of a stack rollback, kept in the audit log under `stack:NAME` like the per-service one
 * (services/rollback/journal.ts): a `stack_rollback_started` row, written before anything changes,
 * carries what a resume needs as JSON (the run, the target revision, each service's action, the
 * version it ran before and its target, the options); a `stack_rollback` row with the result and
 * `[run ID]` ends it. A started row without its end row is in flight, unless a newer one started.
 */
import {z} from 'zod';
import type {AuditEntry, Store} from '../../store/index.js';

export const STACK_STARTED = 'stack_rollback_started';
export const STACK_FINISHED = 'stack_rollback';

export const StackStartedSchema = z.object({
  run: z.string().min(1),
  stack: z.string().min(1),
  /** The revision rolled back to. */
  to: z.number().int().positive(),
  /** The revision live before (null: what ran matched no recorded revision). */
  before: z.number().int().positive().nullable(),
  services: z.array(
    z.object({
      service: z.string().min(1),
      action: z.enum(['rollback', 'unchanged', 'recreate', 'remove', 'keep']),
      from: z.number().int().positive().nullable(),
      to: z.number().int().positive().nullable(),
    }),
  ),
  sequential: z.boolean(),
  revertOnFailure: z.boolean(),
  watchMs: z.number().int().nonnegative().nullable(),
  startedAtMs: z.number(),
  plan: z.string(),
});
export type StackStartedRecord = z.infer<typeof StackStartedSchema>;

export const stackAuditName = (stack: string): string => `stack:${stack}`;

export async function appendStackStarted(store: Store, record: StackStartedRecord, actor?: string): Promise<void> {
  await store.audit.append({
    actor,
    action: STACK_STARTED,
    serviceName: stackAuditName(record.stack),
    toVersion: record.to,
    result: 'started',
    detail: JSON.stringify(record),
  });
}

/** The end row of a run (`run` null: a plan that never started, e.g. a failed pre-flight). */
export async function appendStackFinished(
  store: Store,
  stack: string,
  run: string | null,
  entry: Pick<AuditEntry, 'toVersion' | 'result' | 'durationMs' | 'actor'> & {detail: string},
): Promise<void> {
  await store.audit.append({
    ...entry,
    action: STACK_FINISHED,
    serviceName: stackAuditName(stack),
    detail: run ? `${entry.detail} [run ${run}]` : entry.detail,
  });
}

const RUN_SUFFIX = /\[run ([0-9a-f-]+)\]$/;

function parseStarted(detail: string | null): StackStartedRecord | null {
  if (!detail) return null;
  try {
    const parsed = StackStartedSchema.safeParse(JSON.parse(detail));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The stack rollback of this stack in flight: the newest one started, when it has not ended. */
export async function findStackInFlight(store: Store, stack: string): Promise<StackStartedRecord | null> {
  const rows = await store.audit.list({serviceName: stackAuditName(stack), limit: 200});
  const ended = new Set<string>();
  for (const row of rows) {
    // Newest first: an end row is always seen before its start row.
    if (row.action === STACK_FINISHED) {
      const run = RUN_SUFFIX.exec(row.detail ?? '')?.[1];
      if (run) ended.add(run);
    } else if (row.action === STACK_STARTED) {
      const record = parseStarted(row.detail);
      if (!record) continue;
      return ended.has(record.run) ? null : record;
    }
  }
  return null;
}
