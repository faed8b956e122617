import {afterEach, describe, expect, test} from 'vitest';
import {cleanup} from 'ink-testing-library';
import type {ImagePlace} from '../../../source/services/console-model.js';
import type {RollbackImage} from '../../../source/store/index.js';
import {FakeConsoleModel, service, version} from '../../support/fake-model.js';
import {renderConsole, renderHistory} from '../../support/render-console.js';

afterEach(cleanup);

const kept = (image: Partial<RollbackImage>): RollbackImage => ({
  pushState: 'none',
  location: null,
  ref: null,
  digest: null,
  error: null,
  attemptedAt: null,
  size: null,
  ...image,
});

/** Where the console found the image when it loaded the history (the connected node's store). */
const place = (location: ImagePlace['location'], nodes: string[] = []): ImagePlace => ({
  location,
  size: null,
  pushState: location === 'registry' ? 'pushed' : 'local',
  pushError: null,
  ref: null,
  digest: null,
  nodes,
});

describe('history view: where each version image is kept', () => {
  test('shows registry, local only, push failed and missing per version', async () => {
    const m = new FakeConsoleModel({services: [service({name: 'web', liveVersion: 4})]});
    m.history.web = [
      version({number: 4, rollbackImage: kept({pushState: 'pushed', location: 'registry', digest: 'sha256:a'})}),
      version({number: 3, rollbackImage: kept({pushState: 'push_failed', location: 'local', error: 'unauthorized'})}),
      version({number: 2, rollbackImage: kept({pushState: 'local', location: 'local'})}),
      version({number: 1, rollbackImage: kept({pushState: 'push_failed', location: 'missing'})}),
    ];
    const ui = await renderHistory(m, 'web', 'v4');
    expect(ui.frame()).toContain('KEPT IN');
    const rows = ui.lines().filter((l) => /v\d+\s+\d+h /.test(l));
    expect(rows[0]).toMatch(/v4 .* registry /);
    expect(rows[1]).toMatch(/v3 .* ✖ push failed /);
    expect(rows[2]).toMatch(/v2 .* local only /);
  });

  test('at 80 columns, with every column shown, CHANGES never cuts the version a rollback went back to', async () => {
    const m = new FakeConsoleModel({services: [service({name: 'web', liveVersion: 13})]});
    m.history.web = [
      version({
        number: 13,
        source: 'rollback',
        note: 'rolled back to v12',
        rollbackImage: kept({pushState: 'local', location: 'local'}),
      }),
      version({number: 12}),
    ];
    const ui = await renderConsole(m, {columns: 80});
    await ui.waitFor('web');
    await ui.press('h');
    const frame = await ui.waitFor('v13');
    expect(frame).toContain('KEPT IN');
    expect(frame).toMatch(/rolled back to v12/);
  });

  test('names the node whose image store holds a local-only image, whole where the column has room, and keeps 80 columns', async () => {
    const node = 'dokroll-multi-n1';
    const m = new FakeConsoleModel({services: [service({name: 'web', liveVersion: 3})]});
    m.history.web = [
      {...version({number: 3}), imagePlace: place('registry')},
      {
        ...version({number: 2, rollbackImage: kept({pushState: 'local', location: 'local'})}),
        imagePlace: place('local', [node]),
      },
      {...version({number: 1}), imagePlace: place('missing')},
    ];
    const wide = await renderHistory(m, 'web', 'v3', {columns: 120});
    const wideRows = wide.lines().filter((l) => /v\d+\s+\d+h /.test(l));
    expect(wideRows[1]).toMatch(new RegExp(`v2 .* local only on ${node} `));
    expect(wideRows[0]).toMatch(/v3 .* registry /);
    expect(wideRows[2]).toMatch(/v1 .* missing /);
    cleanup();

    const narrow = await renderHistory(m, 'web', 'v3', {columns: 80});
    expect(narrow.lines().every((l) => [...l].length <= 80)).toBe(true);
    const narrowRows = narrow.lines().filter((l) => /v\d+\s+\d+h /.test(l));
    expect(narrowRows[1]).toMatch(/v2 .* local on …-n1 /);
  });

  test('a history loaded without looking at the image store says local only, as last recorded, without a node', async () => {
    const m = new FakeConsoleModel({services: [service({name: 'web', liveVersion: 2})]});
    m.history.web = [
      version({number: 2}),
      {
        ...version({number: 1, rollbackImage: kept({pushState: 'local', location: 'local'})}),
        imagePlace: place('local'),
      },
    ];
    const ui = await renderHistory(m, 'web', 'v2', {columns: 120});
    const rows = ui.lines().filter((l) => /v\d+\s+\d+h /.test(l));
    expect(rows[1]).toMatch(/v1 .* local only /);
    expect(rows[1]).not.toContain(' on ');
  });
});
