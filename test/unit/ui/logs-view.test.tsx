/**
 * `l` opens the service's logs, followed: the model is told whose logs to follow (and to stop when
 * the view closes), lines show with their time, the end keeps following, `/` filters. Unknown keys
 * get a footer hint instead of nothing.
 */
import {afterEach, describe, expect, test} from 'vitest';
import {cleanup} from 'ink-testing-library';
import type {LogEntry} from '../../../source/services/console-model.js';
import {FakeConsoleModel, service} from '../../support/fake-model.js';
import {KEYS, renderConsole} from '../../support/render-console.js';

afterEach(cleanup);

const line = (seq: number, text: string, stream: LogEntry['stream'] = 'stdout'): LogEntry => ({
  seq,
  at: `2026-12-03T10:00:${String(seq % 60).padStart(2, '0')}.250000000Z`,
  stream,
  text,
});

function withLines(model: FakeConsoleModel, count: number, from = 1): void {
  const lines = Array.from({length: count}, (_, i) => line(from + i, `request ${from + i} served`));
  model.update((s) => ({...s, logs: {target: {service: 'web'}, lines, dropped: 0, following: true}}));
}

describe('logs view', () => {
  test("l follows the service's logs and esc stops following", async () => {
    const model = new FakeConsoleModel({services: [service({name: 'web'})]});
    const ui = await renderConsole(model);
    await ui.waitFor('web');
    await ui.press('l');
    await ui.waitFor('web · logs');
    expect(model.callsTo('followLogs').at(-1)).toEqual([{service: 'web'}]);
    withLines(model, 3);
    const frame = await ui.waitFor('request 3 served');
    expect(frame).toMatch(/10:00:01\.250\s+request 1 served/);
    expect(frame).toContain('following');
    await ui.press(KEYS.escape);
    await ui.waitFor('Services');
    expect(model.callsTo('followLogs').at(-1)).toEqual([null]);
  });

  test('stays at the newest line as lines arrive, and / filters', async () => {
    const model = new FakeConsoleModel({services: [service({name: 'web'})]});
    const ui = await renderConsole(model, {rows: 15});
    await ui.waitFor('web');
    await ui.press('l');
    withLines(model, 40);
    await ui.waitFor('request 40 served');
    model.update((s) => ({...s, logs: {...s.logs!, lines: [...s.logs!.lines, line(41, 'boom: disk full', 'stderr')]}}));
    const newest = await ui.waitFor('boom: disk full');
    expect(newest).toMatch(/ ! boom: disk full/);
    await ui.press('/');
    await ui.press('request 1');
    const filtered = await ui.waitFor('filter: request 1');
    expect(filtered).toContain('request 12 served');
    expect(filtered).not.toContain('request 25 served');
  });
});

describe('unknown keys', () => {
  test('say so in the footer instead of doing nothing', async () => {
    const model = new FakeConsoleModel({services: [service({name: 'web'})]});
    const ui = await renderConsole(model);
    await ui.waitFor('web');
    await ui.press('z');
    await ui.waitFor('z: no such key here — ? lists the keys');
  });
});
