/**
 * After a failed or degraded rollout the panel offers the next steps, each through the rollback
 * dialog's pre-flight and confirmation: b reverts to the version live before, L rolls back to the
 * last known good version before the target. The dialog also offers a rollback the engine reverts by
 * itself on failure. The panel keeps following the service's tasks after the verdict.
 */
import {afterEach, describe, expect, test} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {FakeConsoleModel, NOW, progress, rollout, service, task, version} from '../../support/fake-model.js';
import {KEYS, renderConsole} from '../../support/render-console.js';

afterEach(cleanup);

/** web rolled back from v4 to v3, which failed: v3 is live (paused); v2 failed before, v1 was good. */
function failedModel(opts: {readOnly?: boolean} = {}): FakeConsoleModel {
  const failed = rollout({
    from: 4,
    to: 3,
    progress: progress({
      phase: 'paused',
      updateState: 'paused',
      message: 'update paused due to failure',
      errors: ['slot 2: container unhealthy'],
    }),
    done: true,
    result: 'failed',
    error: 'Swarm paused the update',
  });
  const m = new FakeConsoleModel(
    {services: [service({name: 'web', liveVersion: 3, updateState: 'paused'})], rollouts: {web: failed}},
    opts,
  );
  m.history.web = [
    version({number: 4}),
    version({number: 3, health: 'bad'}),
    version({number: 2, health: 'bad'}),
    version({number: 1}),
  ];
  return m;
}

async function openPanel(m: FakeConsoleModel) {
  const ui = await renderConsole(m);
  await ui.waitFor('web');
  await ui.press('p');
  await ui.waitFor('result: failed');
  return ui;
}

const footer = (lines: string[]) => lines.at(-1) ?? '';

describe('the next steps after a failed rollout', () => {
  test('the panel and its footer offer b (revert to the version live before) and L (last known good)', async () => {
    const ui = await openPanel(failedModel());
    const joined = ui
      .lines()
      .map((l) => l.trim())
      .join(' ');
    expect(joined).toContain(
      'next: b revert to v4, the version live before · L roll back to the last known good version',
    );
    expect(footer(ui.lines())).toMatch(/b revert {2}L last good/);
  });

  test('b opens the rollback dialog for the version live before, pre-flight first, focus on Cancel', async () => {
    const m = failedModel();
    const ui = await openPanel(m);
    await ui.press('b');
    await ui.waitFor('Roll back web from v3 to v4?');
    await ui.waitFor('pre-flight passed');
    expect(m.callsTo('preflight')).toEqual([['web', 4, 'full']]);
    expect(m.callsTo('rollback')).toEqual([]);
    await ui.press(KEYS.down + KEYS.enter);
    await ui.waitFor('rollback v3 → v4');
    // The rollback gets the plan the dialog showed, not a second pre-flight.
    expect(m.callsTo('rollback')).toEqual([['web', 4, 'full', expect.objectContaining({checks: expect.any(Array)})]]);
    expect(m.callsTo('preflight')).toHaveLength(1);
  });

  test('L opens the rollback dialog for the newest version before the target that was good', async () => {
    const m = failedModel();
    const ui = await openPanel(m);
    await ui.press('L');
    await ui.waitFor('Roll back web from v3 to v1?');
    expect(m.callsTo('loadHistory')).toEqual([['web']]);
    expect(m.callsTo('preflight')).toEqual([['web', 1, 'full']]);
    await ui.press(KEYS.escape);
    await ui.waitFor('result: failed');
    expect(m.callsTo('rollback')).toEqual([]);
  });

  test('L says so when no version before the target is known good', async () => {
    const m = failedModel();
    m.history.web = m.history.web!.map((row) => ({...row, health: 'bad' as const}));
    const ui = await openPanel(m);
    await ui.press('L');
    await ui.waitFor('no version before v3 is known good');
    expect(m.callsTo('preflight')).toEqual([]);
  });

  test('read-only: neither step is offered nor taken', async () => {
    const m = failedModel({readOnly: true});
    const ui = await openPanel(m);
    expect(ui.frame()).not.toContain('next:');
    expect(footer(ui.lines())).not.toMatch(/revert|last good/);
    await ui.press('b');
    await ui.waitFor('read-only: the console was started with --read-only');
    await ui.press('L');
    await ui.waitFor('read-only: the console was started with --read-only');
    expect(m.callsTo('preflight')).toEqual([]);
    expect(m.callsTo('loadHistory')).toEqual([]);
  });

  test('not offered after a healthy rollout', async () => {
    const m = failedModel();
    m.update((s) => ({...s, rollouts: {web: {...s.rollouts.web!, result: 'healthy', error: undefined}}}));
    const ui = await renderConsole(m);
    await ui.waitFor('web');
    await ui.press('p');
    await ui.waitFor('result: healthy');
    expect(ui.frame()).not.toContain('next:');
    expect(footer(ui.lines())).not.toMatch(/revert|last good/);
  });

  test('the panel keeps following the tasks after the verdict: a crash-looping slot shows each restart', async () => {
    const m = failedModel();
    const ui = await openPanel(m);
    const slot2 = () => ui.lines().find((l) => /^ {2}2\s/.test(l)) ?? '';
    m.update((s) => ({
      ...s,
      tasks: {
        web: [
          task({
            id: 'crash1',
            slot: 2,
            version: 3,
            state: 'failed',
            desiredState: 'shutdown',
            since: NOW - 5_000,
            error: 'task: non-zero exit (1)',
          }),
          task({id: 'crash2', slot: 2, version: 3, state: 'starting', since: NOW - 1_000}),
        ],
      },
    }));
    await ui.waitFor(() => /→ ◌ starting/.test(slot2()));
    m.update((s) => ({
      ...s,
      tasks: {
        web: [
          ...s.tasks.web!.map((t) =>
            t.id === 'crash2' ? {...t, state: 'failed', desiredState: 'shutdown', error: 'task: non-zero exit (1)'} : t,
          ),
          task({id: 'crash3', slot: 2, version: 3, state: 'running', health: 'unhealthy', since: NOW}),
        ],
      },
    }));
    await ui.waitFor(() => /→ ● running ⚠/.test(slot2()));
    expect(slot2()).not.toMatch(/done$/);
    expect(ui.frame()).toContain('NEW TASK (now)');
  });
});

describe('the rollback dialog', () => {
  test('offers a rollback that is reverted automatically on failure, and starts it with revertOnFailure', async () => {
    const m = new FakeConsoleModel({services: [service({name: 'web', liveVersion: 3})]});
    m.history.web = [version({number: 3}), version({number: 2}), version({number: 1})];
    const ui = await renderConsole(m);
    await ui.waitFor('web');
    await ui.press('h');
    await ui.waitFor('v3');
    await ui.press('j');
    await ui.press('r');
    await ui.waitFor('pre-flight passed');
    expect(ui.frame()).toContain('Roll back, revert automatically on failure');
    await ui.press(KEYS.down.repeat(4));
    await ui.waitFor((f) => /›\s*Roll back, revert automatically on failure/.test(f));
    await ui.press(KEYS.enter);
    await ui.waitFor('rollback v3 → v2');
    expect(m.callsTo('rollback')).toEqual([
      ['web', 2, 'full', expect.objectContaining({checks: expect.any(Array)}), {revertOnFailure: true}],
    ]);
  });
});
