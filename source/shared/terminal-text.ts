/**
 * Untrusted text made safe for a terminal. Strings from the swarm, a database, a registry or an
 * argument may hold control characters (ESC sequences that clear the screen or set the window title,
 * a raw newline that forges an output line). Before any of them is written to a terminal it passes
 * through `terminalSafe`, which shows each control character escaped (`\x1b`, `\n`, `\t`, `\u009b`)
 * and leaves every printable character, Unicode included, as it is. A backslash stays a backslash:
 * the escaped form is for reading, not for round-tripping (`--json` keeps exact values).
 */

const NAMED: Record<string, string> = {'\n': '\\n', '\r': '\\r', '\t': '\\t'};

// C0 controls, DEL, C1 controls, and the Unicode line/paragraph separators and bidi overrides that
// can reorder or break what is shown.

const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function escapeOne(ch: string): string {
  const named = NAMED[ch];
  if (named !== undefined) return named;
  const code = ch.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** `text` with every control character shown escaped; safe to write to a terminal. */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, escapeOne);
}

/** True when `text` holds nothing `terminalSafe` would change. */
export function isTerminalSafe(text: string): boolean {
  UNSAFE.lastIndex = 0;
  return !UNSAFE.test(text);
}
