import {readdirSync, readFileSync, statSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';

const SOURCE = path.join(import.meta.dirname, '..', '..', '..', 'source');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? files(full) : /\.tsx?$/.test(name) ? [full] : [];
  });
}

describe('--json error codes', () => {
  it('are all lower-case words joined by hyphens (no snake_case next to kebab-case)', () => {
    const codes = new Set<string>();
    for (const file of files(SOURCE)) {
      const text = readFileSync(file, 'utf8');
      // `super(message, EXIT.x, 'code')` and `new StoreError(message, EXIT.x, 'code')`.
      for (const match of text.matchAll(/EXIT\.\w+,\s*'([^']+)'\)/g)) codes.add(match[1]!);
    }
    expect(codes.size).toBeGreaterThan(10);
    expect([...codes].filter((code) => !/^[a-z]+(-[a-z]+)*$/.test(code))).toEqual([]);
  });
});
