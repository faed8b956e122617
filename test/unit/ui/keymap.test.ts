import {describe, expect, test} from 'vitest';
import {bindingsFor, findBinding, KEYMAP, type ViewName} from '../../../source/ui/keys/keymap.js';
import {helpLines} from '../../../source/ui/keys/help-lines.js';

const VIEWS: ViewName[] = ['services', 'service', 'history', 'diff', 'progress'];
const MUTATING = ['rollback', 'revertRollout', 'lastGoodRollback', 'redeploy', 'snapshot', 'deleteVersion', 'reattach'];

describe('keymap', () => {
  test('binds esc and backspace to back in every view, never to a mutating command', () => {
    for (const view of VIEWS) {
      for (const readOnly of [false, true]) {
        expect(findBinding(view, readOnly, 'escape')?.command).toBe('back');
        expect(findBinding(view, readOnly, 'backspace')?.command).toBe('back');
      }
    }
    expect(
      KEYMAP.filter((b) => b.keys.includes('escape') || b.keys.includes('backspace')).every((b) => !b.mutating),
    ).toBe(true);
  });

  test('marks every command that changes the swarm or the history as mutating', () => {
    for (const binding of KEYMAP) {
      expect(Boolean(binding.mutating), binding.command).toBe(MUTATING.includes(binding.command));
    }
  });

  test('offers no mutating key in read-only mode', () => {
    for (const view of VIEWS) {
      expect(bindingsFor(view, true).filter((b) => b.mutating)).toEqual([]);
      for (const key of ['r', 'R', 's', 'x', 'b']) expect(findBinding(view, true, key)).toBeUndefined();
    }
  });

  test('resolves history keys as the design table says', () => {
    expect(findBinding('history', false, 'r')?.command).toBe('rollback');
    expect(findBinding('history', false, 'R')?.command).toBe('redeploy');
    expect(findBinding('history', false, 'L')?.command).toBe('lastGood');
    expect(findBinding('history', false, 'd')?.command).toBe('diff');
    expect(findBinding('history', false, 'm')?.command).toBe('mark');
    expect(findBinding('history', false, 's')?.command).toBe('snapshot');
    expect(findBinding('services', false, 'q')?.command).toBe('quit');
    expect(findBinding('diff', false, '?')?.command).toBe('help');
  });

  test('lists in the help overlay every binding of the view', () => {
    for (const view of VIEWS) {
      const text = helpLines(view, null).map((l) => l.description);
      for (const b of bindingsFor(view, false)) expect(text).toContain(b.description);
    }
  });
});
