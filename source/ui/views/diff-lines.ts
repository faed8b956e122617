/** A SnapshotDiff as lines of text, readable without colour: + added, - removed, ~ changed. */
import type {SnapshotDiff} from '../../services/console-model.js';
import type {ListItem} from '../list/list-reducer.js';

export type DiffLineKind = 'section' | 'added' | 'removed' | 'changed' | 'note';

export interface DiffLine {
  kind: DiffLineKind;
  text: string;
}

export const DIFF_MARKERS = {added: '+', removed: '-', changed: '~'} as const;

const cache = new WeakMap<SnapshotDiff, DiffLine[]>();

export function diffLines(diff: SnapshotDiff): DiffLine[] {
  const cached = cache.get(diff);
  if (cached) return cached;
  const lines: DiffLine[] = [];
  if (!diff.changed || diff.sections.length === 0) {
    lines.push({kind: 'note', text: 'no differences'});
  }
  for (const section of diff.sections) {
    lines.push({kind: 'section', text: section.title});
    for (const change of section.changes) {
      const marker = DIFF_MARKERS[change.kind];
      const value =
        change.kind === 'added'
          ? change.new
          : change.kind === 'removed'
            ? change.old
            : `${change.old ?? '(none)'} → ${change.new ?? '(none)'}${change.note ? ` (${change.note})` : ''}`;
      const key = change.key ? `${change.key}: ` : '';
      lines.push({kind: change.kind, text: `  ${marker} ${key}${value ?? ''}`});
    }
  }
  cache.set(diff, lines);
  return lines;
}

export function diffItems(diff: SnapshotDiff): ListItem[] {
  return diffLines(diff).map((line, i) => ({id: String(i), text: line.text}));
}
