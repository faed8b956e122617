/**
 * CPU and memory in the tasks view (a column once stats arrive, n/a naming the node for a task
 * elsewhere), the model asked for stats only while a tasks view is shown, and the rollout panel's
 * metrics line and log tail (a failing task's last line kept in view).
 */
import {afterEach, describe, expect, test} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {FakeConsoleModel, progress, rollout, service, task} from '../../support/fake-model.js';
import {KEYS, renderConsole} from '../../support/render-console.js';

afterEach(cleanup);

const MIB = 1024 * 1024;

describe('task metrics on screen', () => {
  test('the tasks view shows CPU % and memory per task, n/a (node X) elsewhere, and stats are asked for only while it is shown', async () => {
    const model = new FakeConsoleModel({
      services: [service({name: 'web'})],
      tasks: {web: [task({id: 't1', slot: 1, node: 'manager-1'}), task({id: 't2', slot: 2, node: 'worker-2'})]},
    });
    const ui = await renderConsole(model, {columns: 80, rows: 24});
    await ui.waitFor('web');
    expect(model.callsTo('watchStats').at(-1)).toEqual([null]);
    await ui.press(KEYS.enter);
    await ui.waitFor('Tasks');
    expect(model.callsTo('watchStats').at(-1)).toEqual(['web']);
    model.update((s) => ({
      ...s,
      stats: {
        service: 'web',
        tasks: {
          t1: {kind: 'measured', cpuPercent: 1.25, memoryBytes: 82 * MIB},
          t2: {kind: 'elsewhere', node: 'worker-2'},
        },
      },
    }));
    await ui.waitFor('82MiB');
    const row = (slot: number) => ui.lines().find((l) => new RegExp(`^[› ]\\s+${slot} `).test(l)) ?? '';
    expect(row(1)).toMatch(/1\.3 % 82MiB/);
    // Cut in the column at 80 columns; whole in the selected task's line under the table.
    expect(row(2)).toContain('n/a (node worke');
    expect(ui.frame()).toContain('task t1 on manager-1 · cpu 1.3 % · mem 82MiB');
    await ui.press(KEYS.down);
    await ui.waitFor('task t2 on worker-2 · n/a (node worker-2)');
    expect(ui.frame()).toContain('CPU MEM');
    await ui.press('h');
    await ui.waitFor('history');
    expect(model.callsTo('watchStats').at(-1)).toEqual([null]);
  });

  test("the rollout panel shows the new tasks' CPU/memory and the last log lines, a failing task's kept", async () => {
    const failing = progress();
    failing.slots[1]!.new = {
      id: 'n2',
      state: 'failed',
      desiredState: 'shutdown',
      since: Date.now(),
      error: 'task: non-zero exit (1)',
    };
    const logs = [
      {seq: 1, slot: '2', task: 'n2', stream: 'stderr' as const, text: 'panic: no database'},
      ...Array.from({length: 5}, (_, i) => ({
        seq: 2 + i,
        slot: '1',
        task: 'n1',
        stream: 'stdout' as const,
        text: `GET /health ${i}`,
      })),
    ];
    const model = new FakeConsoleModel({
      services: [service({name: 'web', liveVersion: 3})],
      rollouts: {
        web: rollout({
          progress: failing,
          logs,
          metrics: {
            n1: {kind: 'measured', cpuPercent: 0.4, memoryBytes: 12 * MIB},
            n3: {kind: 'elsewhere', node: 'worker-3'},
          },
        }),
      },
    });
    const ui = await renderConsole(model, {columns: 80, rows: 24});
    await ui.waitFor('web');
    await ui.press('p');
    await ui.waitFor('rollback v3 → v1');
    const frame = ui.frame();
    expect(frame).toContain('log 2 │ panic: no database');
    expect(frame).toContain('log 1 │ GET /health 4');
    expect(frame).toContain('log 1 │ GET /health 3');
    expect(frame).not.toContain('GET /health 2');
    expect(frame).toContain('new tasks: cpu 0.4 % · mem 12MiB per task (1 measured); n/a (node worker-3)');
    expect(ui.lines().length).toBeLessThanOrEqual(23);
  });
});
