import {afterEach, describe, expect, test} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {deferred, FakeConsoleModel, progress, rollout, service, version} from '../../support/fake-model.js';
import type {PreflightReport} from '../../../source/services/console-model.js';
import {KEYS, renderHistory} from '../../support/render-console.js';

afterEach(cleanup);

function model(): FakeConsoleModel {
  const m = new FakeConsoleModel({services: [service({name: 'web', liveVersion: 3})]});
  m.history.web = [version({number: 3}), version({number: 2}), version({number: 1})];
  return m;
}

async function openDialog(m = model()) {
  const ui = await renderHistory(m, 'web', 'v3');
  await ui.press('jj');
  await ui.press('r');
  await ui.waitFor('Roll back web from v3 to v1?');
  await ui.waitFor('pre-flight passed');
  return ui;
}

const focused = (frame: string) =>
  frame
    .split('\n')
    .find((l) => l.trimStart().startsWith('›'))
    ?.trim();

describe('rollback dialog', () => {
  test('shows the pre-flight checks and the diff summary, focus on Cancel', async () => {
    const m = model();
    const ui = await openDialog(m);
    const frame = ui.frame();
    expect(frame).toContain('✔ image available  registry.local/web:1.1');
    expect(frame).toContain('✔ no update in progress');
    expect(frame).toContain('changes: image; env +1 ~1 -1');
    expect(focused(frame)).toBe('› Cancel');
    for (const choice of ['Roll back', 'Roll back the image only', 'Roll back the config only (keep the image)']) {
      expect(frame).toContain(choice);
    }
    expect(m.callsTo('preflight')).toEqual([['web', 1, 'full']]);
  });

  test('enter on the focused Cancel starts nothing', async () => {
    const m = model();
    const ui = await openDialog(m);
    await ui.press(KEYS.enter);
    await ui.waitFor('▶ live v3');
    expect(m.callsTo('rollback')).toEqual([]);
  });

  test('esc and backspace cancel the dialog and start nothing, even with another choice focused', async () => {
    const m = model();
    const ui = await openDialog(m);
    await ui.press(KEYS.down);
    await ui.waitFor((f) => focused(f) === '› Roll back');
    await ui.press(KEYS.escape);
    await ui.waitFor('▶ live v3');
    await ui.press('r');
    await ui.waitFor('pre-flight passed');
    expect(focused(ui.frame())).toBe('› Cancel');
    await ui.press(KEYS.down + KEYS.backspace);
    await ui.waitFor('▶ live v3');
    expect(m.callsTo('rollback')).toEqual([]);
  });

  test('Down then Enter in one chunk rolls back with the choice on screen', async () => {
    const m = model();
    const ui = await openDialog(m);
    await ui.press(KEYS.down + KEYS.down + KEYS.enter);
    await ui.waitFor('rollback v3 → v1');
    expect(m.callsTo('rollback')).toEqual([['web', 1, 'image']]);
  });

  test('a rollback the model answers with a conflict ends in one error line, and the history is asked again', async () => {
    const m = model();
    const ui = await openDialog(m);
    await ui.press(KEYS.down + KEYS.enter);
    await ui.waitFor('rollback v3 → v1');
    const error =
      "conflict: service 'web' was changed by someone else after we read it (changed: env ~1, Version.Index 40 → 41) — nothing was applied; look at it again and retry the rollback";
    m.rollouts[0]!.resolve({result: 'conflict', version: 1, error});
    const frame = await ui.waitFor("✖ rollback of web to v1: conflict (service 'web' was changed by someone else");
    expect(frame.split('\n').filter((line) => line.includes('conflict'))).toHaveLength(1);
    expect(frame).not.toContain('conflict (conflict');
    await ui.waitFor(() => m.callsTo('loadHistory').length === 2);
  });

  test('a failed pre-flight offers only Cancel', async () => {
    const m = model();
    const report: PreflightReport = {
      ok: false,
      checks: [
        {name: 'image available', ok: false, detail: 'registry.local/web:1.1 not found'},
        {name: 'no update in progress', ok: true, detail: ''},
      ],
      diff: {changed: true, sections: []},
    };
    m.preflightReport = report;
    const ui = await renderHistory(m, 'web', 'v3');
    await ui.press('jjr');
    const frame = await ui.waitFor('pre-flight failed: rollback not offered');
    expect(frame).toContain('✖ image available  registry.local/web:1.1 not found');
    expect(frame).not.toContain('Roll back the image only');
    await ui.press(KEYS.down + KEYS.enter);
    await ui.waitFor('▶ live v3');
    expect(m.callsTo('rollback')).toEqual([]);
  });

  test('shows a spinner while the pre-flight runs and Enter then cancels', async () => {
    const m = model();
    const pending = deferred<PreflightReport>();
    m.preflight = async () => pending.promise;
    const ui = await renderHistory(m, 'web', 'v3');
    await ui.press('jjr');
    await ui.waitFor('running pre-flight checks…');
    await ui.press(KEYS.down + KEYS.enter);
    await ui.waitFor('▶ live v3');
    expect(m.callsTo('rollback')).toEqual([]);
  });

  test('refuses to roll back to the live version', async () => {
    const m = model();
    const ui = await renderHistory(m, 'web', 'v3');
    await ui.press('r');
    await ui.waitFor('v3 is the live version already');
    expect(m.callsTo('preflight')).toEqual([]);
  });

  test('confirming opens the progress panel and reports the result', async () => {
    const m = model();
    const ui = await openDialog(m);
    await ui.press(KEYS.down);
    await ui.waitFor((f) => focused(f) === '› Roll back');
    await ui.press(KEYS.enter);
    await ui.waitFor('rollback v3 → v1');
    // The rollback applies the plan of the pre-flight on screen: the model is handed that report.
    expect(m.callsTo('rollback')).toEqual([['web', 1, 'full', m.preflightReport]]);
    expect(m.callsTo('preflight')).toEqual([['web', 1, 'full']]);
    m.update((s) => ({
      ...s,
      rollouts: {
        web: rollout({
          done: true,
          result: 'healthy',
          progress: progress({phase: 'done', slotsDone: 3, converged: true}),
        }),
      },
    }));
    await ui.waitFor('result: healthy');
    m.rollouts[0]!.resolve({result: 'healthy', version: 4});
    await ui.waitFor('rollback of web to v1: healthy');
  });
});
