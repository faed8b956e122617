import {describe, expect, it} from 'vitest';
import {isTerminalSafe, terminalSafe} from '../../../source/shared/terminal-text.js';

describe('terminalSafe', () => {
  it('shows escape sequences escaped instead of sending them', () => {
    expect(terminalSafe('a\u001b[2Jb')).toBe('a\\x1b[2Jb');
    expect(terminalSafe('\u001b]0;pwned\u0007')).toBe('\\x1b]0;pwned\\x07');
  });

  it('shows newlines, carriage returns and tabs by name so a value cannot forge a line', () => {
    expect(terminalSafe('x\n+ FORGED=1\r\t')).toBe('x\\n+ FORGED=1\\r\\t');
  });

  it('escapes DEL, C1 controls and bidi overrides', () => {
    expect(terminalSafe('\u007f\u009b\u202e')).toBe('\\x7f\\x9b\\u202e');
  });

  it('leaves printable text, Unicode and symbols untouched', () => {
    const text = 'web ● running ✔ héllo 日本 sha256:abc\\n';
    expect(terminalSafe(text)).toBe(text);
    expect(isTerminalSafe(text)).toBe(true);
    expect(isTerminalSafe('a\u001bb')).toBe(false);
  });
});
