/**
 * The built CLI (dist/cli/main.js), as the end-to-end tests run it: built first when missing or
 * older than the sources, one build at a time across test files (flock).
 */
import {execFile} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {REPO_ROOT} from './testbed.js';

export const BUILT_CLI = path.join(REPO_ROOT, 'dist', 'cli', 'main.js');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, {withFileTypes: true})) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

function upToDate(): boolean {
  if (!fs.existsSync(BUILT_CLI)) return false;
  return fs.statSync(BUILT_CLI).mtimeMs >= newestSource(path.join(REPO_ROOT, 'source'));
}

/** Builds dist/ unless it is up to date. */
export async function ensureBuilt(): Promise<string> {
  if (upToDate()) return BUILT_CLI;
  await new Promise<void>((resolve, reject) => {
    execFile(
      'flock',
      ['/tmp/dokroll-build.lock', 'sh', '-c', `node scripts/build.mjs && touch "${BUILT_CLI}"`],
      {cwd: REPO_ROOT, timeout: 180_000},
      (error, stdout, stderr) => (error ? reject(new Error(`build failed: ${stderr}${stdout}`)) : resolve()),
    );
  });
  return BUILT_CLI;
}

/** Runs the built CLI to completion; rejects on a non-zero exit. */
export function runBuiltCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'node',
      [BUILT_CLI, ...args],
      {cwd: REPO_ROOT, env: {...process.env, ...env}, timeout: 120_000},
      (error, stdout, stderr) =>
        error ? reject(new Error(`dokroll-tui ${args.join(' ')} failed: ${stderr || error.message}`)) : resolve(stdout),
    );
  });
}
