/** Enter on a task opens its detail; l there follows that task's logs. */
import {afterEach, describe, expect, test} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {FakeConsoleModel, NOW, service, task} from '../../support/fake-model.js';
import {KEYS, renderConsole} from '../../support/render-console.js';

afterEach(cleanup);

describe('task detail', () => {
  test('enter on a task shows it in full, and l follows its logs', async () => {
    const model = new FakeConsoleModel({
      services: [service({name: 'web'})],
      tasks: {web: [task({id: 'task1abcdefghijklmnop'})]},
    });
    model.taskDetails.task1abcdefghijklmnop = {
      id: 'task1abcdefghijklmnop',
      service: 'web',
      slot: 1,
      node: 'manager-1',
      state: 'complete',
      desiredState: 'shutdown',
      image: 'web:1.4@sha256:abc',
      containerId: 'c0ffee',
      exitCode: 0,
      error: null,
      message: 'finished',
      ports: ['30001→8080/tcp (host)'],
      restarts: [{id: 'older1234567890', state: 'failed', since: NOW - 60_000, error: 'task: non-zero exit (1)'}],
      health: {status: 'unhealthy', checks: ['exit 1: wget: server returned error: HTTP/1.1 404 Not Found\u001b[2J']},
    };
    const ui = await renderConsole(model);
    await ui.waitFor('web');
    await ui.press(KEYS.enter);
    await ui.waitFor('Tasks');
    await ui.press(KEYS.enter);
    const frame = await ui.waitFor('c0ffee');
    expect(model.callsTo('taskDetail')).toEqual([['web', 'task1abcdefghijklmnop']]);
    expect(frame).toMatch(/image\s+web:1\.4@sha256:abc/);
    expect(frame).toMatch(/ports\s+30001→8080\/tcp \(host\)/);
    expect(frame).toMatch(/health\s+⚠ unhealthy/);
    expect(frame).toContain('exit 1: wget: server returned error: HTTP/1.1 404 Not Found\\x1b[2J');
    expect(frame).toMatch(/older123456.*failed.*task: non-zero exit \(1\)/);
    await ui.press('l');
    await ui.waitFor('logs of task task1abcdefg');
    expect(model.callsTo('followLogs').at(-1)).toEqual([{service: 'web', task: 'task1abcdefghijklmnop'}]);
  });
});
