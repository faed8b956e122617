/**
 * Against the real swarm: a replicated job rolls back and redeploys without an update config (the
 * Engine refuses one for jobs), and is judged by completion: succeeded, or failed with exit codes.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ensureBuilt} from '../support/built-cli.js';
import {trackService} from '../support/cleanup.js';
import {runCli} from '../support/cli.js';
import {openHistoryBed, type HistoryBed} from '../support/history-bed.js';
import {
  dockerOk,
  fixtureImageId,
  removeTestServices,
  serviceTasks,
  testbed,
  uniqueName,
  waitFor,
} from '../support/swarm.js';

let bed: HistoryBed;
beforeAll(async () => {
  await ensureBuilt();
  bed = await openHistoryBed('rollback-job');
}, 240_000);
afterAll(async () => {
  await removeTestServices();
  await bed?.close();
}, 120_000);

const verdictOf = (json: Record<string, unknown>[]) =>
  json.find((line) => line.type === 'verdict') as {result: string; reasons: string[]; errors: string[]};

describe('a replicated job', () => {
  it('rolls back to a version that succeeds, redeploys, and a rollback to a failing version fails with its exit code', async () => {
    const name = uniqueName('rb-job');
    trackService(name);
    await dockerOk([
      'service',
      'create',
      '--quiet',
      '--detach',
      '--name',
      name,
      '--mode',
      'replicated-job',
      '--restart-condition',
      'none',
      '--label',
      `${testbed.serviceLabel}=1`,
      '--entrypoint',
      'sh',
      '--env',
      'STEP=one',
      await fixtureImageId('v1'),
      '-c',
      'exit 0',
    ]);
    await waitFor(async () => (await serviceTasks(name)).some((t) => t.Status?.State === 'complete'), {
      timeoutMs: 90_000,
      what: 'v1 completed',
    });
    await bed.record(name);
    await dockerOk([
      'service',
      'update',
      '--quiet',
      '--detach',
      '--env-add',
      'STEP=two',
      '--args',
      "-c 'exit 3'",
      name,
    ]);
    await bed.record(name);

    const back = await runCli(['rollback', name, '--to', 'v1', '--yes', '--json', '--watch', '1'], {
      db: bed.db,
      timeoutMs: 180_000,
    });
    expect(back.code, back.stderr + back.stdout).toBe(0);
    expect(verdictOf(back.json)).toMatchObject({result: 'healthy', reasons: ['job completed: 1/1 succeeded']});
    const live = await bed.gateway.inspectService(name);
    expect(live.Spec.UpdateConfig).toBeUndefined();
    expect(live.Spec.TaskTemplate.ContainerSpec?.Env).toEqual(['STEP=one']);

    const again = await runCli(['redeploy', name, '--yes', '--json', '--watch', '1'], {db: bed.db, timeoutMs: 180_000});
    expect(again.code, again.stderr + again.stdout).toBe(0);
    expect(verdictOf(again.json)).toMatchObject({result: 'healthy', reasons: ['job completed: 1/1 succeeded']});

    const failing = await runCli(['rollback', name, '--to', 'v2', '--yes', '--json', '--watch', '1'], {
      db: bed.db,
      timeoutMs: 180_000,
    });
    expect(failing.code, failing.stderr + failing.stdout).toBe(1);
    const verdict = verdictOf(failing.json);
    expect(verdict).toMatchObject({result: 'failed', reasons: ['job did not complete: 0/1 succeeded, 1 task failed']});
    expect(verdict.errors).toEqual([expect.stringMatching(/^slot \S+: exit code 3$/)]);
  }, 420_000);
});
