import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {cacheDirectory, cacheFile, cacheProfile, runBundle} from '../../../../source/cli/launcher/code-cache.js';

let dir: string;
let bundle: string;
let cacheDir: string;

function writeBundle(body: string): void {
  fs.writeFileSync(
    bundle,
    `${body}\nmodule.exports.sum = (a, b) => a + b; globalThis.__codeCacheRuns = (globalThis.__codeCacheRuns ?? 0) + 1;\n`,
  );
}

function load(version = '1.0.0', directory = cacheDir) {
  const loaded = runBundle(bundle, {version, directory});
  loaded.saveIfNeeded();
  return loaded.outcome;
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dokroll-code-cache-'));
  bundle = path.join(dir, 'bundle.cjs');
  cacheDir = path.join(dir, 'cache', 'dokroll');
  writeBundle('const answer = 42;');
});
afterEach(() => fs.rmSync(dir, {recursive: true, force: true}));

describe('the V8 code cache of the bundled CLI', () => {
  it('is written on the first run, in a directory only the user can enter, and used on the next', () => {
    expect(load()).toBe('missing');
    expect(fs.statSync(cacheDir).mode & 0o777).toBe(0o700);
    expect(fs.statSync(cacheFile(cacheDir, bundle)).mode & 0o777).toBe(0o600);
    expect(load()).toBe('used');
    expect(fs.readdirSync(cacheDir)).toHaveLength(1);
  });

  it('runs the bundle as CommonJS, with require relative to the bundle', () => {
    fs.writeFileSync(path.join(dir, 'helper.cjs'), 'module.exports = 7;');
    fs.writeFileSync(
      bundle,
      "globalThis.__codeCacheHelper = require('./helper.cjs') + (__dirname === " + JSON.stringify(dir) + ' ? 1 : 0);',
    );
    load();
    expect((globalThis as {__codeCacheHelper?: number}).__codeCacheHelper).toBe(8);
  });

  it('is not used for another content of the bundle (even of the same length) or another version, and is replaced', () => {
    load();
    writeBundle('const answer = 43;');
    expect(load()).toBe('stale');
    expect(load()).toBe('used');
    expect(load('1.0.1')).toBe('stale');
    expect(load('1.0.1')).toBe('used');
  });

  it('that is corrupt is ignored, the bundle still runs, and a good one replaces it', () => {
    load();
    const file = cacheFile(cacheDir, bundle);
    const content = fs.readFileSync(file);
    content[content.length - 10] ^= 0xff;
    fs.writeFileSync(file, content);
    const before = (globalThis as {__codeCacheRuns?: number}).__codeCacheRuns ?? 0;
    expect(load()).toBe('corrupt');
    expect((globalThis as {__codeCacheRuns?: number}).__codeCacheRuns).toBe(before + 1);
    expect(load()).toBe('used');

    fs.writeFileSync(file, 'not a cache at all');
    expect(load()).toBe('corrupt');
    fs.writeFileSync(file, '');
    expect(load()).toBe('corrupt');
    expect(load()).toBe('used');
  });

  it('that cannot be written costs nothing but the cache', () => {
    const blocked = path.join(dir, 'a-file');
    fs.writeFileSync(blocked, '');
    const before = (globalThis as {__codeCacheRuns?: number}).__codeCacheRuns ?? 0;
    expect(load('1.0.0', path.join(blocked, 'dokroll'))).toBe('missing');
    expect(load('1.0.0', path.join(blocked, 'dokroll'))).toBe('missing');
    expect((globalThis as {__codeCacheRuns?: number}).__codeCacheRuns).toBe(before + 2);
  });

  it('in a directory others can write is not trusted (it would become code) and not written', () => {
    load();
    fs.chmodSync(cacheDir, 0o777);
    expect(load()).toBe('untrusted');
    fs.chmodSync(cacheDir, 0o700);
    fs.chmodSync(cacheFile(cacheDir, bundle), 0o666);
    expect(load()).toBe('untrusted');
  });

  it('keeps an entry per command, each written by its own first run', () => {
    const run = (profile: string) => {
      const loaded = runBundle(bundle, {version: '1.0.0', directory: cacheDir, profile});
      loaded.saveIfNeeded();
      return loaded.outcome;
    };
    expect(run('history')).toBe('missing');
    expect(run('rollback')).toBe('missing');
    expect(run('rollback')).toBe('used');
    expect(run('history')).toBe('used');
    expect(fs.readdirSync(cacheDir).sort()).toEqual(
      [cacheFile(cacheDir, bundle, 'history'), cacheFile(cacheDir, bundle, 'rollback')]
        .map((f) => path.basename(f))
        .sort(),
    );
  });

  it("names a run's command by the first argument that is one, global options before it or not", () => {
    const commands = ['history', 'rollback', '__complete'];
    expect(cacheProfile(['rollback', 'web', '--to', 'v3'], commands)).toBe('rollback');
    expect(cacheProfile(['-H', 'ssh://m1', '--db', '/x/h.db', 'rollback', 'history'], commands)).toBe('rollback');
    expect(cacheProfile(['__complete', 'rollback'], commands)).toBe('complete');
    expect(cacheProfile([], commands)).toBe('console');
    expect(cacheProfile(['--host', 'unix:///var/run/docker.sock'], commands)).toBe('console');
    expect(cacheProfile(['--version'], commands)).toBe('help');
    expect(cacheProfile(['nosuch', '--help'], commands)).toBe('help');
  });

  it('lives in $XDG_CACHE_HOME/dokroll, else ~/.cache/dokroll', () => {
    expect(cacheDirectory({XDG_CACHE_HOME: '/x/cache', HOME: '/home/u'})).toBe('/x/cache/dokroll');
    expect(cacheDirectory({XDG_CACHE_HOME: 'relative', HOME: '/home/u'})).toBe('/home/u/.cache/dokroll');
    expect(cacheDirectory({HOME: '/home/u'})).toBe('/home/u/.cache/dokroll');
  });
});
