import {expect, test} from 'vitest';
import stringWidth from 'string-width';
import {SYMBOLS} from '../../../source/ui/theme/symbols.js';
import {BAR_EMPTY, BAR_FULL} from '../../../source/ui/views/progress-parts.js';

test('every status symbol and bar cell takes exactly one terminal column', () => {
  for (const [name, symbol] of Object.entries({...SYMBOLS, BAR_FULL, BAR_EMPTY})) {
    expect(stringWidth(symbol), `${name} ${symbol}`).toBe(1);
  }
});
