import {afterEach, beforeAll, describe, expect, test} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {FakeConsoleModel, SHOP_HISTORY, service} from '../../support/fake-model.js';
import {forceColor, KEYS, renderConsole} from '../../support/render-console.js';

beforeAll(forceColor);
afterEach(cleanup);

const RIGHT = '\u001b[C';
const LEFT = '\u001b[D';
const selectedLine = (lines: string[]) => lines.find((l) => l.startsWith('›')) ?? '';

function stacked(): FakeConsoleModel {
  return new FakeConsoleModel({
    services: [
      service({name: 'shop_web', stack: 'shop', running: 2, desired: 2}),
      service({name: 'loose', running: 1, desired: 1}),
      service({name: 'shop_worker', stack: 'shop', running: 0, desired: 1, health: 'failed'}),
      service({name: 'blog_app', stack: 'blog', running: 1, desired: 1}),
    ],
  });
}

describe('services list grouped by stack', () => {
  test('shows a row per stack with its services under it, worst health and replica sums, and the services without a stack under their own heading', async () => {
    const ui = await renderConsole(stacked());
    await ui.waitFor('no stack (');
    const lines = ui.lines();
    const at = (text: string) => lines.findIndex((l) => l.includes(text));
    expect(at('▾ blog (1)')).toBeLessThan(at('blog_app'));
    expect(at('blog_app')).toBeLessThan(at('▾ shop (2)'));
    expect(at('▾ shop (2)')).toBeLessThan(at('shop_web'));
    expect(at('shop_worker')).toBeLessThan(at('▾ no stack (1)'));
    expect(at('▾ no stack (1)')).toBeLessThan(at('loose'));
    expect(lines[at('▾ shop')]).toMatch(/2\/3 .*✖ failed/);
    expect(lines[at('shop_web')]).toMatch(/^ {2,}\s*shop_web/);
  });

  test('collapses and expands a stack with Enter, ← and →, the cursor staying on the stack row', async () => {
    const model = stacked();
    const ui = await renderConsole(model);
    await ui.waitFor('no stack (');
    await ui.press(KEYS.down.repeat(2));
    await ui.waitFor((f) => selectedLine(f.split('\n')).includes('▾ shop'));
    await ui.press(KEYS.enter);
    await ui.waitFor((f) => selectedLine(f.split('\n')).includes('▸ shop') && !f.includes('shop_web'));
    await ui.press(RIGHT);
    await ui.waitFor((f) => selectedLine(f.split('\n')).includes('▾ shop') && f.includes('shop_web'));
    await ui.press(LEFT);
    await ui.waitFor((f) => f.includes('▸ shop') && !f.includes('shop_worker'));
    // Enter on a service still opens it.
    await ui.press(KEYS.down);
    await ui.waitFor((f) => selectedLine(f.split('\n')).includes('no stack ('));
    await ui.press(KEYS.down + KEYS.enter);
    await ui.waitFor(/loose/);
    expect(model.calls.some((c) => c.method === 'watchService' && c.args[0] === 'loose')).toBe(true);
  });

  test('opens the revision history of the stack under the cursor with h, and goes back with esc', async () => {
    const model = stacked();
    model.stackHistory.shop = SHOP_HISTORY;
    const ui = await renderConsole(model);
    await ui.waitFor('no stack (');
    await ui.press(KEYS.down.repeat(2));
    await ui.waitFor((f) => selectedLine(f.split('\n')).includes('▾ shop'));
    await ui.press('h');
    const frame = await ui.waitFor('stack history');
    expect(frame).toContain('▶ live r2');
    expect(frame).toMatch(/▶r2 .*recorded .*shop_web v1→v2: image nginx:1\.25/);
    expect(frame).toMatch(/ r1 .*first recorded revision/);
    expect(model.calls.filter((c) => c.method === 'loadStackHistory').map((c) => c.args)).toEqual([['shop']]);
    await ui.press(KEYS.escape);
    await ui.waitFor('no stack (');
  });

  test('diffs a revision against what runs with d, and two revisions after marking one with m, service by service', async () => {
    const model = stacked();
    model.stackHistory.shop = SHOP_HISTORY;
    model.stackDiffs['shop|1|live'] = {
      stack: 'shop',
      from: 1,
      to: 'live',
      added: [{service: 'shop_cache', version: 1}],
      removed: [],
      changed: [
        {
          service: 'shop_web',
          from: 1,
          to: 2,
          diff: {
            changed: true,
            sections: [
              {
                section: 'image',
                title: 'Image',
                changes: [{kind: 'changed', key: 'image', old: 'nginx:1.25', new: 'nginx:1.26'}],
              },
            ],
          },
        },
      ],
      unchanged: ['shop_worker'],
    } as never;
    model.stackDiffs['shop|1|2'] = {
      stack: 'shop',
      from: 1,
      to: 2,
      added: [],
      removed: [],
      changed: [],
      unchanged: ['shop_web', 'shop_worker'],
    };
    const ui = await renderConsole(model);
    await ui.waitFor('no stack (');
    await ui.press(KEYS.down.repeat(2) + 'h');
    await ui.waitFor('stack history');
    await ui.press(KEYS.down + 'd');
    const diff = await ui.waitFor('shop · stack diff r1 → live');
    expect(diff).toContain('+ service shop_cache (v1)');
    expect(diff).toContain('~ service shop_web: v1 → v2');
    expect(diff).toMatch(/\n\s+~ image: nginx:1\.25 → nginx:1\.26/);
    expect(diff).toContain('unchanged: shop_worker');
    await ui.press(KEYS.escape);
    await ui.waitFor('stack history');
    await ui.press('m' + KEYS.up + 'd');
    await ui.waitFor('shop · stack diff r1 → r2');
    expect(model.calls.filter((c) => c.method === 'stackDiff').map((c) => c.args)).toEqual([
      ['shop', 1, 'live'],
      ['shop', 1, 2],
    ]);
  });

  test('lists a swarm without stacks flat, as before', async () => {
    const ui = await renderConsole(new FakeConsoleModel({services: [service({name: 'a'}), service({name: 'b'})]}));
    await ui.waitFor(/ b /);
    expect(ui.frame()).not.toContain('no stack (');
  });
});
