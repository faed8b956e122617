/**
 * Runs the built CLI (`dist/cli/main.js`, built by `npm test` before vitest starts) as a child
 * process, the way an operator or a script would. (`ensureBuilt()` from built-cli.ts rebuilds it
 * when the sources are newer, for runs outside `npm test`.) expectOneLineError checks the house's
 * promise for bad input: one line naming the problem, the exit code, no stack trace.
 */
import {spawn} from 'node:child_process';
import {existsSync} from 'node:fs';
import path from 'node:path';
import {expect} from 'vitest';
import {REPO_ROOT} from './testbed.js';
import {waitFor} from './wait.js';

export const CLI = path.join(REPO_ROOT, 'dist', 'cli', 'main.js');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout lines that are JSON objects, in order (for the one-object-per-line `--json` output). */
  json: Record<string, unknown>[];
  durationMs: number;
}

export interface CliOptions {
  env?: NodeJS.ProcessEnv;
  input?: string;
  timeoutMs?: number;
  /** History database, passed as DOKROLL_DB. */
  db?: string;
}

/** The run failed with `code` and one line on stderr matching `pattern` (a string: contained), no stack trace. */
export function expectOneLineError(result: CliResult, code: number, pattern: RegExp | string): string {
  expect(result.code, result.stdout + result.stderr).toBe(code);
  const lines = result.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  if (typeof pattern === 'string') expect(lines[0]).toContain(pattern);
  else expect(lines[0]).toMatch(pattern);
  expect(result.stderr).not.toMatch(/\n\s+at /);
  return lines[0]!;
}

/** The JSON objects among `text`'s lines. */
export function jsonLines(text: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      out.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // not a JSON line
    }
  }
  return out;
}

export function cliEnv(extra: NodeJS.ProcessEnv = {}, db?: string): NodeJS.ProcessEnv {
  const env = {...process.env, ...extra};
  if (db !== undefined) env.DOKROLL_DB = db;
  delete env.FORCE_COLOR;
  if (!('DOCKER_HOST' in extra)) delete env.DOCKER_HOST;
  return env;
}

export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run 'npm run build' first`);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: cliEnv(options.env, options.db),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({code, signal, stdout, stderr, json: jsonLines(stdout), durationMs: Date.now() - started});
    });
    child.stdin.end(options.input ?? '');
  });
}

/**
 * Start the CLI and keep it running (for `record`, or to interrupt a rollback); returns the child,
 * the output collected so far, `exited`, and `result` (the whole run, as runCli gives it).
 */
export function startCli(args: string[], options: CliOptions = {}) {
  const started = Date.now();
  const child = spawn(process.execPath, [CLI, ...args], {
    env: cliEnv(options.env, options.db),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = {stdout: '', stderr: ''};
  child.stdout.on('data', (chunk) => (output.stdout += chunk));
  child.stderr.on('data', (chunk) => (output.stderr += chunk));
  const exited = new Promise<{code: number | null; signal: NodeJS.Signals | null}>((resolve) =>
    child.on('close', (code, signal) => resolve({code, signal})),
  );
  const result: Promise<CliResult> = exited.then(({code, signal}) => ({
    code,
    signal,
    ...output,
    json: jsonLines(output.stdout),
    durationMs: Date.now() - started,
  }));
  /** The first `--json` line matching `predicate`. */
  const waitForJson = (predicate: (line: Record<string, unknown>) => boolean, timeoutMs = 60_000) =>
    waitFor(() => jsonLines(output.stdout).find(predicate) ?? null, {
      timeoutMs,
      intervalMs: 50,
      what: `a matching JSON line from dokroll-tui ${args.join(' ')} (stderr: ${output.stderr.slice(-300)})`,
    });
  return {child, output, exited, result, waitForJson};
}
