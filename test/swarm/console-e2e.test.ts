/**
 * The real console in a real terminal (tmux) against the real swarm: open a service, see its tasks,
 * open its history, diff v1 against live, roll back to v1 through the confirmation dialog, watch
 * the progress panel reach completion and a healthy verdict, and find the new version in history.
 */
import {readFileSync, writeFileSync} from 'node:fs';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ensureBuilt, runBuiltCli} from '../support/built-cli.js';
import {makeTempDir, removeDir} from '../support/store.js';
import {createTestService, dockerOk} from '../support/swarm.js';
import {TmuxSession} from '../support/tmux.js';

let dir: string;
let cli: string;

beforeAll(async () => {
  cli = await ensureBuilt();
  dir = makeTempDir('dokroll-e2e-');
}, 240_000);
afterAll(() => removeDir(dir));

describe('the console in a terminal', () => {
  it('opens a service, diffs v1 against live, rolls back to v1 and shows v3 in the history', async () => {
    const db = `file:${dir}/history.db`;
    const svc = await createTestService({prefix: 'e2e', replicas: 2, env: {APP_MESSAGE: 'one'}, wait: true});
    await runBuiltCli(['snapshot', svc.name, '--db', db]);
    await dockerOk(['service', 'update', '--quiet', '--detach=false', '--env-add', 'APP_MESSAGE=two', svc.name]);
    await runBuiltCli(['snapshot', svc.name, '--db', db]);

    const term = await TmuxSession.start(['node', cli, '--db', db, '--service', svc.name], {
      columns: 100,
      rows: 30,
      env: {DOKROLL_WATCH_SECONDS: '3', DOCKER_HOST: 'unix:///var/run/docker.sock'},
    });
    try {
      await term.waitFor('● connected', {timeoutMs: 20_000});

      // Filter the overview down to the service (listed and selected once loaded) and open it.
      await term.keys('/');
      await term.type(svc.name);
      await term.keys('Enter');
      await term.waitFor(`› ${svc.name}`);
      await term.keys('Enter');
      const tasks = await term.waitFor((s) => (s.match(/v2\s+running\s+● running/g) ?? []).length === 2);
      expect(tasks).toContain('Tasks');
      expect(tasks).toMatch(new RegExp(`${svc.name} · replicated 2/2 · v2`));

      // History, newest first.
      await term.keys('h');
      const history = await term.waitFor(/v1 .*first recorded/);
      expect(history).toMatch(/▶v2/);

      // Diff v1 against live: the env change.
      await term.keys('Down', 'd');
      const diff = await term.waitFor('APP_MESSAGE: one → two');
      expect(diff).toContain('diff v1 → live');
      expect(diff).toContain('Environment');

      // Back to the history, roll back to v1: the dialog starts on Cancel.
      await term.keys('Escape');
      await term.waitFor(/›\s+v1/);
      await term.keys('r');
      const dialog = await term.waitFor('pre-flight passed');
      expect(dialog).toContain(`Roll back ${svc.name} from v2 to v1?`);
      expect(dialog).toMatch(/›\s*Cancel/);
      await term.keys('Down');
      await term.waitFor(/›\s*Roll back\s*$/m);
      await term.keys('Enter');

      await term.waitFor('rollback v2 → v1');
      const done = await term.waitFor('result: healthy', {timeoutMs: 90_000});
      expect(done).toContain('update completed');
      expect(done).toMatch(/2\/2 slots/);
      expect(done).toContain('health watch: ✔ healthy');

      // The rollback is in the history as v3, live.
      await term.keys('Escape');
      const after = await term.waitFor('rolled back to v1', {timeoutMs: 10_000});
      expect(after).toMatch(/▶v3 .*rollback .*good .*rolled back to v1/);

      await term.keys('q');
      await term.waitFor('[exited 0]', {timeoutMs: 5_000});
    } finally {
      await term.kill();
    }
  }, 240_000);

  it("ends with the history file's error (exit 2) when it cannot be used, the file untouched", async () => {
    const db = `${dir}/not-a-history.db`;
    const content = 'notes, not a history database\n';
    writeFileSync(db, content);
    const term = await TmuxSession.start(['node', cli, '--db', db, '--no-record'], {
      columns: 100,
      rows: 30,
      env: {DOCKER_HOST: 'unix:///var/run/docker.sock'},
    });
    try {
      const screen = await term.waitFor('[exited 2]', {timeoutMs: 20_000});
      const text = screen.replace(/\n/g, '');
      expect(text).toContain(`dokroll-tui: Cannot open history database ${db}: it is not a SQLite database`);
      expect(text).not.toContain('crashed');
      expect(readFileSync(db, 'utf8')).toBe(content);
    } finally {
      await term.kill();
    }
  }, 60_000);
});
