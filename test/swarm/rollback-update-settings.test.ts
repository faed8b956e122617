/**
 * Against the real swarm: a rollback's own update settings (--parallelism, --order) govern only
 * its update; the version's UpdateConfig is back in the spec at the end, and putting it back
 * restarts no task.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ensureBuilt} from '../support/built-cli.js';
import {trackService} from '../support/cleanup.js';
import {runCli} from '../support/cli.js';
import {openHistoryBed, type HistoryBed} from '../support/history-bed.js';
import {dockerOk, fixtureImageId, removeTestServices, serviceTasks, testbed, uniqueName} from '../support/swarm.js';

let bed: HistoryBed;
beforeAll(async () => {
  await ensureBuilt();
  bed = await openHistoryBed('rollback-settings');
}, 240_000);
afterAll(async () => {
  await removeTestServices();
  await bed?.close();
}, 120_000);

describe('a rollback with its own update settings', () => {
  it("leaves the version's own UpdateConfig (global, stop-first) after rolling back with --parallelism 3 --order start-first, restarting no task to do so", async () => {
    const name = uniqueName('rb-settings');
    trackService(name);
    await dockerOk(
      [
        'service',
        'create',
        '--quiet',
        '--detach=false',
        '--name',
        name,
        '--mode',
        'global',
        '--label',
        `${testbed.serviceLabel}=1`,
        '--update-order',
        'stop-first',
        '--update-monitor',
        '200ms',
        '--env',
        'STEP=one',
        await fixtureImageId('v1'),
      ],
      {timeoutMs: 120_000},
    );
    const v1 = await bed.record(name);
    const nodes = (await serviceTasks(name, 'running')).length;
    await bed.update(name, ['--env-add', 'STEP=two']);
    await bed.record(name);

    const result = await runCli(
      [
        'rollback',
        name,
        '--to',
        'v1',
        '--yes',
        '--json',
        '--watch',
        '1',
        '--parallelism',
        '3',
        '--order',
        'start-first',
      ],
      {db: bed.db, timeoutMs: 180_000},
    );
    expect(result.code, result.stderr + result.stdout).toBe(0);
    expect(result.json.find((line) => line.type === 'preflight')?.settings).toMatchObject({
      order: 'start-first',
      parallelism: 3,
    });

    const live = await bed.gateway.inspectService(name);
    expect(live.Spec.UpdateConfig).toEqual(v1.snapshot.spec.UpdateConfig);
    expect(live.Spec.UpdateConfig?.Order).toBe('stop-first');
    // The whole spec is the version's again: only the image is pinned (to the same image).
    const diff = JSON.parse((await runCli(['diff', name, 'v1', 'live', '--json'], {db: bed.db})).stdout) as {
      sections: {section: string}[];
    };
    expect(diff.sections.map((s) => s.section)).not.toContain('update-config');
    expect(diff.sections.map((s) => s.section).filter((s) => s !== 'image')).toEqual([]);
    // One task per node for v1, v2 and the rollback: putting the settings back started none.
    const tasks = await serviceTasks(name);
    expect(tasks.length).toBe(3 * nodes);
    expect((await serviceTasks(name, 'running')).length).toBe(nodes);
  }, 240_000);
});
