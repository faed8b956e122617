/**
 * Terminal escape injection: a real service whose env value and label hold a screen clear, a
 * colour, a window-title change, the alternate screen, a cursor-position query and a raw newline.
 * Every command's text output shows them escaped (no control byte but newlines), `--json` keeps
 * them exact, and the console in a real terminal (tmux) shows them escaped: the raw bytes it writes
 * hold none of them, and the pane title does not change.
 */
import {readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ensureBuilt} from '../support/built-cli.js';
import {runCli, type CliResult} from '../support/cli.js';
import {makeTempDir, removeDir} from '../support/store.js';
import {createTestService, dockerOk, type TestService} from '../support/swarm.js';
import {TmuxSession} from '../support/tmux.js';

const PAYLOAD = 'a\u001b[2Jb\u001b[31mred\u001b]0;pwned\u0007\u001b[?1049h\u001b[6nc\nFORGED: line';
/** How terminalSafe shows it. */
const SHOWN = 'a\\x1b[2Jb\\x1b[31mred\\x1b]0;pwned\\x07\\x1b[?1049h\\x1b[6nc\\nFORGED: line';

let dir: string;
let db: string;
let cli: string;
let svc: TestService;

/** Text output may hold printable characters and newlines only. */
function expectNoControlBytes(result: CliResult) {
  const text = result.stdout + result.stderr;

  expect(text.match(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g) ?? [], text).toEqual([]);
  expect(text).not.toMatch(/^\s*FORGED/m);
}

beforeAll(async () => {
  cli = await ensureBuilt();
  dir = makeTempDir('dokroll-inject-');
  db = `file:${dir}/history.db`;
  svc = await createTestService({prefix: 'inject', health: false, wait: true});
  expect((await runCli(['snapshot', svc.name, '--db', db])).code).toBe(0);
  await dockerOk(
    [
      'service',
      'update',
      '--quiet',
      '--detach=false',
      '--env-add',
      `INJECT=${PAYLOAD}`,
      '--label-add',
      `inject=${PAYLOAD}`,
      svc.name,
    ],
    {timeoutMs: 90_000},
  );
  expect((await runCli(['snapshot', svc.name, '--db', db])).code).toBe(0);
}, 240_000);
afterAll(() => removeDir(dir));

describe('untrusted text never drives the terminal', () => {
  it('diff, history, audit and rollback --dry-run show the payload escaped', async () => {
    const diff = await runCli(['diff', svc.name, 'v1', '--db', db]);
    expect(diff.code, diff.stderr).toBe(0);
    expectNoControlBytes(diff);
    expect(diff.stdout).toContain(`+ INJECT: ${SHOWN}`);
    expect(diff.stdout).toContain(`+ inject: ${SHOWN}`);
    const dry = await runCli(['rollback', svc.name, '--to', 'v1', '--dry-run', '--db', db]);
    expectNoControlBytes(dry);
    expect(dry.stdout).toContain(`- INJECT: ${SHOWN}`);
    for (const args of [
      ['history', svc.name],
      ['history', svc.name, '--offline'],
      ['audit'],
      ['diff', svc.name, 'v1', 'v2'],
    ]) {
      const result = await runCli([...args, '--db', db]);
      expect(result.code, result.stderr).toBe(0);
      expectNoControlBytes(result);
    }
  });

  it('--json keeps the exact value', async () => {
    const diff = await runCli(['diff', svc.name, 'v1', '--db', db, '--json']);
    const env = JSON.parse(diff.stdout).sections.find((s: {section: string}) => s.section === 'env');
    expect(env.changes).toContainEqual({kind: 'added', key: 'INJECT', old: null, new: PAYLOAD});
  });

  it('error messages show control characters of arguments escaped', async () => {
    for (const args of [
      ['history', 'rel\u001b]0;x\u0007x'],
      ['diff', svc.name, 'v1\u001b[2J'],
      ['history', 'a\nFORGED: line'],
      ['rollback', svc.name, '--to', '\u001b[6n'],
    ]) {
      const result = await runCli([...args, '--db', db]);
      expect(result.code).toBe(2);
      expectNoControlBytes(result);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    }
  });

  it('the console shows the payload escaped: no raw control sequence of it reaches the terminal, the title stays', async () => {
    const bytesFile = path.join(dir, 'console-bytes');
    writeFileSync(bytesFile, '');
    const term = await TmuxSession.start(['node', cli, '--db', db, '--service', svc.name, '--no-record'], {
      columns: 200,
      rows: 30,
      env: {DOCKER_HOST: 'unix:///var/run/docker.sock'},
    });
    try {
      await term.recordOutput(bytesFile);
      const title = await term.paneTitle();
      await term.waitFor('● connected', {timeoutMs: 20_000});
      await term.waitFor(svc.name);
      await term.keys('h');
      await term.waitFor(/v1 .*first recorded/);
      await term.keys('Down', 'd');
      const screen = await term.waitFor('INJECT');
      // A long value is shown whole on its own line, under its key (80 columns keep what matters).
      expect(screen).toMatch(/INJECT:\s*\n\s*now /);
      expect(screen).toContain(`now ${SHOWN}`);
      expect(screen).not.toMatch(/^\s*FORGED/m);
      expect(await term.paneTitle()).toBe(title);
      const bytes = readFileSync(bytesFile, 'latin1');
      expect(bytes).toContain('\\x1b]0;pwned');
      for (const raw of ['\u001b]0;pwned', 'pwned\u0007', '\u001b[6n', '\u001b[31mred', 'c\nFORGED', '\u001b[2Jb'])
        expect(bytes).not.toContain(raw);
      await term.keys('q');
      await term.waitFor('[exited 0]');
      expect(await term.paneTitle()).toBe(title);
    } finally {
      await term.kill();
    }
  });
});
