import {afterEach, beforeAll, describe, expect, test} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {colorEnabled} from '../../../source/ui/theme/tone.js';
import {FakeConsoleModel, rollout, service, task, version} from '../../support/fake-model.js';
import {forceColor, KEYS, renderConsole} from '../../support/render-console.js';

beforeAll(forceColor);
afterEach(cleanup);

describe('colour off', () => {
  test('NO_COLOR with any value and --no-color turn colour off; an empty NO_COLOR does not', () => {
    expect(colorEnabled({env: {}})).toBe(true);
    expect(colorEnabled({env: {NO_COLOR: '1'}})).toBe(false);
    expect(colorEnabled({env: {NO_COLOR: ''}})).toBe(true);
    expect(colorEnabled({noColor: true, env: {}})).toBe(false);
  });

  test('no view writes a colour or style escape code, and statuses read by symbol', async () => {
    const m = new FakeConsoleModel({
      services: [service({name: 'web', liveVersion: 3, health: 'degraded', updateState: 'paused'})],
      tasks: {web: [task({id: 't1', state: 'failed', error: 'boom'}), task({id: 't2', slot: 2})]},
      events: {web: [{at: Date.now(), text: 'update paused'}]},
      rollouts: {web: rollout({done: true, result: 'degraded'})},
    });
    m.history.web = [
      version({number: 3}),
      version({number: 2, health: 'bad'}),
      version({number: 1, health: 'pending'}),
    ];
    const ui = await renderConsole(m, {color: false});
    const frames: string[] = [];
    const step = async (keys: string, text: string) => {
      if (keys) await ui.press(keys);
      await ui.waitFor(text);
      frames.push(ui.lastFrame() ?? '');
    };
    await step('', '⚠ degraded');
    await step(KEYS.enter, '✖ failed');
    await step(KEYS.tab, '▸ Events');
    await step('h', '✖ bad');
    await step('j?', 'History keys');
    await step(KEYS.escape + 'd', '+ FEATURE_X');
    await step(KEYS.escape + 'r', 'pre-flight passed');
    await step(KEYS.escape + 'p', 'result: degraded');
    expect(frames).toHaveLength(8);
    for (const frame of frames) expect(frame).not.toContain('\u001b[');
    expect(frames.at(-1)).toMatch(/█+/);
    expect(frames.at(-1)).toContain('⚠ result: degraded');
  });
});
