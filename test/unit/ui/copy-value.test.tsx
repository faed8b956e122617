/**
 * y copies the selected image digest / value and shows it whole in a detail line at the bottom
 * (the OSC 52 bytes themselves are written to a terminal only: see clipboard.test.ts and the tmux test).
 */
import {afterEach, describe, expect, test} from 'vitest';
import {cleanup} from 'ink-testing-library';
import type {SnapshotDiff} from '../../../source/services/console-model.js';
import {FakeConsoleModel, service, task, version} from '../../support/fake-model.js';
import {KEYS, renderConsole} from '../../support/render-console.js';

afterEach(cleanup);

const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;
const IMAGE = `registry.example.com:5000/team/web-frontend:1.2@${DIGEST}`;

/** The frame's lines from the first that holds `start`, joined without the line breaks. */
const joinedFrom = (lines: string[], start: string) => {
  const i = lines.findIndex((l) => l.includes(start));
  return i < 0 ? '' : lines.slice(i).join('');
};

describe('y copies', () => {
  test("in the history: the version's image digest, shown whole over several lines at 80 columns", async () => {
    const m = new FakeConsoleModel({services: [service({name: 'web', liveVersion: 3})]});
    m.history.web = [version({number: 3}), version({number: 2, imageDigest: IMAGE})];
    const ui = await renderConsole(m);
    await ui.waitFor('web');
    await ui.press('h');
    await ui.waitFor('v3');
    await ui.press('?');
    await ui.waitFor('copy the image digest / value (OSC 52), shown whole');
    await ui.press('?');
    await ui.waitFor((f) => !f.includes('OSC 52'));
    await ui.press('j');
    await ui.press('y');
    await ui.waitFor("copied v2's image");
    expect(joinedFrom(ui.lines(), 'copied')).toContain(`copied v2's image: ${IMAGE}`);
    expect(ui.lines().length).toBeLessThanOrEqual(23);
    expect(ui.lines().every((l) => [...l].length <= 80)).toBe(true);
    // The next key clears it.
    await ui.press('k');
    await ui.waitFor((f) => !f.includes('copied'));
  });

  test("in the tasks: the selected task's image; in its detail: the task's image", async () => {
    const m = new FakeConsoleModel({
      services: [service({name: 'web'})],
      tasks: {web: [task({id: 'task1abcdefghijklmnop', image: IMAGE})]},
    });
    m.taskDetails.task1abcdefghijklmnop = {
      id: 'task1abcdefghijklmnop',
      service: 'web',
      slot: 1,
      node: 'manager-1',
      state: 'running',
      desiredState: 'running',
      image: `web:1.4@${DIGEST}`,
      containerId: 'c0ffee',
      exitCode: null,
      error: null,
      message: null,
      ports: [],
      restarts: [],
      health: null,
    };
    const ui = await renderConsole(m);
    await ui.waitFor('web');
    await ui.press(KEYS.enter);
    await ui.waitFor('Tasks');
    await ui.press('y');
    await ui.waitFor('copied task task1abcdefg');
    expect(joinedFrom(ui.lines(), 'copied')).toContain(`copied task task1abcdefg's image: ${IMAGE}`);
    await ui.press(KEYS.enter);
    await ui.waitFor('c0ffee');
    await ui.press('y');
    await ui.waitFor('copied task');
    expect(joinedFrom(ui.lines(), 'copied')).toContain(`image: web:1.4@${DIGEST}`);
  });

  test('in a diff: the value of the line under the cursor, whole (the new value, then the old one)', async () => {
    const m = new FakeConsoleModel({services: [service({name: 'web', liveVersion: 3})]});
    m.history.web = [version({number: 3}), version({number: 1})];
    const diff: SnapshotDiff = {
      changed: true,
      sections: [
        {
          section: 'image',
          title: 'Image',
          changes: [{kind: 'changed', key: 'image', old: `web@sha256:${'ab'.repeat(32)}`, new: `web@${DIGEST}`}],
        },
      ],
    };
    m.diffFor = () => diff;
    const ui = await renderConsole(m);
    await ui.waitFor('web');
    await ui.press('h');
    await ui.waitFor('v3');
    await ui.press('j');
    await ui.press('d');
    await ui.waitFor('was');
    await ui.press('y');
    await ui.waitFor('nothing to copy here');
    await ui.press('j');
    await ui.waitFor('› ~ image:');
    await ui.press('y');
    await ui.waitFor('copied image (now)');
    expect(joinedFrom(ui.lines(), 'copied')).toContain(`copied image (now): web@${DIGEST}`);
    await ui.press('j');
    await ui.press('y');
    await ui.waitFor('copied image (was)');
    expect(joinedFrom(ui.lines(), 'copied')).toContain(`copied image (was): web@sha256:${'ab'.repeat(32)}`);
  });
});
