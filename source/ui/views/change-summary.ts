/** One line per history row: its note, and what changed since the version before it (older). */
import {diffSnapshots, summarizeDiff} from '../../domain/diff.js';
import type {VersionRow} from '../../services/console-model.js';

const cache = new WeakMap<VersionRow[], Map<number, string>>();

function changedFrom(older: VersionRow, row: VersionRow): string {
  try {
    // The diff reads stored snapshots defensively, whatever build wrote them.
    return summarizeDiff(diffSnapshots(older.snapshot, row.snapshot));
  } catch {
    // A stored view the diff cannot read must not take the console down with it.
    return '?';
  }
}

/** Rows newest first, as loadHistory returns them. */
export function changeSummaries(rows: VersionRow[]): Map<number, string> {
  const cached = cache.get(rows);
  if (cached) return cached;
  const summaries = new Map<number, string>();
  rows.forEach((row, i) => {
    const older = rows[i + 1];
    const changed = older ? changedFrom(older, row) : row.number === 1 ? 'first recorded' : '';
    summaries.set(row.number, [row.note, changed].filter(Boolean).join(' · '));
  });
  cache.set(rows, summaries);
  return summaries;
}
