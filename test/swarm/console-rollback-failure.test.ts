/**
 * The real console in a real terminal (tmux, 80×24) against the real swarm: y copies the selected
 * version's image with OSC 52 (the bytes on the terminal) and shows it whole; a rollback to a
 * version whose health check fails ends with the failure's cause whole on screen, the failed slot
 * ✖ and the next steps offered (b revert, L last good), b going through the rollback dialog's
 * pre-flight; Ctrl-L redraws the rollback panel whole.
 */
import {existsSync, readFileSync} from 'node:fs';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ensureBuilt} from '../support/built-cli.js';
import {openHistoryBed, type HistoryBed} from '../support/history-bed.js';
import {makeTempDir, removeDir} from '../support/store.js';
import {createTestService} from '../support/swarm.js';
import {TmuxSession} from '../support/tmux.js';

let bed: HistoryBed;
let cli: string;
let dir: string;

beforeAll(async () => {
  cli = await ensureBuilt();
  bed = await openHistoryBed('console-failure');
  dir = makeTempDir('dokroll-console-failure-');
}, 240_000);
afterAll(async () => {
  await bed?.close();
  removeDir(dir);
});

/** The screen's lines joined as the wrapped text they show (trailing blanks dropped). */
const joined = (screen: string): string =>
  screen
    .split('\n')
    .map((line) => line.trimEnd())
    .join(' ');

/** The screen with every number replaced (clocks and ages move between two captures). */
const shape = (screen: string): string => screen.replace(/\d+/g, 'N');

describe('a failed rollback in the console at 80×24', () => {
  it('shows the cause whole, marks the slot ✖, offers b and L; y copies with OSC 52; Ctrl-L redraws the panel', async () => {
    const svc = await createTestService({
      prefix: 'cf',
      monitorMs: 200,
      replicas: 2,
      healthRetries: 3,
      env: {APP_MESSAGE: 'one'},
      wait: true,
    });
    const {bad: badRow} = await bed.recordUnhealthyVersion(svc.name);
    const badImage = badRow.imageDigest ?? badRow.imageRef;

    const output = `${dir}/terminal-output`;
    const term = await TmuxSession.start(['node', cli, '--db', bed.db, '--service', svc.name], {
      columns: 80,
      rows: 24,
      env: {DOKROLL_WATCH_SECONDS: '3', DOCKER_HOST: 'unix:///var/run/docker.sock'},
    });
    try {
      await term.recordOutput(output);
      await term.waitFor('● connected', {timeoutMs: 20_000});
      await term.keys('/');
      await term.type(svc.name);
      await term.keys('Enter');
      await term.waitFor(/› cf-/);
      await term.keys('Enter', 'h');
      await term.waitFor(/v1 .*first recorded|v1 /);
      await term.keys('Down');
      await term.waitFor(/›\s*v2/);

      // y: the image goes to the clipboard as OSC 52, and shows whole at the bottom.
      await term.keys('y');
      const copied = await term.waitFor("copied v2's image");
      expect(joined(copied).replace(/ /g, '')).toContain(`copiedv2'simage:${badImage}`.replace(/ /g, ''));
      const osc = `\u001b]52;c;${Buffer.from(badImage, 'utf8').toString('base64')}\u0007`;
      await waitForFile(output, osc);

      // Roll back to v2 through the dialog.
      await term.keys('r');
      await term.waitFor('pre-flight passed');
      await term.keys('Down');
      await term.waitFor(/›\s*Roll back\s*$/m);
      await term.keys('Enter');
      await term.waitFor('rollback v3 → v2');
      const failed = await term.waitFor(/result: failed/, {timeoutMs: 150_000, intervalMs: 250});
      const text = joined(failed);
      // The cause, whole: the container's failed health check and its output.
      expect(text, failed).toMatch(/✖ slot \d: container unhealthy, health check failed\b/);
      expect(text, failed).toMatch(/health check failed: .*\(check exit code \d+\)/);
      // The failed slot is ✖ (not "preparing" with a bar nearly full).
      expect(
        failed.split('\n').some((line) => /^\s+\d\s+.*✖\s*$/.test(line)),
        failed,
      ).toBe(true);
      expect(failed).not.toContain('starts when the update has converged');
      // The next steps, in the panel and in the footer.
      expect(text).toContain('next: b revert to v3, the version live before');
      const hints = failed.split('\n')[22] ?? '';
      expect(hints, failed).toMatch(/b revert {2}L last good/);
      for (const line of failed.split('\n')) expect(line.length).toBeLessThanOrEqual(80);

      // Ctrl-L in the panel redraws it whole: a line scribbled over the frame is gone.
      const before = await term.screen();
      await term.scribble('\u001b[4;1HSTALE ROW FROM ANOTHER PROGRAM');
      await term.waitFor('STALE ROW FROM ANOTHER PROGRAM');
      await term.keys('C-l');
      await term.waitFor(
        (s) =>
          !s.includes('STALE ROW') &&
          shape(s).split('\n').slice(0, 3).join() === shape(before).split('\n').slice(0, 3).join(),
        {timeoutMs: 5_000},
      );

      // b: back to v3 through the same pre-flight and confirmation (focus on Cancel).
      await term.keys('b');
      const dialog = await term.waitFor('pre-flight passed', {timeoutMs: 30_000});
      expect(dialog).toContain(`Roll back ${svc.name} from v2 to v3?`);
      expect(dialog).toMatch(/›\s*Cancel/);
      expect(dialog).toContain('Roll back, revert automatically on failure');
      await term.keys('Escape');
      await term.waitFor('result: failed');

      await term.keys('q');
      await term.waitFor('[exited 0]', {timeoutMs: 5_000});
    } finally {
      await term.kill();
    }
  }, 300_000);
});

async function waitForFile(file: string, text: string, timeoutMs = 5_000): Promise<void> {
  const started = Date.now();
  for (;;) {
    const content = existsSync(file) ? readFileSync(file, 'latin1') : '';
    if (content.includes(text)) return;
    if (Date.now() - started > timeoutMs) throw new Error(`the terminal never received ${JSON.stringify(text)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
