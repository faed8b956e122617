/**
 * Loads the bundled CLI (a CommonJS file) through V8 with a code cache kept in the user's cache
 * directory: a run starts from the bytecode a previous run compiled instead of compiling the
 * bundle again. Node 20 has no compile cache of its own (`module.enableCompileCache` came in 22).
 *
 * The cache is only ever an optimisation: a missing, stale, corrupt, foreign or unwritable cache
 * means the bundle is compiled as without one, and the run goes on. A cache entry is used only when
 * its key (the CLI's version, the bundle's content hash, Node's version and architecture) matches
 * and its payload's hash is intact; V8 checks its own version and flags on top.
 */
import {createHash} from 'node:crypto';
import fs from 'node:fs';
import {createRequire} from 'node:module';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';

const MAGIC = 'dokroll-v8-cache 1';

export interface CodeCacheOptions {
  /** The CLI's version (part of the key). */
  version: string;
  /** Where the cache lives (see cacheDirectory). */
  directory: string;
  /** Which command runs (see cacheProfile): each has an entry of its own. */
  profile?: string;
}

/** What happened to the cache on this run: for tests and benchmarks (DOKROLL_CODE_CACHE_TRACE). */
export type CacheOutcome = 'used' | 'missing' | 'stale' | 'corrupt' | 'rejected' | 'untrusted' | 'disabled';

export interface LoadedBundle {
  outcome: CacheOutcome;
  /** Writes a fresh cache entry when this run could not use one (call late: lazily compiled code is included). */
  saveIfNeeded(): void;
}

/** $XDG_CACHE_HOME/dokroll, or ~/.cache/dokroll. */
export function cacheDirectory(env: NodeJS.ProcessEnv): string {
  const xdg = env.XDG_CACHE_HOME;
  const base = xdg && path.isAbsolute(xdg) ? xdg : path.join(env.HOME || os.homedir(), '.cache');
  return path.join(base, 'dokroll');
}

function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * One entry per installed bundle and command, named after the bundle's path and the command; the key
 * inside says which build it is.
 */
export function cacheFile(directory: string, bundlePath: string, profile?: string): string {
  return path.join(directory, `cli-${sha256(bundlePath).slice(0, 16)}${profile ? `-${profile}` : ''}.v8cache`);
}

/**
 * The cache entry a run uses: its command's. V8 caches the code a run compiled, and a run writes the
 * entry only when it had none, so a cache written by `history` would leave every later `rollback`
 * compiling its own code again. The command is the first argument naming one (`commands`); without
 * one the run is the console, or --version / --help.
 */
export function cacheProfile(argv: readonly string[], commands: readonly string[]): string {
  const command = argv.find((arg) => commands.includes(arg));
  if (command) return command.replace(/[^a-z-]/g, '');
  return argv.some((arg) => /^(-v|--version|-h|--help|help)$/.test(arg)) ? 'help' : 'console';
}

export function cacheKey(version: string, bundleSource: string): string {
  return sha256([MAGIC, version, sha256(bundleSource), process.version, process.arch, process.platform].join('\0'));
}

/** Only a cache the current user owns and nobody else can write is trusted (it becomes code). */
function trusted(stat: fs.Stats): boolean {
  const uid = process.getuid?.();
  return (uid === undefined || stat.uid === uid) && (stat.mode & 0o022) === 0;
}

type Read = {outcome: 'used'; data: Buffer} | {outcome: Exclude<CacheOutcome, 'used' | 'rejected' | 'disabled'>};

/** Header: magic, key, payload hash, each on its own line; then V8's cached data. */
export function readCacheEntry(file: string, key: string): Read {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0));
  } catch {
    return {outcome: 'missing'};
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile() || !trusted(stat) || !trusted(fs.statSync(path.dirname(file)))) return {outcome: 'untrusted'};
    const content = fs.readFileSync(fd);
    const lines: string[] = [];
    let at = 0;
    for (let i = 0; i < 3; i += 1) {
      const end = content.indexOf(0x0a, at);
      if (end < 0 || end - at > 100) return {outcome: 'corrupt'};
      lines.push(content.subarray(at, end).toString('latin1'));
      at = end + 1;
    }
    if (lines[0] !== MAGIC) return {outcome: 'corrupt'};
    if (lines[1] !== key) return {outcome: 'stale'};
    const data = content.subarray(at);
    if (data.length === 0 || sha256(data) !== lines[2]) return {outcome: 'corrupt'};
    return {outcome: 'used', data};
  } catch {
    return {outcome: 'corrupt'};
  } finally {
    fs.closeSync(fd);
  }
}

/** Written to a temporary file and renamed into place, so a concurrent run never reads half of it. */
export function writeCacheEntry(file: string, key: string, data: Buffer): void {
  const directory = path.dirname(file);
  fs.mkdirSync(directory, {recursive: true, mode: 0o700});
  const temp = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(temp, Buffer.concat([Buffer.from(`${MAGIC}\n${key}\n${sha256(data)}\n`, 'latin1'), data]), {
      mode: 0o600,
    });
    fs.renameSync(temp, file);
  } catch (error) {
    fs.rmSync(temp, {force: true});
    throw error;
  }
}

/**
 * Compiles and runs the CommonJS bundle at bundlePath as Node's own loader would (same wrapper
 * arguments, `require` relative to the bundle), with the cached code when there is a usable one.
 */
export function runBundle(bundlePath: string, options: CodeCacheOptions | undefined): LoadedBundle {
  const source = fs.readFileSync(bundlePath, 'utf8');
  let outcome: CacheOutcome = 'disabled';
  let key = '';
  let file = '';
  let cachedData: Buffer | undefined;
  if (options) {
    try {
      key = cacheKey(options.version, source);
      file = cacheFile(options.directory, bundlePath, options.profile);
      const read = readCacheEntry(file, key);
      outcome = read.outcome;
      if (read.outcome === 'used') cachedData = read.data;
    } catch {
      outcome = 'corrupt';
    }
  }
  // An import() in the bundle (none is expected: everything is bundled or required) goes to Node's loader.
  const wrapped = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
  const script = new vm.Script(wrapped, {
    filename: bundlePath,
    cachedData,
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  if (cachedData && script.cachedDataRejected) outcome = 'rejected';
  const module = {exports: {}};
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  run.call(module.exports, module.exports, createRequire(bundlePath), module, bundlePath, path.dirname(bundlePath));
  let saved = false;
  return {
    outcome,
    saveIfNeeded() {
      if (saved || !options || outcome === 'used' || outcome === 'untrusted' || !file) return;
      saved = true;
      try {
        writeCacheEntry(file, key, script.createCachedData());
      } catch {
        // An unwritable cache directory costs the next run its compile time, nothing else.
      }
    },
  };
}
