import {readdirSync, readFileSync, statSync} from 'node:fs';
import path from 'node:path';
import {render} from 'ink-testing-library';
import {describe, expect, it} from 'vitest';
import {Text} from '../../../source/ui/components/SafeText.js';

const UI = path.join(import.meta.dirname, '..', '..', '..', 'source', 'ui');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? files(full) : /\.tsx?$/.test(name) ? [full] : [];
  });
}

describe('the console text choke point', () => {
  it('shows control characters of string children escaped, nested or not', () => {
    const ui = render(
      <Text>
        name {'a\u001b]0;pwned\u0007b'} <Text>{'x\ny'}</Text>
      </Text>,
    );
    const frame = ui.lastFrame() ?? '';
    expect(frame).toContain('name a\\x1b]0;pwned\\x07b x\\ny');
    expect(frame).not.toContain('\u0007');
  });

  it('is the only place in the console that uses Ink’s Text', () => {
    const offenders = files(UI).filter(
      (file) =>
        !file.endsWith('SafeText.tsx') &&
        /import\s*\{[^}]*\bText\b[^}]*\}\s*from\s*'ink'/.test(readFileSync(file, 'utf8')),
    );
    expect(offenders).toEqual([]);
  });
});
