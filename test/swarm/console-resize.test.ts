/**
 * The real console in a real terminal (tmux) against the real swarm, resized: a width change clears
 * and redraws the whole screen (no stale rows of the wider frame, one footer, no line the terminal
 * wrapped), in the history and in the rollback panel; Ctrl-L redraws the whole screen. The rollback
 * panel's clocks count every second meanwhile.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ensureBuilt, runBuiltCli} from '../support/built-cli.js';
import {makeTempDir, removeDir} from '../support/store.js';
import {createTestService, dockerOk} from '../support/swarm.js';
import {TmuxSession} from '../support/tmux.js';

let dir: string;
let cli: string;

beforeAll(async () => {
  cli = await ensureBuilt();
  dir = makeTempDir('dokroll-resize-');
}, 240_000);
afterAll(() => removeDir(dir));

/** The screen with every number replaced (ages and clocks move between two captures). */
const shape = (screen: string): string => screen.replace(/\d+/g, 'N');

/** What a clean 80×24 frame looks like: the header on row 1, the key hints on row 23, nothing below. */
function expectCleanFrame(screen: string): void {
  const lines = screen.split('\n').slice(0, 24);
  expect(lines[0], screen).toMatch(/^dokroll ● connected/);
  const hints = lines.flatMap((line, i) => (/\? help {2}q quit\s*$/.test(line) ? [i] : []));
  expect(hints, screen).toEqual([22]);
  expect(lines[23]?.trim() ?? '', screen).toBe('');
  for (const line of lines) expect(line.length, screen).toBeLessThanOrEqual(80);
}

describe('the console in a resized terminal', () => {
  it('redraws the history and the rollback panel whole after 120×20 then 80×24, and on Ctrl-L', async () => {
    const db = `file:${dir}/history.db`;
    const svc = await createTestService({
      prefix: 'rz',
      replicas: 1,
      env: {APP_MESSAGE: 'one'},
      health: false,
      wait: true,
    });
    await runBuiltCli(['snapshot', svc.name, '--db', db]);
    await dockerOk(['service', 'update', '--quiet', '--detach=false', '--env-add', 'APP_MESSAGE=two', svc.name]);
    await runBuiltCli(['snapshot', svc.name, '--db', db]);

    const term = await TmuxSession.start(['node', cli, '--db', db, '--service', svc.name], {
      columns: 80,
      rows: 24,
      env: {DOKROLL_WATCH_SECONDS: '2', DOCKER_HOST: 'unix:///var/run/docker.sock'},
    });
    try {
      await term.waitFor('● connected', {timeoutMs: 20_000});
      await term.keys('/');
      await term.type(svc.name);
      await term.keys('Enter');
      await term.waitFor(/› rz-/);
      await term.keys('Enter', 'h');
      await term.waitFor(/v1 .*first recorded/);
      const before = await term.screen();
      expectCleanFrame(before);

      await term.resize(120, 20);
      await term.waitFor((s) => /\? help {2}q quit\s*$/m.test(s) && s.split('\n')[18]?.includes('q quit') === true);
      await term.resize(80, 24);
      const after = await term.waitFor((s) => shape(s) === shape(before), {timeoutMs: 5_000});
      expectCleanFrame(after);

      // Ctrl-L redraws the whole screen: a line scribbled over the frame is gone. (A redraw the
      // resize above still had pending may wipe the line first: it is scribbled again until seen.)
      for (let attempt = 1; ; attempt++) {
        await term.scribble('\u001b[12;1HSTALE ROW FROM ANOTHER PROGRAM');
        try {
          await term.waitFor('STALE ROW FROM ANOTHER PROGRAM', {timeoutMs: 3_000});
          break;
        } catch (error) {
          if (attempt === 5) throw error;
        }
      }
      await term.keys('C-l');
      expectCleanFrame(await term.waitFor((s) => shape(s) === shape(before), {timeoutMs: 5_000}));

      // The rollback panel, resized while it follows the rollout and after its verdict.
      await term.keys('Down', 'r');
      await term.waitFor('pre-flight passed');
      await term.keys('Down');
      await term.waitFor(/›\s*Roll back\s*$/m);
      await term.keys('Enter');
      await term.waitFor('rollback v2 → v1');
      await term.resize(120, 20);
      await term.resize(80, 24);
      // Meanwhile the clocks tick every second, whatever the rollout reports: elapsed counts on.
      const elapsed = new Set<string>();
      const done = await term.waitFor(
        (s) => {
          const shown = /elapsed (\S+) ·/.exec(s)?.[1];
          if (shown && !/result:/.test(s)) elapsed.add(shown);
          return /result: \w+/.test(s);
        },
        {timeoutMs: 120_000, intervalMs: 250},
      );
      expect(elapsed.size, [...elapsed].join(' ')).toBeGreaterThanOrEqual(3);
      expectCleanFrame(done);
      await term.resize(120, 20);
      await term.waitFor((s) => s.split('\n')[18]?.includes('q quit') === true);
      await term.resize(80, 24);
      const settled = await term.waitFor((s) => shape(s) === shape(done), {timeoutMs: 5_000});
      expectCleanFrame(settled);

      await term.keys('q');
      await term.waitFor('[exited 0]', {timeoutMs: 5_000});
    } finally {
      await term.kill();
    }
  }, 240_000);
});
