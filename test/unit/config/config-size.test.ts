import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {MAX_CONFIG_BYTES, readConfigFile} from '../../../source/config/config-file.js';
import {ConfigError} from '../../../source/config/errors.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'dokroll-config-size-'));
});
afterEach(() => rmSync(dir, {recursive: true, force: true}));

describe('config file size', () => {
  it('refuses a config file over 1 MiB with one line naming the file and the limit', async () => {
    const path = join(dir, 'config.json');
    // Valid JSON, so only the size can be the reason it is refused.
    writeFileSync(path, `{"readOnly": false, "x": "${'a'.repeat(MAX_CONFIG_BYTES)}"}`);
    const error = await readConfigFile({path, source: 'flag'}).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).exitCode).toBe(2);
    expect((error as ConfigError).message).toMatch(
      /^config file .*config\.json is larger than 1 MiB \(1\.0 MiB\); refused/,
    );
    expect((error as ConfigError).message).not.toContain('\n');
  });

  it('reads a config file of exactly 1 MiB', async () => {
    const path = join(dir, 'config.json');
    const head = '{"readOnly": true, "x": "';
    const tail = '"}';
    writeFileSync(path, head + 'a'.repeat(MAX_CONFIG_BYTES - head.length - tail.length) + tail);
    const contents = await readConfigFile({path, source: 'flag'});
    expect((contents.data as {readOnly: boolean}).readOnly).toBe(true);
  });
});
