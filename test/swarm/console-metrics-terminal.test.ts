/**
 * The console in a real terminal (tmux, 80×24) against the real swarm: the tasks view shows each
 * task's CPU % and memory, and a rollback's panel shows the new tasks' CPU/memory during the health
 * watch and the last lines of their logs, escaped.
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
  dir = makeTempDir('dokroll-metrics-term-');
}, 240_000);
afterAll(() => removeDir(dir));

const SCRIPT = `trap 'exit 0' TERM; printf "started $LABEL \\\\033]0;pwned\\\\007\\\\n"; n=0; while :; do n=$((n+1)); echo "$LABEL tick $n"; sleep 1 & wait $!; done`;

describe('metrics and logs in the terminal', () => {
  it("shows CPU and memory per task, then the new tasks' metrics and log lines in the rollout panel", async () => {
    const db = `file:${dir}/history.db`;
    const svc = await createTestService({
      prefix: 'mterm',
      replicas: 1,
      health: false,
      publish: false,
      env: {LABEL: 'one'},
      args: ['--entrypoint', 'sh'],
      command: ['-c', SCRIPT],
      wait: true,
    });
    await runBuiltCli(['snapshot', svc.name, '--db', db]);
    await dockerOk(['service', 'update', '--quiet', '--detach=false', '--env-add', 'LABEL=two', svc.name]);
    await runBuiltCli(['snapshot', svc.name, '--db', db]);

    const term = await TmuxSession.start(['node', cli, '--db', db, '--no-record', '--service', svc.name], {
      columns: 80,
      rows: 24,
      env: {DOKROLL_WATCH_SECONDS: '4', DOCKER_HOST: 'unix:///var/run/docker.sock'},
    });
    try {
      await term.waitFor(/1\/1 v2/, {timeoutMs: 20_000});
      await term.keys('Enter');
      const tasks = await term.waitFor(/v2\s+● running .*\d %\s+[\d.]+[KM]iB/, {timeoutMs: 20_000});
      expect(tasks).toContain('CPU MEM');
      expect(tasks).toMatch(/task \w+ on \S+ · cpu [\d.]+ % · mem [\d.]+[KM]iB/);

      await term.keys('h');
      await term.waitFor(/›\s+▶v2/);
      await term.keys('Down', 'r');
      await term.waitFor('pre-flight passed', {timeoutMs: 30_000});
      await term.keys('Down');
      await term.waitFor(/›\s*Roll back\s*$/m);
      await term.keys('Enter');
      const watch = await term.waitFor(
        (s) => /health watch: .*pending/.test(s) && /log 1 │ one tick \d+/.test(s) && /new tasks: cpu/.test(s),
        {timeoutMs: 90_000},
      );
      expect(watch).toMatch(/new tasks: cpu ([\d.]+ %|…) · mem [\d.]+[KM]iB per task \(1 measured\)/);
      const done = await term.waitFor('result: healthy', {timeoutMs: 60_000});
      expect(done).toMatch(/log 1 │ one tick \d+/);
      expect(done).not.toContain('two tick');
      // The title sequence the task printed was shown escaped, never sent to the terminal.
      expect(await term.paneTitle()).not.toContain('pwned');

      await term.keys('Escape');
      await term.waitFor(/▶v3 .*rolled back to v1/, {timeoutMs: 10_000});
      await term.keys('g');
      const history = await term.waitFor(/v3 measured: cpu/, {timeoutMs: 10_000});
      expect(history).toMatch(/v3 measured: cpu [\d.]+ % · mem [\d.]+[KM]iB · 0 restarts/);
      await term.keys('q');
      await term.waitFor('[exited 0]', {timeoutMs: 5_000});
    } finally {
      await term.kill();
    }
  }, 240_000);
});
