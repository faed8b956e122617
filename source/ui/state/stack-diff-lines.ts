/**
 * A stack diff as lines of text: services added (+) and removed (-), then each changed service (~)
 * with its sectioned diff indented under it, then the unchanged ones. Readable without colour.
 */
import type {StackDiff} from '../../services/console-model.js';
import type {ListItem} from '../list/list-reducer.js';
import {type DiffLine, diffLines} from './diff-lines.js';

const cache = new WeakMap<StackDiff, DiffLine[]>();
const versionLabel = (version: number | null) => (version === null ? 'unrecorded' : `v${version}`);

export function stackDiffLines(diff: StackDiff): DiffLine[] {
  const cached = cache.get(diff);
  if (cached) return cached;
  const lines: DiffLine[] = [];
  if (diff.added.length + diff.removed.length + diff.changed.length === 0)
    lines.push({kind: 'note', text: 'no differences'});
  for (const a of diff.added) lines.push({kind: 'added', text: `+ service ${a.service} (${versionLabel(a.version)})`});
  for (const r of diff.removed)
    lines.push({kind: 'removed', text: `- service ${r.service} (${versionLabel(r.version)})`});
  for (const c of diff.changed) {
    lines.push({kind: 'section', text: `~ service ${c.service}: ${versionLabel(c.from)} → ${versionLabel(c.to)}`});
    for (const line of diffLines(c.diff)) lines.push({kind: line.kind, text: `  ${line.text}`});
  }
  if (diff.unchanged.length > 0) lines.push({kind: 'note', text: `unchanged: ${diff.unchanged.join(', ')}`});
  cache.set(diff, lines);
  return lines;
}

export function stackDiffItems(diff: StackDiff): ListItem[] {
  return stackDiffLines(diff).map((line, i) => ({id: String(i), text: line.text}));
}
