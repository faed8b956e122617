/**
 * A rollback whose console was killed mid-rollout, in a real terminal against the real swarm: the
 * next console finds it open in the journal, marks it in the services list and on the service,
 * reattaches with `p` to the verdict, and the result is filed as the rollback (not as an ordinary
 * recorded version by the console's recorder).
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
  dir = makeTempDir('dokroll-reattach-');
}, 240_000);
afterAll(() => removeDir(dir));

const ENV = {DOKROLL_WATCH_SECONDS: '3', DOCKER_HOST: 'unix:///var/run/docker.sock'};

describe('an interrupted rollback in the console', () => {
  it('is shown after the console was killed mid-rollback, and p reattaches to the verdict', async () => {
    const db = `file:${dir}/history.db`;
    const svc = await createTestService({
      prefix: 'reattach',
      replicas: 2,
      env: {APP_MESSAGE: 'one'},
      monitorMs: 1500,
      healthRetries: 5,
      wait: true,
    });
    await runBuiltCli(['snapshot', svc.name, '--db', db]);
    await dockerOk(['service', 'update', '--quiet', '--detach=false', '--env-add', 'APP_MESSAGE=two', svc.name]);
    await runBuiltCli(['snapshot', svc.name, '--db', db]);
    const args = ['node', cli, '--db', db, '--service', svc.name];

    const first = await TmuxSession.start(args, {columns: 100, rows: 30, env: ENV});
    try {
      await first.waitFor(`› ${svc.name}`, {timeoutMs: 20_000});
      await first.keys('h');
      await first.waitFor(/v1 .*first recorded/);
      await first.keys('Down', 'r');
      await first.waitFor('pre-flight passed');
      await first.keys('Down', 'Enter');
      await first.waitFor(/rollback v2 → v1[\s\S]*0\/2 slots/);
    } finally {
      // The operator's connection drops: the console dies with the rollout under way.
      await first.kill();
    }

    const second = await TmuxSession.start(args, {columns: 100, rows: 30, env: ENV});
    try {
      const list = await second.waitFor(`⚠ ${svc.name}`, {timeoutMs: 20_000});
      expect(list).toContain('⚠ interrupted');
      await second.keys('Enter');
      const banner = await second.waitFor('interrupted rollback v2 → v1');
      expect(banner).toContain('p reattaches');
      await second.keys('p');
      await second.waitFor('rollback v2 → v1');
      const done = await second.waitFor('result: healthy', {timeoutMs: 90_000}).catch(async (error: Error) => {
        const ps = await dockerOk([
          'service',
          'ps',
          '--no-trunc',
          '--format',
          '{{.Name}} {{.CurrentState}} {{.Error}}',
          svc.name,
        ]);
        throw new Error(`${error.message}\n${ps}`);
      });
      expect(done).toContain('health watch: ✔ healthy');
      expect(done).toContain('2/2 slots');

      // Filed as the rollback, by the reattached watch: not as a plain recorded version.
      await second.keys('Escape', 'h');
      const history = await second.waitFor('rolled back to v1', {timeoutMs: 10_000});
      expect(history).toMatch(/▶v3 .*rollback .*good .*rolled back to v1/);
      expect(history).not.toMatch(/v4 /);
      await second.keys('Escape');
      const service = await second.waitFor('Tasks');
      expect(service).not.toContain('interrupted');
    } finally {
      await second.kill();
    }
  }, 240_000);
});
