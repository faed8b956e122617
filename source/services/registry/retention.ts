/**
 * Which versions a prune deletes. Pure. The newest `keep` versions stay, and so do, always, the
 * live version and the one recorded before it (what a rollback after a bad deploy goes back to).
 * When the live spec is unknown (service not in the swarm, or its live spec never recorded) the
 * newest recorded version stands in for the live one.
 */
import type {VersionRow} from '../../store/index.js';

export interface PrunePlan {
  serviceName: string;
  keep: number;
  /** The live version, or null when unknown. */
  live: number | null;
  /** Kept versions and why (newest first). */
  kept: {version: number; why: string}[];
  /** Versions to delete (oldest first). */
  remove: VersionRow[];
}

/** The versions no deletion may touch, with the reason (live, the one before it). */
export function protectedVersions(rows: readonly VersionRow[], live: number | null): Map<number, string> {
  const numbers = rows.map((r) => r.number).sort((a, b) => b - a);
  const result = new Map<number, string>();
  const anchor = live ?? numbers[0];
  if (anchor === undefined) return result;
  result.set(anchor, live === null ? 'newest recorded (the live version is unknown)' : 'live');
  const before = numbers.find((n) => n < anchor);
  if (before !== undefined) result.set(before, `the version before ${live === null ? 'the newest' : 'the live one'}`);
  return result;
}

export function planPrune(
  serviceName: string,
  rows: readonly VersionRow[],
  keep: number,
  live: number | null,
): PrunePlan {
  const newestFirst = [...rows].sort((a, b) => b.number - a.number);
  const guarded = protectedVersions(newestFirst, live);
  const kept: PrunePlan['kept'] = [];
  const remove: VersionRow[] = [];
  newestFirst.forEach((row, index) => {
    const why = guarded.get(row.number) ?? (index < keep ? `among the newest ${keep}` : null);
    if (why) kept.push({version: row.number, why});
    else remove.push(row);
  });
  return {serviceName, keep, live, kept, remove: remove.reverse()};
}
