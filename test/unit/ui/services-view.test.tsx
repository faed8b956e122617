import {afterEach, beforeAll, describe, expect, test} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {FakeConsoleModel, service} from '../../support/fake-model.js';
import {forceColor, KEYS, renderConsole} from '../../support/render-console.js';

const many = (n: number) => Array.from({length: n}, (_, i) => service({name: `svc-${String(i).padStart(3, '0')}`}));
const selectedLine = (lines: string[]) => lines.find((l) => l.startsWith('›'));

beforeAll(forceColor);
afterEach(cleanup);

describe('services overview', () => {
  test('shows each service with mode, replicas, live version, image, update state and health', async () => {
    const model = new FakeConsoleModel({
      services: [
        service({
          name: 'web',
          running: 2,
          desired: 3,
          liveVersion: 7,
          health: 'degraded',
          updateState: 'updating',
          image: 'docker.io/library/nginx:1.25',
        }),
        service({name: 'api', mode: 'global', liveVersion: null, health: 'healthy', updateState: 'paused'}),
        service({name: 'db', health: 'degraded', updateState: 'rollback_completed'}),
      ],
    });
    const ui = await renderConsole(model);
    const frame = await ui.waitFor('web');
    const web = ui.lines().find((l) => l.includes('web'))!;
    expect(web).toMatch(/web\s+replicated\s+2\/3\s+v7\s+nginx:1\.25\s+◌ updating\s+⚠ degraded/);
    const api = ui.lines().find((l) => l.includes('api'))!;
    expect(api).toMatch(/api\s+global\s+3\/3\s+—/);
    expect(api).toContain('॥ paused');
    expect(api).toContain('✔ healthy');
    expect(ui.lines().find((l) => l.includes('db '))).toContain('⚠ rolled back');
    expect(frame).toContain('manager-1 (manager)');
    expect(frame).toContain('swarm k3v9x0q2m7n4');
  });

  test('moves five rows for a burst of five Down arrows in one chunk', async () => {
    const ui = await renderConsole(new FakeConsoleModel({services: many(40)}));
    await ui.waitFor('svc-000');
    await ui.press(KEYS.down.repeat(5));
    await ui.waitFor((f) => selectedLine(f.split('\n'))?.includes('svc-005') ?? false);
  });

  test('moves one row per letter when "jjj" and "k" arrive as one chunk', async () => {
    const ui = await renderConsole(new FakeConsoleModel({services: many(40)}));
    await ui.waitFor('svc-000');
    await ui.press('jjjjk');
    await ui.waitFor((f) => selectedLine(f.split('\n'))?.includes('svc-003') ?? false);
    await ui.press('G');
    await ui.waitFor((f) => selectedLine(f.split('\n'))?.includes('svc-039') ?? false);
    await ui.press('g');
    await ui.waitFor((f) => selectedLine(f.split('\n'))?.includes('svc-000') ?? false);
  });

  test('keeps the frame within rows - 1 lines with a long list at 80x24, and windows the list', async () => {
    const ui = await renderConsole(new FakeConsoleModel({services: many(200)}));
    await ui.waitFor('svc-000');
    expect(ui.lines().length).toBeLessThanOrEqual(23);
    await ui.press(KEYS.pageDown.repeat(3));
    const frame = await ui.waitFor(/of 200/);
    expect(ui.lines().length).toBeLessThanOrEqual(23);
    expect(ui.lines().every((l) => l.length <= 80)).toBe(true);
    expect(frame).toContain(selectedLine(ui.lines()) ?? 'no cursor');
  });

  test('filters the list with / and leaves filter typing with enter, keeping the filter', async () => {
    const model = new FakeConsoleModel({
      services: [service({name: 'web'}), service({name: 'api'}), service({name: 'web-worker'})],
    });
    const ui = await renderConsole(model);
    await ui.waitFor('api');
    await ui.press('/web');
    await ui.waitFor('/web_');
    let frame = await ui.waitFor((f) => !f.includes('api '));
    expect(frame).toContain('web-worker');
    await ui.press(KEYS.enter);
    frame = await ui.waitFor('filter: web');
    expect(frame).not.toContain('/web_');
    // q quits only outside filter typing: here it is a key again, and j moves.
    await ui.press('j');
    await ui.waitFor((f) => selectedLine(f.split('\n'))?.includes('web-worker') ?? false);
    // esc clears the filter before it ever goes back.
    await ui.press(KEYS.escape);
    await ui.waitFor('api');
  });

  test('esc while typing a filter clears it', async () => {
    const ui = await renderConsole(new FakeConsoleModel({services: [service({name: 'web'}), service({name: 'api'})]}));
    await ui.waitFor('api');
    await ui.press('/zzz');
    await ui.waitFor('no service matches "zzz"');
    await ui.press(KEYS.escape);
    await ui.waitFor('api');
  });

  test('updates live when the model publishes new state', async () => {
    const model = new FakeConsoleModel({services: [service({name: 'web', running: 3})]});
    const ui = await renderConsole(model);
    await ui.waitFor('3/3');
    model.update({services: [service({name: 'web', running: 1, health: 'failed'})]});
    await ui.waitFor('1/3');
    await ui.waitFor('✖ failed');
  });

  test('enter opens the selected service and tells the model to watch it', async () => {
    const model = new FakeConsoleModel({services: many(3)});
    const ui = await renderConsole(model);
    await ui.waitFor('svc-000');
    await ui.press('j\r');
    await ui.waitFor('Tasks');
    expect(model.callsTo('watchService').at(-1)).toEqual(['svc-001']);
    await ui.press(KEYS.escape);
    await ui.waitFor('Services');
    expect(model.callsTo('watchService').at(-1)).toEqual([null]);
  });

  test('says so when the connection to the daemon is lost', async () => {
    const model = new FakeConsoleModel({services: many(2)});
    const ui = await renderConsole(model);
    await ui.waitFor('● connected');
    model.update((s) => ({...s, connection: {...s.connection, status: 'lost', error: 'connect ENOENT'}}));
    await ui.waitFor('✖ connection lost: connect ENOENT — reconnecting');
    expect(ui.frame()).toContain('svc-000');
  });
});

describe('the footer', () => {
  test("shows the model's last error on the status line", async () => {
    const model = new FakeConsoleModel({services: many(2)});
    const ui = await renderConsole(model);
    await ui.waitFor('svc-000');
    model.update({lastError: 'listing tasks failed: socket hang up'});
    await ui.waitFor('✖ listing tasks failed: socket hang up');
    expect(ui.lines().at(-2)).toContain('socket hang up');
  });
});

describe('the frame', () => {
  test('asks for a bigger terminal below 60x15 and names both sizes', async () => {
    const ui = await renderConsole(new FakeConsoleModel({services: many(3)}), {columns: 50, rows: 12});
    await ui.waitFor((f) => f.replace(/\s+/g, ' ').includes('terminal too small: need at least 60x15, have 50x12'));
    expect(ui.lines().length).toBeLessThanOrEqual(11);
    ui.resize(80, 24);
    await ui.waitFor('svc-000');
  });

  test('follows a resize: fewer rows show fewer services and still fit', async () => {
    const ui = await renderConsole(new FakeConsoleModel({services: many(100)}));
    await ui.waitFor('svc-017');
    ui.resize(70, 16);
    await ui.waitFor((f) => !f.includes('svc-017') && f.includes('svc-009'));
    expect(ui.lines().length).toBeLessThanOrEqual(15);
    expect(ui.lines().every((l) => l.length <= 70)).toBe(true);
  });

  test('shows READ-ONLY in the header and offers no mutating key hints', async () => {
    const model = new FakeConsoleModel({services: many(2)}, {readOnly: true});
    const ui = await renderConsole(model);
    await ui.waitFor('[READ-ONLY]');
    await ui.press('\r');
    const frame = await ui.waitFor('Tasks');
    expect(frame).toContain('[READ-ONLY]');
    expect(frame).not.toMatch(/R redeploy|s snapshot/);
  });

  test('uses colour by default', async () => {
    const ui = await renderConsole(new FakeConsoleModel({services: [service({name: 'web', health: 'failed'})]}));
    await ui.waitFor('web');
    expect(ui.lastFrame()).toMatch(/\u001b\[3\dm/);
  });

  test('writes no colour escape codes with colour off (NO_COLOR), statuses still readable', async () => {
    const ui = await renderConsole(
      new FakeConsoleModel({services: [service({name: 'web', health: 'failed', running: 0}), service({name: 'api'})]}),
      {color: false},
    );
    await ui.waitFor('web');
    const raw = ui.lastFrame() ?? '';
    expect(raw).not.toContain('\u001b[');
    expect(raw).toContain('✖ failed');
    expect(raw).toContain('› web');
  });

  test('q quits', async () => {
    const model = new FakeConsoleModel({services: many(2)});
    const ui = await renderConsole(model);
    await ui.waitFor('svc-000');
    await ui.press('\r');
    await ui.waitFor('Tasks');
    await ui.press('q');
    // The app unmounted: its last word to the model is to stop watching.
    await expect.poll(() => model.callsTo('watchService').at(-1)).toEqual([null]);
  });
});
