import {afterEach, describe, expect, test} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {FakeConsoleModel, NOW, service, task} from '../../support/fake-model.js';
import {KEYS, renderConsole} from '../../support/render-console.js';

afterEach(cleanup);

function webModel(): FakeConsoleModel {
  return new FakeConsoleModel({
    services: [service({name: 'web', liveVersion: 4, running: 2, desired: 3, health: 'degraded'})],
    tasks: {
      web: [
        task({
          id: 't2',
          slot: 2,
          node: 'worker-2',
          version: 4,
          state: 'failed',
          desiredState: 'shutdown',
          error: 'task: non-zero exit (1)',
          since: NOW - 5_000,
        }),
        task({
          id: 't1',
          slot: 1,
          node: 'worker-1',
          version: 4,
          state: 'running',
          health: 'healthy',
          since: NOW - 120_000,
        }),
        task({id: 't3', slot: 2, node: 'worker-2', version: 4, state: 'starting', since: NOW - 2_000}),
        task({id: 't4', slot: 3, node: 'worker-3', version: 3, state: 'running', health: 'unhealthy'}),
      ],
    },
    events: {
      web: [
        {at: NOW - 1_000, text: 'update started (image web:1.4)'},
        {at: NOW - 60_000, text: 'update completed'},
      ],
    },
  });
}

async function openWeb(model = webModel()) {
  const ui = await renderConsole(model);
  await ui.waitFor('web');
  await ui.press(KEYS.enter);
  await ui.waitFor('Tasks');
  return ui;
}

describe('service view', () => {
  test('lists tasks by slot with node, version, desired and current state with age, health and error', async () => {
    const ui = await openWeb();
    const lines = ui.lines();
    const rows = lines.filter((l) => /^[› ]\s+\d+ worker-\d/.test(l));
    expect(rows).toHaveLength(4);
    expect(rows[0]).toMatch(/1 worker-1\s+v4\s+running\s+● running 2m\s+✔ healthy/);
    // Slot 2: the task meant to run first, then the failed one it replaces.
    expect(rows[1]).toMatch(/2 worker-2\s+v4\s+running\s+◌ starting \d+s/);
    expect(rows[2]).toMatch(/2 worker-2\s+v4\s+shutdown\s+✖ failed \d+s\s+task: non-zero/);
    expect(rows[3]).toMatch(/3 worker-3\s+v3\s+running\s+● running 1m\s+⚠ unhealthy/);
    expect(ui.frame()).toMatch(/web · replicated 2\/3 · v4 · ⚠ degraded/);
  });

  test("shows the selected task's full error under the table", async () => {
    const ui = await openWeb();
    expect(ui.frame()).toContain('task t1 on worker-1');
    await ui.press('jj');
    await ui.waitFor('task t2 on worker-2: task: non-zero exit (1)');
  });

  test('shows the service events newest first in a feed', async () => {
    const ui = await openWeb();
    const frame = ui.frame();
    expect(frame).toContain('Events');
    expect(frame.indexOf('update started (image web:1.4)')).toBeLessThan(frame.indexOf('update completed'));
  });

  test('tab moves focus from the task table to the events feed and back', async () => {
    const ui = await openWeb();
    expect(ui.frame()).toContain('▸ Tasks');
    await ui.press(KEYS.tab);
    await ui.waitFor('▸ Events');
    // Movement now goes to the events feed.
    await ui.press('j');
    await ui.waitFor((f) => f.split('\n').some((l) => l.startsWith('›') && l.includes('update completed')));
    await ui.press(KEYS.tab);
    await ui.waitFor('▸ Tasks');
  });

  test('follows task changes within one model update', async () => {
    const model = webModel();
    const ui = await openWeb(model);
    model.update((s) => ({...s, tasks: {web: [task({id: 't9', slot: 1, node: 'worker-9', state: 'running'})]}}));
    const frame = await ui.waitFor('worker-9');
    expect(frame).not.toContain('worker-2');
  });

  test('keeps the frame within rows - 1 lines with many tasks and events', async () => {
    const model = new FakeConsoleModel({
      services: [service({name: 'web'})],
      tasks: {web: Array.from({length: 60}, (_, i) => task({id: `t${i}`, slot: i + 1}))},
      events: {web: Array.from({length: 40}, (_, i) => ({at: NOW - i * 1000, text: `event ${i}`}))},
    });
    const ui = await openWeb(model);
    expect(ui.lines().length).toBeLessThanOrEqual(23);
    await ui.press(KEYS.pageDown.repeat(2));
    await ui.waitFor(/\d+–\d+ of 60/);
    expect(ui.lines().length).toBeLessThanOrEqual(23);
  });

  test('says so when the service is gone from the swarm', async () => {
    const model = webModel();
    const ui = await openWeb(model);
    model.update({services: []});
    await ui.waitFor('not in the swarm');
  });
});
