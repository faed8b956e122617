/**
 * Runs the built CLI (`dist/cli/main.js`, built by `npm test` before vitest starts) as a child
 * process, the way an operator or a script would.
 */
import {spawn} from 'node:child_process';
import {existsSync} from 'node:fs';
import path from 'node:path';
import {REPO_ROOT} from './testbed.js';

export const CLI = path.join(REPO_ROOT, 'dist', 'cli', 'main.js');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: NodeJS.ProcessEnv;
  input?: string;
  timeoutMs?: number;
}

export function cliEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = {...process.env, ...extra};
  delete env.FORCE_COLOR;
  if (!('DOCKER_HOST' in extra)) delete env.DOCKER_HOST;
  return env;
}

export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run 'npx tsc -p tsconfig.build.json' first`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: cliEnv(options.env),
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
      resolve({code, signal, stdout, stderr});
    });
    child.stdin.end(options.input ?? '');
  });
}

/** Start the CLI and keep it running (for `record`); returns the child and collected output. */
export function startCli(args: string[], options: CliOptions = {}) {
  const child = spawn(process.execPath, [CLI, ...args], {env: cliEnv(options.env), stdio: ['ignore', 'pipe', 'pipe']});
  const output = {stdout: '', stderr: ''};
  child.stdout.on('data', (chunk) => (output.stdout += chunk));
  child.stderr.on('data', (chunk) => (output.stderr += chunk));
  const exited = new Promise<{code: number | null; signal: NodeJS.Signals | null}>((resolve) =>
    child.on('close', (code, signal) => resolve({code, signal})),
  );
  return {child, output, exited};
}
