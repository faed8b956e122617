/**
 * CPU and memory of tasks, and the new tasks' logs, in the console model on the real swarm: stats
 * are sampled only while the tasks view asks for them; a rollback's health watch shows the new tasks'
 * CPU/memory and the last lines of their logs (escaped), and records the means with the version,
 * which the history (CLI, --json) shows beside the version measured before it.
 */
import {afterAll, beforeAll, describe, expect, it, onTestFinished} from 'vitest';
import {connect} from '../../source/docker/gateway.js';
import type {ConsoleState} from '../../source/services/console-model.js';
import {LiveConsoleModel} from '../../source/services/console/index.js';
import {openStore, type Store} from '../../source/store/index.js';
import {ensureBuilt} from '../support/built-cli.js';
import {runCli} from '../support/cli.js';
import {makeTempDir, removeDir} from '../support/store.js';
import {createTestService, dockerOk, sleep, testbed, waitFor} from '../support/swarm.js';

const LOCAL = `unix://${testbed.socketPath}`;
let dir: string;
let store: Store;

beforeAll(async () => {
  dir = makeTempDir('dokroll-metrics-');
  store = await openStore({url: `file:${dir}/history.db`, env: {}});
});
afterAll(() => {
  store?.close();
  removeDir(dir);
});

function openModel(service: () => string): LiveConsoleModel {
  const model = new LiveConsoleModel(() => connect({host: LOCAL, env: {}}), store, {
    recorder: false,
    services: (n) => n === service(),
    rolloutWatchMs: 3_000,
    statsMs: 300,
  }).start();
  onTestFinished(() => model.close());
  return model;
}

const until = <T>(model: LiveConsoleModel, pick: (s: ConsoleState) => T, what: string, timeoutMs = 30_000) =>
  waitFor(() => pick(model.getState()), {what, timeoutMs, intervalMs: 20});

/** A task that logs a line at start (with an escape sequence) and a tick every second; stops at once on TERM. */
const LOGGING = ['--entrypoint', 'sh'];
const SCRIPT = `trap 'exit 0' TERM; printf "started $LABEL \\033[31mred\\033[0m\\n"; n=0; while :; do n=$((n+1)); echo "$LABEL tick $n"; sleep 1 & wait $!; done`;

describe('task metrics in the console', () => {
  it('samples CPU and memory of the tasks on screen, and stops when no tasks view is shown', async () => {
    const svc = await createTestService({prefix: 'stats', replicas: 2, health: false, publish: false, wait: true});
    const model = openModel(() => svc.name);
    await until(model, (s) => s.services.some((x) => x.name === svc.name), 'the service');
    model.watchService(svc.name);
    await until(
      model,
      (s) => (s.tasks[svc.name]?.filter((t) => t.state === 'running').length ?? 0) === 2,
      'two running tasks',
    );
    // Tasks listed, but no tasks view asked for stats: none are sampled.
    await sleep(700);
    expect(model.getState().stats).toBeUndefined();

    model.watchStats(svc.name);
    const stats = await until(
      model,
      (s) => {
        const all = Object.values(s.stats?.service === svc.name ? s.stats.tasks : {});
        return all.length === 2 && all.every((m) => m.kind === 'measured' && m.cpuPercent !== null) ? all : null;
      },
      'CPU % and memory of both tasks',
    );
    for (const m of stats) {
      if (m.kind !== 'measured') throw new Error('a task of the local node was not measured');
      expect(m.cpuPercent).toBeGreaterThanOrEqual(0);
      expect(m.memoryBytes).toBeGreaterThan(100_000);
    }

    model.watchStats(null);
    await until(model, (s) => s.stats === undefined, 'stats dropped when the tasks view closes', 5_000);
    // Asserting that nothing happens: no sampling comes back while no tasks view is shown.
    await sleep(1_000);
    expect(model.getState().stats).toBeUndefined();
  }, 90_000);

  it("shows the new tasks' CPU, memory and last log lines during a rollback, records the means and compares them in history", async () => {
    const cli = ensureBuilt();
    const svc = await createTestService({
      prefix: 'rbmetrics',
      replicas: 1,
      health: false,
      publish: false,
      args: LOGGING,
      env: {LABEL: 'one'},
      command: ['-c', SCRIPT],
      wait: true,
    });
    const model = openModel(() => svc.name);
    await until(model, (s) => s.services.some((x) => x.name === svc.name && x.running === 1), 'the service');
    await model.snapshotNow(svc.name);
    await dockerOk(['service', 'update', '--quiet', '--detach=false', '--env-add', 'LABEL=two', svc.name]);
    await model.snapshotNow(svc.name);
    await until(model, (s) => s.services.find((x) => x.name === svc.name)?.liveVersion === 2, 'v2 live');

    // v2 → v1: the new task's logs and stats show up in the rollout while it runs.
    const first = model.rollback(svc.name, 1, 'full');
    const during = await until(
      model,
      (s) => {
        const r = s.rollouts[svc.name];
        return r && !r.done && r.metrics && r.logs?.some((l) => l.text.startsWith('one tick')) ? r : null;
      },
      "the new task's CPU/memory and log lines during the health watch",
      60_000,
    );
    const lines = during.logs!.map((l) => l.text);
    expect(lines).toContain('started one \\x1b[31mred\\x1b[0m');
    expect(lines.join('')).not.toContain('\u001b');
    expect(lines.some((l) => l.startsWith('two '))).toBe(false);
    expect(Object.values(during.metrics!).some((m) => m.kind === 'measured')).toBe(true);
    expect((await first.done).result).toBe('healthy');

    const v3 = await store.versions.get(svc.name, 3);
    expect(v3?.note).toBe('rolled back to v1');
    expect(v3?.metrics?.restarts).toBe(0);
    expect(v3?.metrics?.samples).toBeGreaterThan(0);
    expect(v3?.metrics?.memoryBytes).toBeGreaterThan(100_000);
    expect(v3?.metrics?.cpuPercent).toBeGreaterThanOrEqual(0);

    // v3 → v2 (recorded as v4): measured too, and compared with v3 in the history.
    expect((await model.rollback(svc.name, 2, 'full').done).result).toBe('healthy');
    const v4 = await store.versions.get(svc.name, 4);
    expect(v4?.metrics?.memoryBytes).toBeGreaterThan(100_000);

    await cli;
    const text = await runCli(['history', svc.name], {db: `${dir}/history.db`});
    expect(text.code).toBe(0);
    const v4line = text.stdout.split('\n').find((l) => l.startsWith('v4 '))!;
    expect(v4line).toMatch(
      /cpu [\d.]+ %.* · mem [\d.]+[KM]iB(, [+-]\d+ % vs v3|, ±0 % vs v3)? · 0 restarts \(0 in v3\)/,
    );
    expect(text.stdout.split('\n').find((l) => l.startsWith('v2 '))).toMatch(/—$/);
    const json = await runCli(['history', svc.name, '--json'], {db: `${dir}/history.db`});
    const rows = JSON.parse(json.stdout) as {
      version: number;
      metrics: {restarts: number; memoryBytes: number} | null;
      metricsComparedWith: {number: number} | null;
    }[];
    const row4 = rows.find((r) => r.version === 4)!;
    expect(row4.metrics?.restarts).toBe(0);
    expect(row4.metricsComparedWith?.number).toBe(3);
    expect(rows.find((r) => r.version === 1)!.metrics).toBeNull();
  }, 180_000);
});
