/**
 * Turns what Ink's useInput hands over into a list of key presses.
 *
 * Ink 6.8 splits a stdin chunk at escape sequences (so "\u001b[B\u001b[B" arrives as two calls), but
 * plain text between them arrives as ONE call: over SSH a burst like "jjj" or "jj\r" is a single
 * `input`. This splits such input into one key per character, so a burst of N keys is N actions.
 */
import type {Key} from 'ink';

/**
 * Named keys, or the typed character itself ('j', 'G', '/', '?', ' ').
 */
export type KeyName =
  | 'up'
  | 'down'
  | 'left'
  | 'right'
  | 'pageup'
  | 'pagedown'
  | 'home'
  | 'end'
  | 'return'
  | 'escape'
  | 'tab'
  | 'shift-tab'
  | 'backspace'
  | 'ctrl-c'
  | (string & {});

const CONTROL_CHARS: Record<string, KeyName> = {
  '\r': 'return',
  '\n': 'return',
  '\t': 'tab',
  '\u007f': 'backspace',
  '\b': 'backspace',
  '\u0003': 'ctrl-c',
  '\u001b': 'escape',
};

function namedKey(key: Key): KeyName | null {
  if (key.upArrow) return 'up';
  if (key.downArrow) return 'down';
  if (key.leftArrow) return 'left';
  if (key.rightArrow) return 'right';
  if (key.pageUp) return 'pageup';
  if (key.pageDown) return 'pagedown';
  if (key.home) return 'home';
  if (key.end) return 'end';
  if (key.escape) return 'escape';
  if (key.tab) return key.shift ? 'shift-tab' : 'tab';
  // Most terminals send DEL (0x7f) for Backspace, which Ink reports as `delete`.
  if (key.backspace || key.delete) return 'backspace';
  return null;
}

/** One useInput call -> the key presses it holds, in order. */
export function decodeKeys(input: string, key: Key): KeyName[] {
  const named = namedKey(key);
  if (named) return [named];
  if (key.ctrl) {
    if (input === 'c') return ['ctrl-c'];
    return input.length === 1 ? [`ctrl-${input}`] : [];
  }
  if (key.return && input.length <= 1) return ['return'];
  // ESC followed by a character in one chunk reads as Alt+char. The console binds no Alt keys, and
  // over SSH it is usually Esc typed just before the next key: keep both.
  if (key.meta && input.length > 0) return ['escape', ...decodeKeys(input, {...key, meta: false})];
  const keys: KeyName[] = [];
  for (const char of input) {
    const control = CONTROL_CHARS[char];
    if (control) {
      keys.push(control);
    } else if (char >= ' ') {
      keys.push(char);
    }
    // Other control characters (Ctrl+letter inside a burst) carry no meaning here.
  }
  return keys;
}

/** Whether a decoded key is a character the filter can take. */
export function isPrintable(key: KeyName): boolean {
  return [...key].length === 1 && key >= ' ';
}
