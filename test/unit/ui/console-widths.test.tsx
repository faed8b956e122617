/**
 * 80 columns keep what matters, 200 columns use what they have: the service header never cuts its
 * update status (wrapped whole), and the IMAGE column of the services and tasks views shows the
 * image whole (digest included) when its column is wide enough.
 */
import {afterEach, describe, expect, test} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {FakeConsoleModel, service, task} from '../../support/fake-model.js';
import {KEYS, renderConsole} from '../../support/render-console.js';

afterEach(cleanup);

const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;
const IMAGE = `registry.example.com:5000/team/web:1.2@${DIGEST}`;
const MESSAGE = 'update paused due to failure or early termination of task 7hx2k9q0m3n5p8r1s4t6v9w2y';

function model(): FakeConsoleModel {
  return new FakeConsoleModel({
    services: [service({name: 'web', image: IMAGE, updateState: 'paused', updateMessage: MESSAGE, health: 'failed'})],
    tasks: {
      web: [
        task({id: 'task1abcdefghijklmnop', image: IMAGE}),
        task({id: 'task2abcdefghijklmnop', slot: 2, image: IMAGE}),
      ],
    },
  });
}

describe('the console at 80 and 200 columns', () => {
  test('80 columns: the service header shows the update status whole, wrapped, and the frame keeps its height', async () => {
    const ui = await renderConsole(model(), {columns: 80, rows: 24});
    await ui.waitFor('web');
    await ui.press(KEYS.enter);
    await ui.waitFor('Tasks');
    const joined = ui
      .lines()
      .map((l) => l.trimEnd())
      .join(' ');
    expect(joined).toContain(MESSAGE);
    expect(ui.lines().length).toBeLessThanOrEqual(23);
    expect(ui.lines().every((l) => [...l].length <= 80)).toBe(true);
    expect(ui.frame()).toMatch(/task1abcdefg|› +1 /);
  });

  test('200 columns: the services and tasks views show the image whole in their IMAGE column', async () => {
    const ui = await renderConsole(model(), {columns: 200, rows: 30});
    await ui.waitFor('web');
    expect(ui.frame()).toContain(IMAGE);
    await ui.press(KEYS.enter);
    await ui.waitFor('Tasks');
    const rows = ui.lines().filter((l) => /^[› ] +[12] /.test(l));
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(row).toContain(IMAGE);
    expect(ui.lines().find((l) => /SLOT/.test(l))).toContain('IMAGE');
  });

  test('80 columns: the IMAGE column shortens the digest rather than cutting the name', async () => {
    const ui = await renderConsole(model(), {columns: 80, rows: 24});
    await ui.waitFor('web');
    expect(ui.frame()).not.toContain(DIGEST);
  });

  test('100 columns: a long service name is shown whole before the image gets more room', async () => {
    const m = model();
    m.update((s) => ({...s, services: [...s.services, service({name: 'payments-gateway-e2e', image: IMAGE})]}));
    const ui = await renderConsole(m, {columns: 100, rows: 24});
    await ui.waitFor('payments-gateway-e2e');
  });
});
