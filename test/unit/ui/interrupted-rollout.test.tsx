/**
 * A rollout left open by a console that is gone: marked in the services list, a banner on the
 * service, `p` reattaches through the model. And `q` while a rollout runs asks first.
 */
import {afterEach, describe, expect, test} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {FakeConsoleModel, NOW, rollout, service} from '../../support/fake-model.js';
import {KEYS, renderConsole} from '../../support/render-console.js';

afterEach(cleanup);

function interruptedModel(opts: {readOnly?: boolean} = {}): FakeConsoleModel {
  return new FakeConsoleModel(
    {
      services: [service({name: 'api', liveVersion: 2}), service({name: 'web', liveVersion: 7})],
      interrupted: {web: {kind: 'rollback', from: 4, to: 7, startedAtMs: NOW - 65_000}},
    },
    opts,
  );
}

describe('an interrupted rollout', () => {
  test('is marked in the services list', async () => {
    const ui = await renderConsole(interruptedModel());
    const line = (await ui.waitFor('web')) && ui.lines().find((l) => l.includes('web'));
    expect(line).toMatch(/⚠ web .*⚠ interrupted/);
    expect(ui.lines().find((l) => l.includes('api'))).not.toContain('interrupted');
  });

  test('shows a banner on the service saying p reattaches', async () => {
    const ui = await renderConsole(interruptedModel());
    await ui.waitFor('web');
    await ui.press('j');
    await ui.press(KEYS.enter);
    const frame = await ui.waitFor('Tasks');
    expect(frame).toMatch(/⚠ interrupted rollback v4 → v7 \(1m\d*s? ago, unwatched\) · p reattaches/);
  });

  test('p reattaches: the model resumes the rollout and the progress panel opens', async () => {
    const model = interruptedModel();
    const ui = await renderConsole(model);
    await ui.waitFor('web');
    await ui.press('j');
    await ui.press(KEYS.enter);
    await ui.waitFor('p reattaches');
    await ui.press('p');
    await ui.waitFor('rollback v4 → v7');
    expect(model.callsTo('resume')).toEqual([['web']]);
    expect(ui.frame()).not.toContain('interrupted');
    model.rollouts[0]!.resolve({result: 'healthy', version: 8});
    await ui.waitFor('reattached rollback of web: healthy');
  });

  test('a read-only console does not reattach and says how to finish it', async () => {
    const model = interruptedModel({readOnly: true});
    const ui = await renderConsole(model);
    await ui.waitFor('web');
    await ui.press('j');
    await ui.press('p');
    await ui.waitFor("run 'dokroll-tui rollback web --resume'");
    expect(model.callsTo('resume')).toEqual([]);
  });
});

describe('quitting during a rollout', () => {
  function rollingModel(): FakeConsoleModel {
    return new FakeConsoleModel({
      services: [service({name: 'web', liveVersion: 4})],
      rollouts: {web: rollout({from: 4, to: 7})},
    });
  }

  test('q asks first, and Keep watching (focused) stays', async () => {
    const ui = await renderConsole(rollingModel());
    await ui.waitFor('web');
    await ui.press('q');
    const frame = await ui.waitFor('Swarm will finish it. Quit?');
    expect(frame).toMatch(/›\s*Keep watching/);
    await ui.press(KEYS.enter);
    await ui.waitFor((f) => !f.includes('Quit?') && f.includes('Services'));
  });
});
