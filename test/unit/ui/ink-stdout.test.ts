import {expect, test} from 'vitest';
import {fixIncrementalUpdate} from '../../../source/ui/ink-stdout.js';

test('adds the missing row to an incremental update that starts by moving up', () => {
  expect(fixIncrementalUpdate('\u001b[22A\u001b[E\u001b[1Gtext')).toBe('\u001b[23A\u001b[E\u001b[1Gtext');
  expect(fixIncrementalUpdate('\u001b[5A\u001b[1Gtext\u001b[K\n')).toBe('\u001b[6A\u001b[1Gtext\u001b[K\n');
});

test('leaves every other write alone', () => {
  for (const chunk of ['\u001b[2K\u001b[1A\u001b[2K\u001b[G\u001b[3A', 'frame\n', '\u001b[?2026h', '\u001b[3Aabc']) {
    expect(fixIncrementalUpdate(chunk)).toBe(chunk);
  }
});
