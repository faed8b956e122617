/**
 * The history and the headers tell the truth: the history on screen reloads when the store says it
 * changed, headers say "v4 → v7, n/m" during a rollout, a version whose deployment Swarm paused is
 * ✖ failed in history as in the services list, and an empty list is "loading" until the first answer.
 */
import {afterEach, describe, expect, test} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {FakeConsoleModel, emptyState, progress, rollout, service, version} from '../../support/fake-model.js';
import {KEYS, renderConsole, renderHistory} from '../../support/render-console.js';

afterEach(cleanup);

const liveRow = (frame: string) => frame.split('\n').find((l) => /▶v\d/.test(l)) ?? '';

describe('the history on screen', () => {
  test("reloads when the store says the service's history changed (another process recorded v9)", async () => {
    const model = new FakeConsoleModel({services: [service({name: 'web', liveVersion: 8})]});
    model.history.web = [version({number: 8}), version({number: 7})];
    const ui = await renderHistory(model, 'web', 'v8');
    model.history.web = [version({number: 9}), version({number: 8}), version({number: 7})];
    model.update((s) => ({...s, services: [service({name: 'web', liveVersion: 9})], historyRevision: {web: 1}}));
    const frame = await ui.waitFor(/▶v9/);
    expect(frame).toMatch(/ v8 /);
    expect(model.callsTo('loadHistory')).toHaveLength(2);
  });

  test('the header says where a rollout goes and how far it got, not only the target as live', async () => {
    const model = new FakeConsoleModel({
      services: [service({name: 'web', liveVersion: 7})],
      rollouts: {web: rollout({from: 4, to: 7, progress: progress({slotsDone: 0, slotsTotal: 3})})},
    });
    model.history.web = [version({number: 7}), version({number: 4})];
    const ui = await renderConsole(model);
    await ui.waitFor('web');
    await ui.press(KEYS.enter);
    expect(await ui.waitFor('Tasks')).toMatch(/web · replicated 3\/3 · v4 → v7, 0\/3 ·/);
    await ui.press('h');
    const history = await ui.waitFor('v4');
    expect(history).toContain('web · history · ◌ v4 → v7, 0/3');
    expect(history).not.toContain('live v7');
  });

  test('a version whose update Swarm paused is ✖ failed, as in the services list', async () => {
    const model = new FakeConsoleModel({
      services: [service({name: 'web', liveVersion: 7, updateState: 'paused', health: 'failed'})],
    });
    model.history.web = [version({number: 7, health: 'pending'}), version({number: 4})];
    const ui = await renderConsole(model);
    expect(await ui.waitFor('web')).toMatch(/✖ failed/);
    await ui.press('h');
    await ui.waitFor('v4');
    expect(liveRow(ui.frame())).toMatch(/▶v7 .*✖ failed/);
  });

  test('the services list says loading until the first answer, not "no services in this swarm"', async () => {
    const model = new FakeConsoleModel({...emptyState(), servicesLoaded: false});
    const ui = await renderConsole(model);
    await ui.waitFor('loading services…');
    model.update({servicesLoaded: true});
    await ui.waitFor('no services in this swarm');
  });
});
