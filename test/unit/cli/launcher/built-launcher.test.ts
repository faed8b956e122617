import {execFile} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ensureBuilt} from '../../../support/built-cli.js';

let cli: string;
let dir: string;

function version(cacheHome: string, args = ['--version']): Promise<{stdout: string; stderr: string; code: number}> {
  return new Promise((resolve) => {
    execFile(
      'node',
      [cli, ...args],
      {env: {...process.env, XDG_CACHE_HOME: cacheHome, DOKROLL_CODE_CACHE_TRACE: '1'}},
      (error, stdout, stderr) => resolve({stdout, stderr, code: error ? Number(error.code ?? 1) : 0}),
    );
  });
}

beforeAll(async () => {
  cli = await ensureBuilt();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dokroll-launcher-'));
}, 180_000);
afterAll(() => fs.rmSync(dir, {recursive: true, force: true}));

describe('the built CLI with its code cache', () => {
  it('writes the cache on its first run and starts from it on the next', async () => {
    const home = path.join(dir, 'fresh');
    expect(await version(home)).toEqual({stdout: '0.1.0\n', stderr: 'code cache: missing\n', code: 0});
    expect(fs.statSync(path.join(home, 'dokroll')).mode & 0o777).toBe(0o700);
    expect(await version(home)).toEqual({stdout: '0.1.0\n', stderr: 'code cache: used\n', code: 0});
  });

  it("gives each command a cache of its own: --version's does not stand in for a rollback's", async () => {
    const home = path.join(dir, 'per-command');
    await version(home);
    const rollback = ['rollback', '--help'];
    expect((await version(home, rollback)).stderr).toBe('code cache: missing\n');
    expect((await version(home, rollback)).stderr).toBe('code cache: used\n');
    expect(fs.readdirSync(path.join(home, 'dokroll'))).toHaveLength(2);
  });

  it('runs as usual when the cache is corrupt, and repairs it', async () => {
    const home = path.join(dir, 'corrupt');
    await version(home);
    const [entry] = fs.readdirSync(path.join(home, 'dokroll'));
    const file = path.join(home, 'dokroll', entry!);
    const content = fs.readFileSync(file);
    fs.writeFileSync(file, content.subarray(0, content.length / 2));
    expect(await version(home)).toEqual({stdout: '0.1.0\n', stderr: 'code cache: corrupt\n', code: 0});
    expect(await version(home)).toEqual({stdout: '0.1.0\n', stderr: 'code cache: used\n', code: 0});
  });

  it('runs as usual when the cache directory cannot be created', async () => {
    const blocked = path.join(dir, 'a-file');
    fs.writeFileSync(blocked, '');
    expect(await version(blocked)).toEqual({stdout: '0.1.0\n', stderr: 'code cache: missing\n', code: 0});
    expect(await version(blocked)).toEqual({stdout: '0.1.0\n', stderr: 'code cache: missing\n', code: 0});
  });
});
