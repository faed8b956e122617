import {afterEach, describe, expect, test} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {FakeConsoleModel, service, version} from '../../support/fake-model.js';
import {KEYS, renderConsole} from '../../support/render-console.js';

afterEach(cleanup);

function model(readOnly = false): FakeConsoleModel {
  const m = new FakeConsoleModel({services: [service({name: 'web'})]}, {readOnly});
  m.history.web = [version({number: 3}), version({number: 2})];
  return m;
}

describe('help overlay', () => {
  test('? lists the keys of the current view and the global ones; esc closes it', async () => {
    const ui = await renderConsole(model(), {rows: 40});
    await ui.waitFor('web');
    await ui.press('h');
    await ui.waitFor('v3');
    await ui.press('?');
    const frame = await ui.waitFor('History keys');
    expect(frame).toMatch(/L\s+jump to the last known good version/);
    expect(frame).toMatch(/r\s+roll back to this version/);
    expect(frame).toMatch(/esc backspace\s+back/);
    expect(frame).toMatch(/q Ctrl-C\s+quit/);
    await ui.press(KEYS.escape);
    await ui.waitFor('▶ live v3');
  });

  test('every footer hint also appears in the help overlay', async () => {
    const ui = await renderConsole(model(), {columns: 120, rows: 40});
    await ui.waitFor('web');
    await ui.press('h');
    await ui.waitFor('v3');
    const hints = ui
      .lines()
      .at(-1)!
      .trim()
      .split(/\s{2,}/);
    await ui.press('?');
    const help = await ui.waitFor('History keys');
    for (const hint of hints) {
      const key = hint.split(' ')[0]!;
      expect(help, hint).toMatch(new RegExp(`^\\s+\\S*${key.replace(/[?/]/g, '\\$&')}`, 'm'));
    }
  });

  test('leaves out mutating keys in read-only mode and says so', async () => {
    const ui = await renderConsole(model(true), {rows: 40});
    await ui.waitFor('web');
    await ui.press('h');
    await ui.waitFor('v3');
    await ui.press('?');
    const frame = await ui.waitFor('History keys');
    expect(frame).not.toContain('roll back to this version');
    expect(frame).not.toContain('delete this version');
    expect(frame).toContain('Read-only: rollback, redeploy, snapshot, delete and secret reveal are off.');
  });

  test('scrolls when the keys do not fit, within rows - 1 lines', async () => {
    const ui = await renderConsole(model(), {columns: 60, rows: 15});
    await ui.waitFor('web');
    await ui.press('h');
    await ui.waitFor('v3');
    await ui.press('?');
    await ui.waitFor(/1–\d+ of \d+/);
    expect(ui.lines().length).toBeLessThanOrEqual(14);
    await ui.press('G');
    await ui.waitFor('Everywhere');
  });
});
