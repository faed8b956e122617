import {describe, expect, test} from 'vitest';
import type {Key} from 'ink';
import {decodeKeys} from '../../../source/ui/keys/decode-keys.js';

const NO_KEY: Key = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageDown: false,
  pageUp: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
  meta: false,
  super: false,
  hyper: false,
  capsLock: false,
  numLock: false,
};
const key = (flags: Partial<Key> = {}): Key => ({...NO_KEY, ...flags});

describe('decodeKeys', () => {
  test('splits a burst of letters that arrived in one chunk into one key each', () => {
    expect(decodeKeys('jjjjj', key())).toEqual(['j', 'j', 'j', 'j', 'j']);
  });

  test('splits typed-ahead text with control characters in order', () => {
    expect(decodeKeys('/web\r', key())).toEqual(['/', 'w', 'e', 'b', 'return']);
    expect(decodeKeys('a\u007f\t', key())).toEqual(['a', 'backspace', 'tab']);
  });

  test('maps Ink key flags to named keys', () => {
    expect(decodeKeys('', key({downArrow: true}))).toEqual(['down']);
    expect(decodeKeys('', key({pageUp: true}))).toEqual(['pageup']);
    expect(decodeKeys('', key({escape: true, meta: true}))).toEqual(['escape']);
    expect(decodeKeys('\r', key({return: true}))).toEqual(['return']);
    expect(decodeKeys('', key({tab: true, shift: true}))).toEqual(['shift-tab']);
  });

  test('treats the DEL byte most terminals send for Backspace as backspace', () => {
    expect(decodeKeys('', key({delete: true}))).toEqual(['backspace']);
  });

  test('reports Ctrl-C, also inside a burst', () => {
    expect(decodeKeys('c', key({ctrl: true}))).toEqual(['ctrl-c']);
    expect(decodeKeys('jj\u0003', key())).toEqual(['j', 'j', 'ctrl-c']);
  });

  test('reads ESC followed by a key in the same chunk (Alt+key) as esc, then that key', () => {
    expect(decodeKeys('d', key({meta: true}))).toEqual(['escape', 'd']);
  });

  test('keeps upper-case letters distinct from lower-case ones', () => {
    expect(decodeKeys('G', key({shift: true}))).toEqual(['G']);
    expect(decodeKeys('gG', key())).toEqual(['g', 'G']);
  });
});
