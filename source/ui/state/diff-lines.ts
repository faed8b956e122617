/** A SnapshotDiff as lines of text, readable without colour: + added, - removed, ~ changed. */
import type {SnapshotDiff} from '../../services/console-model.js';
import type {ListItem} from '../list/list-reducer.js';

export type DiffLineKind = 'section' | 'added' | 'removed' | 'changed' | 'note';

export interface DiffLine {
  kind: DiffLineKind;
  text: string;
  /** What `y` copies from this line: the whole value it shows (or begins), and what it is. */
  copy?: {label: string; value: string};
}

export const DIFF_MARKERS = {added: '+', removed: '-', changed: '~'} as const;

const cache = new WeakMap<SnapshotDiff, DiffLine[]>();

/** A change longer than this is shown over several lines: the key, then old and new on their own. */
const ONE_LINE_MAX = 60;
/** Values are cut into pieces this long: with the indent, 80 columns, a whole `sha256:` digest on one line. */
const PIECE = 72;
const VALUE_INDENT = '    ';

/** `label value`, wrapped into PIECE-long pieces under one another (never cut). */
function valueLines(label: string, value: string): string[] {
  const chars = [...value];
  const pieces: string[] = [];
  for (let i = 0; i < chars.length; i += PIECE) pieces.push(chars.slice(i, i + PIECE).join(''));
  if (pieces.length === 0) pieces.push('');
  const pad = ' '.repeat([...label].length + 1);
  return pieces.map((piece, i) => `${VALUE_INDENT}${i === 0 ? `${label} ` : pad}${piece}`);
}

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
      const text = `  ${marker} ${key}${value ?? ''}`;
      const name = change.key ?? section.title;
      const was = {label: `${name} (was)`, value: change.old ?? ''};
      const now = {label: change.kind === 'added' ? name : `${name} (now)`, value: change.new ?? ''};
      const main = change.kind === 'removed' ? was : now;
      if ([...text].length <= ONE_LINE_MAX) {
        lines.push({kind: change.kind, text, copy: main});
        continue;
      }
      // Long: the key on its line, then old and new each whole, wrapped.
      lines.push({kind: change.kind, text: `  ${marker} ${change.key ? `${change.key}:` : ''}`, copy: main});
      if (change.kind !== 'added')
        for (const text of valueLines('was', change.old ?? '(none)')) lines.push({kind: change.kind, text, copy: was});
      if (change.kind !== 'removed')
        for (const text of valueLines('now', change.new ?? '(none)')) lines.push({kind: change.kind, text, copy: now});
    }
  }
  cache.set(diff, lines);
  return lines;
}

export function diffItems(diff: SnapshotDiff): ListItem[] {
  return diffLines(diff).map((line, i) => ({id: String(i), text: line.text}));
}
