import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {applyUpdate, RolloutConflictError} from '../../source/services/rollback/apply.js';
import {ensureBuilt} from '../support/built-cli.js';
import {runCli, startCli} from '../support/cli.js';
import {openHistoryBed, type HistoryBed} from '../support/history-bed.js';
import {createTestService, waitConverged, waitFor} from '../support/swarm.js';

let bed: HistoryBed;
beforeAll(async () => {
  await ensureBuilt();
  bed = await openHistoryBed('rollback-concurrency');
}, 240_000);
afterAll(() => bed?.close());

describe('rollbacks that meet other rollbacks', () => {
  it('two rollbacks started at once on one service: exactly one proceeds, the other exits 4 naming the conflict', async () => {
    const svc = await createTestService({
      prefix: 'rb-race',
      monitorMs: 200,
      replicas: 3,
      env: {APP_MESSAGE: 'one'},
      wait: true,
    });
    await bed.record(svc.name);
    await bed.update(svc.name, ['--env-add', 'APP_MESSAGE=two']);
    await bed.record(svc.name);

    // --delay keeps the winner's update running while the slower process reads the service.
    const args = ['rollback', svc.name, '--to', 'v1', '--yes', '--watch', '1', '--delay', '1s'];
    const [a, b] = await Promise.all([runCli(args, {db: bed.db}), runCli(args, {db: bed.db})]);
    const loser = a.code === 4 ? a : b;
    console.info(`concurrent rollbacks: exit codes ${a.code} and ${b.code}; loser said: ${loser.stderr.trim()}`);
    expect([a.code, b.code].sort()).toEqual([0, 4]);
    expect(loser.stderr).toMatch(/conflict|mid-update by someone else/);
    expect(loser.stderr).toContain(svc.name);

    const versions = await bed.store.versions.list(svc.name);
    expect(versions.map((v) => [v.number, v.source])).toEqual([
      [3, 'rollback'],
      [2, 'snapshot'],
      [1, 'snapshot'],
    ]);
    const results = (await bed.store.audit.list({serviceName: svc.name}))
      .filter((row) => row.action === 'rollback')
      .map((row) => row.result)
      .sort();
    expect(results).toEqual(['conflict', 'healthy']);
  }, 240_000);

  it('SIGINT mid-rollback leaves Swarm finishing the update; --resume reattaches and reports the verdict', async () => {
    const svc = await createTestService({
      prefix: 'rb-resume',
      monitorMs: 200,
      replicas: 3,
      env: {APP_MESSAGE: 'one'},
      wait: true,
    });
    await bed.record(svc.name);
    await bed.update(svc.name, ['--env-add', 'APP_MESSAGE=two']);
    await bed.record(svc.name);

    const run = startCli(['rollback', svc.name, '--to', 'v1', '--yes', '--json', '--delay', '1s'], {db: bed.db});
    await run.waitForJson((line) => line.type === 'progress' && line.phase === 'updating', 90_000);
    run.child.kill('SIGINT');
    const interrupted = await run.result;
    expect(interrupted.code, interrupted.stderr).toBe(130);
    expect(interrupted.json.at(-1)).toMatchObject({
      type: 'interrupted',
      resume: `dokroll-tui rollback ${svc.name} --resume`,
    });
    expect(interrupted.stderr).toContain(`Reattach with: dokroll-tui rollback ${svc.name} --resume`);

    // Nothing was cancelled: Swarm completes the update on its own.
    const state = await waitConverged(svc.name, {timeoutMs: 90_000});
    expect(state.updateState).toBe('completed');
    expect((await bed.gateway.inspectService(svc.name)).Spec.TaskTemplate.ContainerSpec?.Env).toContain(
      'APP_MESSAGE=one',
    );
    expect(await bed.store.versions.latest(svc.name)).toMatchObject({number: 2});

    const resumed = await runCli(['rollback', svc.name, '--resume', '--json', '--watch', '1'], {db: bed.db});
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.json.at(-1)).toMatchObject({type: 'verdict', result: 'healthy', from: 2, to: 1, recordedVersion: 3});
    expect(await bed.store.versions.latest(svc.name)).toMatchObject({
      number: 3,
      source: 'rollback',
      note: 'rolled back to v1',
    });

    const again = await runCli(['rollback', svc.name, '--resume'], {db: bed.db});
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/nothing to resume/);
  }, 240_000);

  it('a rollback refuses to start while someone else is mid-update, unless --force', async () => {
    const svc = await createTestService({
      prefix: 'rb-busy',
      monitorMs: 200,
      replicas: 2,
      env: {APP_MESSAGE: 'one'},
      wait: true,
    });
    await bed.record(svc.name);
    const before = await bed.gateway.inspectService(svc.name);
    // Someone else's slow update (2 s between tasks).
    await bed.update(svc.name, ['--detach', '--update-delay', '2s', '--env-add', 'APP_MESSAGE=busy']);
    await waitFor(async () => (await bed.gateway.inspectService(svc.name)).UpdateStatus?.State === 'updating', {
      what: 'the other update to start',
    });
    const refused = await runCli(['rollback', svc.name, '--to', 'v1', '--yes', '--json'], {db: bed.db});
    expect(refused.code).toBe(4);
    expect(refused.json.at(-1)).toMatchObject({type: 'verdict', result: 'conflict'});
    expect(String((refused.json.at(-1)!.reasons as string[])[0])).toMatch(
      /is mid-update by someone else \(updating since/,
    );

    const forced = await runCli(['rollback', svc.name, '--to', 'v1', '--yes', '--force', '--watch', '1'], {db: bed.db});
    expect(forced.code, forced.stderr).toBe(0);
    expect((await bed.gateway.inspectService(svc.name)).Spec.TaskTemplate.ContainerSpec?.Env).toContain(
      'APP_MESSAGE=one',
    );
    expect(before.Version.Index).toBeLessThan((await bed.gateway.inspectService(svc.name)).Version.Index);
  }, 240_000);

  it('an update made between reading the service and applying is a conflict naming what changed, and is not overwritten', async () => {
    const svc = await createTestService({prefix: 'rb-stale', monitorMs: 200, env: {APP_MESSAGE: 'one'}, wait: true});
    const read = await bed.gateway.inspectService(svc.name);
    await bed.update(svc.name, ['--detach', '--env-add', 'APP_MESSAGE=theirs', '--limit-memory', '32M']);
    const target = structuredClone(read.Spec);
    target.TaskTemplate.ContainerSpec!.Env = ['APP_MESSAGE=ours'];
    const error = await applyUpdate(bed.gateway, read, target).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RolloutConflictError);
    expect((error as RolloutConflictError).exitCode).toBe(4);
    expect((error as Error).message).toMatch(
      new RegExp(
        `^conflict: service '${svc.name}' was changed by someone else after we read it \\(changed: env ~1; limits \\+1, Version.Index`,
      ),
    );
    expect((await bed.gateway.inspectService(svc.name)).Spec.TaskTemplate.ContainerSpec?.Env).toContain(
      'APP_MESSAGE=theirs',
    );
  }, 120_000);
});
