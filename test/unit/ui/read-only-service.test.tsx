import {afterEach, beforeAll, describe, expect, test} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {FakeConsoleModel, service, version} from '../../support/fake-model.js';
import {forceColor, KEYS, renderConsole, renderHistory} from '../../support/render-console.js';

beforeAll(forceColor);
afterEach(cleanup);

/** `legacy` is read-only by configuration (services.legacy.readOnly), `web` is not. */
function model(): FakeConsoleModel {
  const m = new FakeConsoleModel(
    {services: [service({name: 'legacy', liveVersion: 3}), service({name: 'web', liveVersion: 3})]},
    {readOnlyServices: ['legacy']},
  );
  for (const name of ['legacy', 'web'])
    m.history[name] = [
      version({number: 3, serviceName: name}),
      version({number: 2, serviceName: name}),
      version({number: 1, serviceName: name}),
    ];
  return m;
}

const footer = (frame: string) => frame.split('\n').at(-1) ?? '';

describe('a service read-only by configuration', () => {
  test('offers no rollback, redeploy, snapshot or delete key for it, and refuses them naming the setting', async () => {
    const m = model();
    const ui = await renderHistory(m, 'legacy', 'v3');
    await ui.press('j');
    expect(footer(ui.frame())).not.toMatch(/rollback|redeploy|snapshot|delete/);
    for (const key of ['r', 'R', 's', 'x']) {
      await ui.press(key);
      await ui.waitFor('read-only: services.legacy.readOnly is true in config.json');
      expect(ui.frame()).not.toMatch(/Roll back legacy|Redeploy legacy|Delete v2/);
    }
    expect(m.callsTo('preflight')).toEqual([]);
    expect(m.callsTo('rollback')).toEqual([]);
    expect(m.callsTo('redeploy')).toEqual([]);
    expect(m.callsTo('snapshotNow')).toEqual([]);
    expect(m.callsTo('deleteVersion')).toEqual([]);
  });

  test('S does not reveal its secrets', async () => {
    const m = model();
    const ui = await renderHistory(m, 'legacy', 'v3');
    await ui.press('jd');
    await ui.waitFor('Environment');
    expect(ui.frame()).toContain('secrets masked (read-only)');
    await ui.press('S');
    await ui.waitFor('read-only: services.legacy.readOnly');
    expect(ui.frame()).not.toContain('hunter2');
  });

  test('leaves every action to the other services', async () => {
    const m = model();
    const ui = await renderConsole(m);
    await ui.waitFor('legacy');
    await ui.press('j');
    await ui.press('h');
    await ui.waitFor('v3');
    await ui.press('j');
    await ui.waitFor((f) => /rollback.*redeploy.*snapshot/.test(footer(f)));
    await ui.press('r');
    await ui.waitFor('Roll back web');
    await ui.press(KEYS.escape);
    await ui.press('d');
    await ui.waitFor('Environment');
    await ui.press('S');
    await ui.waitFor('hunter2');
  });
});
