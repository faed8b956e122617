import {describe, expect, test} from 'vitest';
import {osc52} from '../../../source/ui/clipboard.js';

describe('OSC 52', () => {
  test('sets the clipboard to the text as base64 between ESC ] 52 ; c ; and BEL', () => {
    expect(osc52('registry.local/web@sha256:ab')).toBe(
      `\u001b]52;c;${Buffer.from('registry.local/web@sha256:ab').toString('base64')}\u0007`,
    );
  });

  test('holds no control character whatever the text holds (UTF-8 kept)', () => {
    const sequence = osc52('évil\u001b]0;title\u0007\n');
    const payload = sequence.slice('\u001b]52;c;'.length, -1);
    expect(payload).toMatch(/^[A-Za-z0-9+/=]+$/);
    expect(Buffer.from(payload, 'base64').toString('utf8')).toBe('évil\u001b]0;title\u0007\n');
  });
});
