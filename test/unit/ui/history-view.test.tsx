import {afterEach, describe, expect, test} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {FakeConsoleModel, service, snapshotOf, version} from '../../support/fake-model.js';
import {KEYS, renderConsole, renderHistory} from '../../support/render-console.js';

afterEach(cleanup);

const view = (image: string, env: Record<string, string> = {}) => ({name: 'web', image, env});

function model(opts: {readOnly?: boolean} = {}): FakeConsoleModel {
  const m = new FakeConsoleModel({services: [service({name: 'web', liveVersion: 4})]}, opts);
  m.history.web = [
    version({
      number: 5,
      health: 'bad',
      source: 'deploy',
      imageRef: 'web:1.5',
      snapshot: snapshotOf(view('web:1.5', {A: '2'})),
    }),
    version({
      number: 4,
      health: 'good',
      source: 'rollback',
      note: 'rolled back to v2',
      imageRef: 'web:1.2',
      snapshot: snapshotOf(view('web:1.2', {A: '1'})),
    }),
    version({number: 3, health: 'pending', imageRef: 'web:1.3', snapshot: snapshotOf(view('web:1.3', {A: '1'}))}),
    version({number: 2, health: 'good', imageRef: 'web:1.2', snapshot: snapshotOf(view('web:1.2'))}),
    version({number: 1, health: 'bad', imageRef: 'web:1.1', snapshot: snapshotOf(view('web:1.1'))}),
  ];
  return m;
}

const selected = (frame: string) => frame.split('\n').find((l) => l.startsWith('›')) ?? '';

async function openHistory(m = model()) {
  const ui = await renderHistory(m, 'web', 'v5');
  return ui;
}

describe('history view', () => {
  test('lists versions newest first with the live one marked, age, source, health, image and changes', async () => {
    const ui = await openHistory();
    const rows = ui.lines().filter((l) => /v\d+\s+\d+h /.test(l));
    expect(rows.map((r) => r.match(/v(\d)/)![1])).toEqual(['5', '4', '3', '2', '1']);
    expect(rows[1]).toMatch(/▶v4\s+\d+h\s+rollback\s+✔ good\s+web:1\.2\s+rolled back to v2 · image$/);
    expect(rows[0]).toMatch(/image; env ~1$/);
    expect(rows[0]).toMatch(/deploy\s+✖ bad/);
    expect(rows[2]).toMatch(/◌ pending/);
    expect(rows[4]).toContain('first recorded');
    expect(ui.frame()).toContain('▶ live v4');
  });

  test('L jumps to the last known good version', async () => {
    const ui = await openHistory();
    expect(selected(ui.frame())).toContain('v5');
    await ui.press('L');
    await ui.waitFor((f) => selected(f).includes('v4'));
  });

  test('d diffs the selected version against live', async () => {
    const m = model();
    const ui = await openHistory(m);
    await ui.press('jjd');
    await ui.waitFor('diff v3 → live');
    expect(m.callsTo('diff').at(-1)).toEqual(['web', 3, 'live', {showSecrets: false}]);
  });

  test('m marks a version and d then diffs the two, older first', async () => {
    const m = model();
    const ui = await openHistory(m);
    await ui.press('m');
    await ui.waitFor('marked v5');
    await ui.press('jjj');
    await ui.press('d');
    await ui.waitFor('diff v2 → v5');
    expect(m.callsTo('diff').at(-1)).toEqual(['web', 2, 5, {showSecrets: false}]);
  });

  test('offers rollback, redeploy, snapshot and delete keys, and none of them read-only', async () => {
    const ui = await openHistory();
    expect(ui.frame()).toMatch(/r rollback/);
    const ro = await openHistory(model({readOnly: true}));
    const frame = ro.frame();
    expect(frame).toContain('[READ-ONLY]');
    expect(frame).not.toMatch(/rollback {2}|redeploy|snapshot|delete/);
    await ro.press('jr');
    await ro.press('x');
    expect(ro.frame()).not.toContain('Roll back web');
    expect(ro.frame()).not.toContain('Delete');
  });

  test('s asks before recording a snapshot, then reloads the history', async () => {
    const m = model();
    const ui = await openHistory(m);
    await ui.press('s');
    await ui.waitFor('Snapshot web now?');
    expect(m.callsTo('snapshotNow')).toEqual([]);
    await ui.press(KEYS.down);
    await ui.press(KEYS.enter);
    await ui.waitFor('recorded web v99');
    expect(m.callsTo('snapshotNow')).toEqual([['web']]);
    expect(m.callsTo('loadHistory').length).toBeGreaterThanOrEqual(2);
  });

  test('x deletes a version only after confirmation, and esc in the confirmation deletes nothing', async () => {
    const m = model();
    const ui = await openHistory(m);
    await ui.press('jjjj');
    await ui.press('x');
    await ui.waitFor('Delete v1 of web from the history?');
    await ui.press(KEYS.escape);
    await ui.waitFor('▶ live v4');
    expect(m.callsTo('deleteVersion')).toEqual([]);
    await ui.press('x');
    await ui.waitFor('Delete v1');
    await ui.press(KEYS.down);
    await ui.press(KEYS.enter);
    await ui.waitFor('deleted web v1');
    expect(m.callsTo('deleteVersion')).toEqual([['web', 1]]);
  });

  test('says when the history cannot be loaded', async () => {
    const m = model();
    m.loadHistory = async () => {
      throw new Error('database is locked');
    };
    const ui = await renderConsole(m);
    await ui.waitFor('web');
    await ui.press('h');
    await ui.waitFor('could not load the history: database is locked');
  });
});
