import {describe, expect, it} from 'vitest';
import type {SnapshotDiff} from '../../../source/domain/diff.js';
import {diffLines} from '../../../source/ui/state/diff-lines.js';

const OLD = `sha256:${'b6e96e'.padEnd(64, '1')}`;
const NEW = `sha256:${'c9d504'.padEnd(64, '2')}`;

describe('diff lines', () => {
  it("puts a long change's old and new values on their own lines, whole, within 80 columns", () => {
    const diff: SnapshotDiff = {
      changed: true,
      sections: [{section: 'image', title: 'Image', changes: [{kind: 'changed', key: 'image', old: OLD, new: NEW}]}],
    };
    const lines = diffLines(diff).map((l) => l.text);
    expect(lines).toEqual(['Image', '  ~ image:', `    was ${OLD}`, `    now ${NEW}`]);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(80);
  });

  it('wraps a value longer than a line under itself instead of cutting it', () => {
    const value = 'x'.repeat(150);
    const diff: SnapshotDiff = {
      changed: true,
      sections: [{section: 'env', title: 'Environment', changes: [{kind: 'added', key: 'BIG', new: value}]}],
    };
    const lines = diffLines(diff).map((l) => l.text);
    expect(lines[1]).toBe('  + BIG:');
    expect(
      lines
        .slice(2)
        .map((l) => l.trim().replace(/^now /, ''))
        .join(''),
    ).toBe(value);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(80);
  });

  it('keeps a short change on one line', () => {
    const diff: SnapshotDiff = {
      changed: true,
      sections: [
        {
          section: 'env',
          title: 'Environment',
          changes: [{kind: 'changed', key: 'APP_MESSAGE', old: 'one', new: 'two'}],
        },
      ],
    };
    expect(diffLines(diff).map((l) => l.text)).toEqual(['Environment', '  ~ APP_MESSAGE: one → two']);
  });
});
