/**
 * The audit rows of a rollout, which double as its journal: a `<kind>_started` row is written
 * before the update is applied (carrying what a resume needs, as JSON), and a `<kind>` row with the
 * result when it ends. Both carry a run ID; a started row without a matching end row is in flight.
 */
import {randomBytes} from 'node:crypto';
import {z} from 'zod';
import type {Store} from '../../store/index.js';
import type {RollbackMode, RolloutKind, RolloutResult} from './types.js';

export const StartedRecordSchema = z.object({
  run: z.string(),
  kind: z.enum(['rollback', 'redeploy']),
  mode: z.enum(['full', 'image', 'config']),
  serviceId: z.string(),
  fromVersion: z.number().nullable(),
  toVersion: z.number().nullable(),
  /** Service Version.Index read just before the update call. */
  versionIndex: z.number(),
  /** UpdateStatus.StartedAt before the update call (to tell our update's status from the previous one). */
  updateStartedAt: z.string().nullable(),
  /** Epoch ms when the update was applied. */
  startedAtMs: z.number(),
  targetHash: z.string(),
  /**
   * The UpdateConfig to put back once the rollout converged (null: none), when the rollout ran with
   * other settings than the version's own; absent: nothing to put back.
   */
  finalUpdateConfig: z.record(z.string(), z.unknown()).nullable().optional(),
  /** Version hash of the spec the rollback leaves (with finalUpdateConfig); absent: targetHash. */
  finalHash: z.string().optional(),
  watchMs: z.number(),
  revertOnFailure: z.boolean(),
});
export type StartedRecord = z.infer<typeof StartedRecordSchema>;

export function newRunId(): string {
  return randomBytes(6).toString('hex');
}

const RUN_SUFFIX = /\[run ([0-9a-f]+)\]$/;

export async function appendStarted(
  store: Store,
  serviceName: string,
  record: StartedRecord,
  actor?: string,
): Promise<void> {
  await store.audit.append({
    actor,
    action: `${record.kind}_started`,
    serviceName,
    fromVersion: record.fromVersion,
    toVersion: record.toVersion,
    result: 'started',
    detail: JSON.stringify(record),
  });
}

export interface FinishedEntry {
  run: string | null;
  kind: RolloutKind;
  fromVersion: number | null;
  toVersion: number | null;
  result: RolloutResult;
  durationMs: number;
  detail: string;
  actor?: string;
}

export async function appendFinished(store: Store, serviceName: string, entry: FinishedEntry): Promise<void> {
  await store.audit.append({
    actor: entry.actor,
    action: entry.kind,
    serviceName,
    fromVersion: entry.fromVersion,
    toVersion: entry.toVersion,
    result: entry.result,
    detail: entry.run ? `${entry.detail} [run ${entry.run}]` : entry.detail,
    durationMs: entry.durationMs,
  });
}

function parseStarted(detail: string | null): StartedRecord | null {
  if (!detail) return null;
  try {
    const parsed = StartedRecordSchema.safeParse(JSON.parse(detail));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Detail prefix of an end row for a run whose update was never applied (it supersedes nothing). */
export const NOT_APPLIED = 'not applied: ';

/**
 * The rollout of this service in flight: the newest one that applied an update, when it has not
 * ended. A newer applied rollout supersedes older ones, so a run interrupted and never resumed does
 * not come back once another one has run.
 */
export async function findInFlight(store: Store, serviceName: string): Promise<StartedRecord | null> {
  const rows = await store.audit.list({serviceName, limit: 200});
  const ended = new Set<string>();
  const notApplied = new Set<string>();
  for (const row of rows) {
    // Newest first: an end row is always seen before its start row.
    if (row.action === 'rollback' || row.action === 'redeploy') {
      const run = RUN_SUFFIX.exec(row.detail ?? '')?.[1];
      if (!run) continue;
      ended.add(run);
      if (row.detail?.startsWith(NOT_APPLIED)) notApplied.add(run);
    } else if (row.action === 'rollback_started' || row.action === 'redeploy_started') {
      const record = parseStarted(row.detail);
      if (!record || notApplied.has(record.run)) continue;
      return ended.has(record.run) ? null : record;
    }
  }
  return null;
}

export type {RollbackMode};
