import {afterEach, beforeAll, describe, expect, test} from 'vitest';
import {cleanup} from 'ink-testing-library';
import type {NodeRow} from '../../../source/services/console-model.js';
import {FakeConsoleModel, service} from '../../support/fake-model.js';
import {forceColor, KEYS, renderConsole} from '../../support/render-console.js';

beforeAll(forceColor);
afterEach(cleanup);

function node(overrides: Partial<NodeRow> & {id: string; name: string}): NodeRow {
  return {
    role: 'worker',
    leader: false,
    availability: 'active',
    state: 'ready',
    engine: '20.10.24',
    tasksRunning: 0,
    self: false,
    ...overrides,
  };
}

const NODES: NodeRow[] = [
  node({
    id: 'a1',
    name: 'mgr-1',
    role: 'manager',
    leader: true,
    reachability: 'reachable',
    self: true,
    tasksRunning: 2,
  }),
  node({
    id: 'b2',
    name: 'mgr-2',
    role: 'manager',
    reachability: 'unreachable',
    state: 'down',
    message: 'heartbeat failure',
    tasksRunning: 0,
  }),
  node({id: 'c3', name: 'worker-1', availability: 'drain', engine: '24.0.7', tasksRunning: 5}),
];

describe('nodes view', () => {
  test('n opens the nodes: role, leader, availability, state with its cause, Engine version, tasks running; the connected one marked', async () => {
    const model = new FakeConsoleModel({services: [service({name: 'web'})]});
    const ui = await renderConsole(model, {columns: 100});
    await ui.waitFor('web');
    await ui.press('n');
    await ui.waitFor('loading nodes…');
    expect(model.callsTo('watchNodes').at(-1)).toEqual([true]);
    model.update({nodes: NODES});
    await ui.waitFor('worker-1');
    const line = (name: string) => ui.lines().find((l) => l.includes(name))!;
    expect(line('mgr-1')).toMatch(/mgr-1 \*\s+manager\s+leader\s+active\s+● ready\s+20\.10\.24\s+2/);
    expect(line('mgr-2')).toMatch(
      /mgr-2\s+manager\s+unreachable\s+active\s+✖ down \(heartbeat failure\)\s+20\.10\.24\s+0/,
    );
    expect(line('worker-1')).toMatch(/worker-1\s+worker\s+drain\s+● ready\s+24\.0\.7\s+5/);
    expect(ui.lines().join('\n')).toMatch(/NODE\s+ROLE\s+LEADER\s+AVAILABILITY\s+STATE\s+ENGINE\s+TASKS/);
    expect(ui.lines().every((l) => l.length <= 100)).toBe(true);
    await ui.press(KEYS.escape);
    await ui.waitFor((f) => !f.includes('worker-1'));
    expect(model.callsTo('watchNodes').at(-1)).toEqual([false]);
  });

  test('the footer offers n on the services overview, and the help lists it', async () => {
    const ui = await renderConsole(new FakeConsoleModel({services: [service({name: 'web'})]}));
    await ui.waitFor('web');
    expect(ui.lines().at(-1)).toContain('n nodes');
    await ui.press('?');
    await ui.waitFor(/n +the swarm's nodes/);
  });
});
