/**
 * Shell completion for real: the script printed by the built CLI, loaded into bash (the function
 * driven through COMP_WORDS/COMP_CWORD, as bash's completion does) and into an interactive zsh in a
 * terminal (Tab typed), completing commands, flags, services from the daemon and versions from the
 * history of a real swarm.
 */
import {execFile} from 'node:child_process';
import {chmodSync, mkdtempSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {BUILT_CLI, ensureBuilt} from '../support/built-cli.js';
import {runCli} from '../support/cli.js';
import {createTestService, dockerOk} from '../support/swarm.js';
import {shellQuote, TmuxSession} from '../support/tmux.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'dokroll-completion-'));
const bin = path.join(dir, 'bin');
const db = path.join(dir, 'history.db');
let service: string;
/** The service's name without its last characters: a prefix no other service has. */
let prefix: string;

function bash(script: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'bash',
      ['--norc', '--noprofile', '-c', script],
      {env: {...process.env, PATH: `${bin}:${process.env.PATH}`}, timeout: 30_000},
      (error, stdout, stderr) =>
        error ? reject(new Error(`bash failed: ${stderr || error.message}`)) : resolve(stdout),
    );
  });
}

/** COMPREPLY after bash's completion function ran on `words` with the cursor on the last one. */
async function bashComplete(...words: string[]): Promise<string[]> {
  const line = ['dokroll-tui', ...words].map(shellQuote).join(' ');
  const out = await bash(
    `source <(dokroll-tui completion bash)\nCOMP_WORDS=(${line})\nCOMP_CWORD=${words.length}\n_dokroll_tui\nprintf '%s\\n' "\${COMPREPLY[@]}"`,
  );
  return out.split('\n').filter(Boolean);
}

beforeAll(async () => {
  await ensureBuilt();
  // `dokroll-tui` on PATH, as an installed CLI would be.
  await new Promise<void>((resolve, reject) => execFile('mkdir', ['-p', bin], (e) => (e ? reject(e) : resolve())));
  writeFileSync(
    path.join(bin, 'dokroll-tui'),
    `#!/bin/sh\nexec ${shellQuote(process.execPath)} ${shellQuote(BUILT_CLI)} "$@"\n`,
  );
  chmodSync(path.join(bin, 'dokroll-tui'), 0o755);
  service = (await createTestService({prefix: 'compl', health: false, wait: true})).name;
  prefix = service.slice(0, -3);
  expect((await runCli(['snapshot', service, '--db', db])).code).toBe(0);
  await dockerOk(['service', 'update', '--quiet', '--detach', '--env-add', 'COMPLETION=1', service]);
  expect((await runCli(['snapshot', service, '--db', db])).stdout).toMatch(/recorded .* v2/);
}, 180_000);

// Each completion starts the CLI: allow for a loaded machine.
describe('bash completion', {timeout: 120_000}, () => {
  it('registers a completion function for dokroll-tui', async () => {
    expect(await bash('source <(dokroll-tui completion bash)\ncomplete -p dokroll-tui')).toBe(
      'complete -F _dokroll_tui dokroll-tui\n',
    );
  });

  it("completes commands and each command's flags (global ones included)", async () => {
    expect(await bashComplete('hist')).toEqual(['history']);
    expect(await bashComplete('re')).toEqual(['record', 'redeploy']);
    expect(await bashComplete('rollback', service, '--dr')).toEqual(['--dry-run']);
    expect(await bashComplete('--db', db, 'rollback', '--no')).toEqual(['--no-color']);
    expect(await bashComplete('rollback', service, '--order', '')).toEqual(['start-first', 'stop-first']);
  });

  it('completes services from the daemon, before or after global options', async () => {
    expect(await bashComplete('history', prefix)).toEqual([service]);
    expect(await bashComplete('-H', 'unix:///var/run/docker.sock', 'rollback', prefix)).toEqual([service]);
    expect(await bashComplete('--service', prefix)).toEqual([service]);
  });

  it('completes versions from the history named by --db', async () => {
    expect(await bashComplete('--db', db, 'rollback', service, '--to', '')).toEqual(['v2', 'v1']);
    expect(await bashComplete('--db', db, 'diff', service, '')).toEqual(['v2', 'v1']);
    expect(await bashComplete('--db', db, 'diff', service, 'v1', '')).toEqual(['v2', 'v1', 'live']);
  });

  it('completes file names after --db and --config', async () => {
    expect(await bashComplete('--db', path.join(dir, 'hist'))).toContain(db);
    expect(await bashComplete('history', '--config', path.join(dir, 'b'))).toEqual([bin]);
  });

  it("says nothing when the daemon is unreachable, and still offers the history's services", async () => {
    expect(await bashComplete('-H', 'unix:///nonexistent/docker.sock', '--db', db, 'history', prefix)).toEqual([
      service,
    ]);
  });
});

function commandExists(name: string): Promise<boolean> {
  return new Promise((resolve) => execFile('sh', ['-c', `command -v ${name}`], (error) => resolve(!error)));
}

describe('zsh completion, typed in a terminal', () => {
  let zsh: TmuxSession | undefined;
  afterAll(() => zsh?.kill());

  it('completes a command, a service and a version with Tab', async () => {
    // scripts/testbed.sh installs zsh; without it the terminal would only show 'command not found'.
    expect(await commandExists('zsh'), 'zsh is not installed (scripts/testbed.sh installs it)').toBe(true);
    zsh = await TmuxSession.start(['env', `PATH=${bin}:${process.env.PATH}`, 'zsh', '-f'], {columns: 200});
    const wait = {timeoutMs: 60_000};
    await zsh.type('autoload -Uz compinit && compinit -u && source <(dokroll-tui completion zsh) && echo LOADED');
    await zsh.keys('Enter');
    await zsh.waitFor(/^LOADED$/m, wait);
    await zsh.type(`dokroll-tui --db ${db} rollb`);
    await zsh.keys('Tab');
    await zsh.waitFor(`dokroll-tui --db ${db} rollback`, wait);
    // capture-pane drops trailing spaces: the space zsh adds after a completed word is typed over.
    await zsh.type(prefix);
    await zsh.keys('Tab');
    await zsh.waitFor(`rollback ${service}`, wait);
    await zsh.type(' --to v'); // (a leading '-' would be a send-keys flag)
    await zsh.keys('Tab');
    await zsh.waitFor(/v2 +v1|v1 +v2/, wait);
    await zsh.keys('C-u');
    await zsh.type(`dokroll-tui --db ${db} diff ${service} v1 l`);
    await zsh.keys('Tab');
    await zsh.waitFor(`diff ${service} v1 live`, wait);
  }, 240_000);
});
