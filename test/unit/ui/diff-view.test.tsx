import {afterEach, beforeAll, describe, expect, test} from 'vitest';
import {cleanup} from 'ink-testing-library';
import type {SnapshotDiff} from '../../../source/services/console-model.js';
import {FakeConsoleModel, service, version} from '../../support/fake-model.js';
import {forceColor, KEYS, renderHistory} from '../../support/render-console.js';

beforeAll(forceColor);
afterEach(cleanup);

function model(opts: {readOnly?: boolean} = {}): FakeConsoleModel {
  const m = new FakeConsoleModel({services: [service({name: 'web', liveVersion: 3})]}, opts);
  m.history.web = [version({number: 3}), version({number: 2}), version({number: 1})];
  return m;
}

async function openDiff(m = model(), keys = 'jd') {
  const ui = await renderHistory(m, 'web', 'v3');
  await ui.press(keys);
  await ui.waitFor('Environment');
  return ui;
}

describe('diff view', () => {
  test('groups changes by section with +, - and ~ markers', async () => {
    const ui = await openDiff();
    const frame = ui.frame();
    expect(frame).toContain('web · diff v2 → live');
    expect(frame).toMatch(/Image\n\s+~ image: web:1\.1 → web:1\.3/);
    expect(frame).toContain('+ FEATURE_X: on');
    expect(frame).toContain('- OLD_FLAG: 1');
    expect(frame).toContain('~ DB_PASSWORD: ******** → ********');
  });

  test('colours added, removed and changed lines', async () => {
    const ui = await openDiff();
    const raw = ui.lastFrame() ?? '';
    expect(raw).toMatch(/\u001b\[32m\s*\+ FEATURE_X/);
    expect(raw).toMatch(/\u001b\[31m\s*- OLD_FLAG/);
    expect(raw).toMatch(/\u001b\[33m\s*~ DB_PASSWORD/);
  });

  test('masks secret values until S, and masks them again on a second S', async () => {
    const m = model();
    const ui = await openDiff(m);
    expect(ui.frame()).toContain('secrets masked (S reveals)');
    await ui.press('S');
    await ui.waitFor('~ DB_PASSWORD: hunter2 → correct-horse');
    expect(ui.frame()).toContain('secrets shown (S masks)');
    expect(m.callsTo('diff').at(-1)).toEqual(['web', 2, 'live', {showSecrets: true}]);
    await ui.press('S');
    await ui.waitFor('~ DB_PASSWORD: ******** → ********');
  });

  test('scrolls a diff longer than the screen and keeps the frame within rows - 1', async () => {
    const m = model();
    const long: SnapshotDiff = {
      changed: true,
      sections: [
        {
          section: 'env',
          title: 'Environment',
          changes: Array.from({length: 60}, (_, i) => ({
            kind: 'added' as const,
            key: `VAR_${String(i).padStart(2, '0')}`,
            new: 'x',
          })),
        },
      ],
    };
    m.diffFor = () => long;
    const ui = await openDiff(m);
    expect(ui.lines().length).toBeLessThanOrEqual(23);
    expect(ui.frame()).toContain('1–19 of 61');
    // The cursor moves down the lines; the window follows it past the last row.
    await ui.press('j'.repeat(21));
    await ui.waitFor('4–22 of 61');
    expect(ui.frame()).toContain('› + VAR_20: x');
    expect(ui.frame()).not.toContain('VAR_00');
    await ui.press('G');
    await ui.waitFor('VAR_59');
    expect(ui.lines().length).toBeLessThanOrEqual(23);
  });

  test('says there are no differences when the versions match', async () => {
    const m = model();
    m.diffFor = () => ({changed: false, sections: []});
    const ui = await renderHistory(m, 'web', 'v3');
    await ui.press('d');
    await ui.waitFor('no differences');
  });

  test('esc goes back to the history with the cursor where it was', async () => {
    const ui = await openDiff(model(), 'jjd');
    await ui.press(KEYS.escape);
    await ui.waitFor((f) => f.split('\n').some((l) => l.startsWith('›') && l.includes('v1')));
  });

  test('still shows the diff in read-only mode, but S does not reveal secrets', async () => {
    const m = model({readOnly: true});
    const ui = await openDiff(m);
    expect(ui.frame()).not.toContain('S reveals');
    await ui.press('S');
    await ui.waitFor('read-only: the console was started with --read-only');
    expect(ui.frame()).not.toContain('hunter2');
    expect(m.callsTo('diff').map((args) => (args[3] as {showSecrets: boolean}).showSecrets)).toEqual([false]);
  });
});
