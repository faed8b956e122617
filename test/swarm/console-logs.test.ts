/**
 * The console model follows a service's logs through the manager's logs endpoint on the real
 * swarm: lines arrive with their timestamps, ANSI escapes shown escaped, and a new line shows up
 * while following.
 */
import {afterAll, beforeAll, describe, expect, it, onTestFinished} from 'vitest';
import {connect} from '../../source/docker/gateway.js';
import type {ConsoleState} from '../../source/services/console-model.js';
import {LiveConsoleModel} from '../../source/services/console/index.js';
import {openStore, type Store} from '../../source/store/index.js';
import {makeTempDir, removeDir} from '../support/store.js';
import {createTestService, testbed, waitFor} from '../support/swarm.js';

const LOCAL = `unix://${testbed.socketPath}`;
let dir: string;
let store: Store;

beforeAll(async () => {
  dir = makeTempDir('dokroll-logs-');
  store = await openStore({url: `file:${dir}/history.db`, env: {}});
});
afterAll(() => {
  store?.close();
  removeDir(dir);
});

const until = <T>(model: LiveConsoleModel, pick: (s: ConsoleState) => T, what: string, timeoutMs = 30_000) =>
  waitFor(() => pick(model.getState()), {what, timeoutMs, intervalMs: 20});

describe('logs in the console model', () => {
  it("follows a service's logs, timestamps kept and escape sequences neutralised", async () => {
    const script = `printf 'plain line\\n\\033[31mred\\033[0m \\033]0;title\\007 line\\n'; n=0; while true; do n=$((n+1)); echo "tick $n"; sleep 1; done`;
    const svc = await createTestService({
      prefix: 'logs',
      replicas: 1,
      health: false,
      publish: false,
      args: ['--entrypoint', 'sh'],
      command: ['-c', script],
      wait: true,
    });
    const model = new LiveConsoleModel(() => connect({host: LOCAL, env: {}}), store, {
      recorder: false,
      services: (n) => n === svc.name,
    }).start();
    onTestFinished(() => model.close());
    await until(model, (s) => s.connection.status === 'connected', 'connected');
    model.followLogs({service: svc.name});

    const logs = await until(
      model,
      (s) => (s.logs?.lines.some((l) => l.text.startsWith('tick')) ? s.logs : null),
      'log lines',
    );
    expect(logs.following).toBe(true);
    const texts = logs.lines.map((l) => l.text);
    expect(texts).toContain('plain line');
    expect(texts).toContain('\\x1b[31mred\\x1b[0m \\x1b]0;title\\x07 line');
    expect(logs.lines.every((l) => /^\d{4}-\d\d-\d\dT/.test(l.at))).toBe(true);
    expect(texts.join('')).not.toContain('\u001b');

    // Following: a later line arrives on the same stream.
    const last = Number(/tick (\d+)/.exec(texts.filter((t) => t.startsWith('tick')).at(-1)!)![1]);
    await until(model, (s) => s.logs?.lines.some((l) => l.text === `tick ${last + 2}`), 'a newer line', 15_000);

    model.followLogs(null);
    await until(model, (s) => s.logs === undefined, 'logs dropped when the view closes', 5_000);
  }, 90_000);
});
