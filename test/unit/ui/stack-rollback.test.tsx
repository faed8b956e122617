/**
 * Rolling a whole stack back in the console: `r` on a stack row (or on a revision of its history)
 * opens the dialog with the per-service plan, pre-flight first and focus on Cancel; the confirmed
 * plan starts the stack rollback; `p` shows a row per service, Enter opens a service's per-slot
 * panel, and the combined verdict ends it.
 */
import {afterEach, describe, expect, test} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {FakeConsoleModel, SHOP_HISTORY, progress, service} from '../../support/fake-model.js';
import {KEYS, renderConsole} from '../../support/render-console.js';
import type {StackPlanReport} from '../../../source/services/console-model.js';

afterEach(cleanup);

const selectedLine = (frame: string) =>
  frame
    .split('\n')
    .find((l) => l.trimStart().startsWith('›'))
    ?.trim() ?? '';

const history = SHOP_HISTORY;

const plan: StackPlanReport = {
  stack: 'shop',
  revision: 1,
  ok: true,
  failure: null,
  services: [
    {service: 'shop_cache', action: 'keep', from: 1, to: null, checks: []},
    {
      service: 'shop_web',
      action: 'rollback',
      from: 2,
      to: 1,
      checks: [{name: 'image', ok: true, detail: 'nginx:1.25 found'}],
    },
    {service: 'shop_worker', action: 'unchanged', from: 2, to: 2, checks: []},
  ],
};

function model(opts: {readOnlyServices?: string[]} = {}): FakeConsoleModel {
  const m = new FakeConsoleModel(
    {
      services: [
        service({name: 'shop_web', stack: 'shop', running: 2, desired: 2, liveVersion: 2}),
        service({name: 'shop_worker', stack: 'shop', running: 1, desired: 1, liveVersion: 2}),
        service({name: 'shop_cache', stack: 'shop', running: 1, desired: 1, liveVersion: 1}),
        service({name: 'loose', running: 1, desired: 1}),
      ],
    },
    opts,
  );
  m.stackHistory.shop = history;
  m.stackPlans['shop|1'] = plan;
  return m;
}

/** The console with the cursor on the shop stack row. */
async function onStackRow(m: FakeConsoleModel) {
  const ui = await renderConsole(m, {columns: 100, rows: 24});
  await ui.waitFor('no stack (');
  for (let i = 0; i < 8 && !selectedLine(ui.frame()).includes('▾ shop'); i++) {
    await ui.press(KEYS.down);
  }
  await ui.waitFor((f) => selectedLine(f).includes('▾ shop'));
  return ui;
}

async function openDialog(m: FakeConsoleModel) {
  const ui = await onStackRow(m);
  await ui.press('r');
  await ui.waitFor('Roll back stack shop to r1?');
  return ui;
}

describe('stack rollback dialog', () => {
  test('r on a stack row plans the rollback to the revision before the live one: a line per service as stack rollback --dry-run says it, focus on Cancel', async () => {
    const m = model();
    const ui = await openDialog(m);
    const frame = await ui.waitFor('pre-flight passed for every service');
    expect(frame).toMatch(/✔ shop_web\s+roll back v2 → v1/);
    expect(frame).toMatch(/✔ shop_worker\s+unchanged \(v2\)/);
    expect(frame).toMatch(/✔ shop_cache\s+kept \(added since r1\)/);
    expect(selectedLine(frame)).toBe('› Cancel');
    expect(frame).toContain('Roll back the stack to r1');
    expect(m.callsTo('stackPreflight')).toEqual([['shop', 1]]);
    // Enter on the focused Cancel starts nothing.
    await ui.press(KEYS.enter);
    await ui.waitFor((f) => selectedLine(f).includes('▾ shop'));
    expect(m.callsTo('stackRollback')).toEqual([]);
  });

  test('the third choice rolls the stack back and puts every service back automatically on failure', async () => {
    const m = model();
    const ui = await openDialog(m);
    await ui.waitFor('pre-flight passed for every service');
    await ui.press(KEYS.down + KEYS.down);
    await ui.waitFor(
      (f) => selectedLine(f) === '› Roll back the stack, put every service back automatically on failure',
    );
    await ui.press(KEYS.enter);
    await ui.waitFor('shop · stack rollback to r1');
    expect(m.callsTo('stackRollback')).toEqual([['shop', 1, plan, {revertOnFailure: true}]]);
  });

  test('a failing pre-flight names the service and the check and offers only Cancel', async () => {
    const m = model();
    m.stackPlans['shop|1'] = {
      ...plan,
      ok: false,
      failure: 'shop_web: image: nginx:1.25 not found locally nor in the registry',
      services: plan.services.map((p) =>
        p.service === 'shop_web'
          ? {...p, checks: [{name: 'image', ok: false, detail: 'nginx:1.25 not found locally nor in the registry'}]}
          : p,
      ),
    };
    const ui = await openDialog(m);
    const frame = await ui.waitFor('pre-flight failed');
    expect(frame).toMatch(/✖ shop_web\s+roll back v2 → v1/);
    expect(frame).toContain('✖ image: nginx:1.25 not found locally nor in the registry');
    expect(frame).toContain('pre-flight failed: shop_web: image: nginx:1.25 not found');
    expect(frame).not.toContain('Roll back the stack');
    await ui.press(KEYS.down + KEYS.enter);
    await ui.waitFor((f) => selectedLine(f).includes('▾ shop'));
    expect(m.callsTo('stackRollback')).toEqual([]);
  });

  test('read-only for any service of the stack refuses r on the stack row, naming the setting, before any pre-flight', async () => {
    const m = model({readOnlyServices: ['shop_worker']});
    const ui = await onStackRow(m);
    await ui.press('r');
    await ui.waitFor('read-only: services.shop_worker.readOnly is true in config.json');
    expect(m.callsTo('stackPreflight')).toEqual([]);
    expect(ui.frame()).not.toContain('Roll back stack');
  });

  test('r on a revision of the stack history rolls the stack back to that revision', async () => {
    const m = model();
    const ui = await onStackRow(m);
    await ui.press('h');
    await ui.waitFor('▶ live r2');
    await ui.press(KEYS.down + 'r');
    await ui.waitFor('Roll back stack shop to r1?');
    await ui.waitFor('pre-flight passed for every service');
    expect(m.callsTo('stackPreflight')).toEqual([['shop', 1]]);
  });
});

describe('stack progress panel', () => {
  async function confirmed(m: FakeConsoleModel) {
    const ui = await openDialog(m);
    await ui.waitFor('pre-flight passed for every service');
    await ui.press(KEYS.down + KEYS.enter);
    await ui.waitFor('shop · stack rollback to r1');
    return ui;
  }

  test('confirming applies the plan the dialog showed and opens a row per service: phase, slots, elapsed ticking every second, ETA', async () => {
    const m = model();
    const ui = await confirmed(m);
    expect(m.callsTo('stackRollback')).toEqual([['shop', 1, plan]]);
    const frame = ui.frame();
    expect(frame).toMatch(/shop_web\s+roll back v2 → v1\s+◌ preparing\s+0\/1\s+0s\s+—/);
    expect(frame).toMatch(/shop_worker\s+unchanged \(v2\)\s+—/);
    expect(frame).toContain('combined verdict: once every service has ended');
    await ui.waitFor(/shop_web\s+roll back v2 → v1\s+◌ preparing\s+0\/1\s+1s/, 3_000);
    m.update((s) => ({
      ...s,
      rollouts: {
        ...s.rollouts,
        shop_web: {
          ...s.rollouts.shop_web!,
          progress: progress({slotsDone: 1, slotsTotal: 2, etaMs: 9_000}),
          progressAt: Date.now(),
        },
      },
    }));
    await ui.waitFor(/shop_web\s+roll back v2 → v1\s+◌ updating\s+1\/2\s+\d+s\s+[89]s/);
  });

  test('q while the stack rollback runs asks first, naming the stack and how to finish it (stack rollback --resume)', async () => {
    const m = model();
    const ui = await confirmed(m);
    await ui.press('q');
    const frame = await ui.waitFor('A rollback of stack shop is running');
    expect(frame).toContain("'dokroll-tui stack rollback shop --resume' finishes it");
    expect(selectedLine(frame)).toBe('› Keep watching');
  });

  test('Enter on a service row opens its per-slot panel, esc comes back to the stack', async () => {
    const m = model();
    const ui = await confirmed(m);
    await ui.press(KEYS.down);
    await ui.waitFor((f) => selectedLine(f).startsWith('› shop_web'));
    await ui.press(KEYS.enter);
    await ui.waitFor('rollback v2 → v1');
    await ui.press(KEYS.escape);
    await ui.waitFor('shop · stack rollback to r1');
  });

  test('one combined verdict at the end: healthy only when every service is; degraded names the services and why', async () => {
    const m = model();
    const ui = await confirmed(m);
    const end = (result: 'healthy' | 'degraded', reasons: string[]) =>
      m.update((s) => ({
        ...s,
        stackRollouts: {
          shop: {
            ...s.stackRollouts!.shop!,
            done: true,
            endedAt: Date.now(),
            result,
            reasons,
            recordedRevision: result === 'healthy' ? 3 : null,
          },
        },
      }));
    end('degraded', ['shop_web: degraded — 1 of 2 tasks unhealthy; slot 2: health check failed']);
    const degraded = await ui.waitFor('stack degraded');
    expect(degraded).toContain('shop_web: degraded — 1 of 2 tasks unhealthy; slot 2: health check failed');
    end('healthy', []);
    await ui.waitFor(/stack healthy — every service healthy \(\d+s, recorded as r3\)/);
    // `p` on the stack row comes back to it.
    await ui.press(KEYS.escape);
    await ui.waitFor((f) => selectedLine(f).includes('▾ shop'));
    await ui.press('p');
    await ui.waitFor('shop · stack rollback to r1');
  });
});
