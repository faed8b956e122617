/**
 * Stack rollbacks that do not go to plan, against one real `docker stack deploy` shared by the file:
 * the command killed mid-rollback and finished with --resume, and a service whose target fails its
 * health check making the whole stack go back with --revert-on-failure. Versions and revisions are
 * recorded by hand (as a recorder would), so no recorder has to settle in between.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ensureBuilt} from '../support/built-cli.js';
import {jsonLines, runCli, startCli} from '../support/cli.js';
import {openHistoryBed, type HistoryBed} from '../support/history-bed.js';
import {deployStack, type StackServiceSpec} from '../support/stack.js';
import {fixtureImageId, uniqueName, waitConverged, waitFor} from '../support/swarm.js';
import type {VersionRow} from '../../source/store/index.js';

const stack = uniqueName('sr');
const names = ['a', 'b', 'c'] as const;
const svc = (name: string) => `${stack}_${name}`;
let bed: HistoryBed;
/** Each service's v1 (the spec of r1). */
const v1: Record<string, VersionRow> = {};

async function deployAndRecord(message: string): Promise<Record<string, VersionRow>> {
  const image = await fixtureImageId('v1');
  const services: Record<string, StackServiceSpec> = {};
  for (const name of names) services[name] = {image, env: {APP_MESSAGE: `${name}-${message}`}, health: true};
  await deployStack(stack, services);
  const rows: Record<string, VersionRow> = {};
  for (const name of names) {
    await waitConverged(svc(name), {timeoutMs: 90_000});
    rows[name] = await bed.record(svc(name));
  }
  await bed.store.stacks.record({
    stack,
    members: Object.fromEntries(names.map((n) => [svc(n), rows[n]!.number])),
    source: 'recorded',
  });
  return rows;
}

beforeAll(async () => {
  await ensureBuilt();
  bed = await openHistoryBed('stack-resume');
  Object.assign(v1, await deployAndRecord('one'));
  await deployAndRecord('two');
}, 300_000);

afterAll(async () => {
  await bed?.close();
});

describe('stack rollback --resume and --revert-on-failure', () => {
  it('finishes a stack rollback whose command was killed (SIGKILL): one verdict, the revision recorded once', async () => {
    const killed = startCli([
      'stack',
      'rollback',
      stack,
      '--to',
      'r1',
      '--yes',
      '--json',
      '--watch',
      '4',
      '--db',
      bed.db,
    ]);
    // Every service's update is applied and being watched when the command dies.
    await waitFor(
      () => {
        const applied = new Set(
          jsonLines(killed.output.stdout)
            .filter((l) => l.type === 'applied')
            .map((l) => l.service),
        );
        return names.every((n) => applied.has(svc(n)));
      },
      {
        timeoutMs: 90_000,
        intervalMs: 50,
        what: `every service of ${stack} applied (stderr: ${killed.output.stderr.slice(-300)})`,
      },
    );
    killed.child.kill('SIGKILL');
    expect((await killed.exited).signal).toBe('SIGKILL');
    expect((await bed.store.stacks.latest(stack))?.number).toBe(2);

    const resumed = await runCli(['stack', 'rollback', stack, '--resume', '--json', '--db', bed.db], {
      timeoutMs: 180_000,
    });
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
    const verdict = resumed.json.find((line) => 'services' in line) as {
      result: string;
      recordedRevision: string;
      services: {service: string; result: string}[];
    };
    expect(verdict.result).toBe('healthy');
    expect(verdict.recordedRevision).toBe('r3');
    expect(verdict.services.map((s) => [s.service, s.result])).toEqual(names.map((n) => [svc(n), 'healthy']));
    for (const name of names) expect(await bed.liveHash(svc(name)), name).toBe(v1[name]!.specHash);

    const revisions = await bed.store.stacks.list(stack);
    expect(revisions.map((r) => [r.number, r.source, r.note])).toEqual([
      [3, 'rollback', 'rolled back to r1'],
      [2, 'recorded', null],
      [1, 'recorded', null],
    ]);
    const stackAudit = await bed.store.audit.list({serviceName: `stack:${stack}`});
    expect(stackAudit.map((row) => [row.action, row.result])).toEqual([
      ['stack_rollback', 'healthy'],
      ['stack_rollback_started', 'started'],
    ]);
    // Every service's own rollout was ended too (reattached, not left in flight).
    for (const name of names) {
      const rows = await bed.store.audit.list({serviceName: svc(name), limit: 2});
      expect(rows.map((row) => [row.action, row.result])).toEqual([
        ['rollback', 'healthy'],
        ['rollback_started', 'started'],
      ]);
    }

    const again = await runCli(['stack', 'rollback', stack, '--resume', '--db', bed.db]);
    expect(again.code).toBe(2);
    expect(again.stderr.trim()).toBe(`dokroll-tui: nothing to resume: no stack rollback of '${stack}' is in progress`);
  }, 300_000);

  it('puts EVERY service back on the revision live before when one fails its health check (--revert-on-failure)', async () => {
    // r4: a and c on their v2, b on a variant of its live spec whose health check fails.
    const live = await bed.gateway.inspectService(svc('b'));
    const bad = structuredClone(live.Spec);
    bad.TaskTemplate.ContainerSpec!.Env = [...(bad.TaskTemplate.ContainerSpec!.Env ?? []), 'HEALTH=fail'];
    const badRow = await bed.recordSpec(live, bad);
    const r4 = await bed.store.stacks.record({
      stack,
      members: {[svc('a')]: 2, [svc('b')]: badRow.number, [svc('c')]: 2},
      source: 'recorded',
    });
    expect(r4.row.number).toBe(4);

    const result = await runCli(
      [
        'stack',
        'rollback',
        stack,
        '--to',
        'r4',
        '--yes',
        '--json',
        '--watch',
        '2',
        '--revert-on-failure',
        '--db',
        bed.db,
      ],
      {
        timeoutMs: 240_000,
      },
    );
    expect(result.code, result.stdout + result.stderr).toBe(1);
    const verdict = result.json.find((line) => 'services' in line) as {
      result: string;
      reasons: string[];
      recordedRevision: string | null;
      services: {service: string; result: string}[];
    };
    expect(verdict.result).toBe('reverted');
    expect(verdict.recordedRevision).toBeNull();
    expect(verdict.services.find((s) => s.service === svc('b'))?.result).toBe('failed');
    // The verdict names the service and why.
    expect(verdict.reasons[0]).toMatch(new RegExp(`^${svc('b')}: failed — .*container unhealthy`));
    // Checked per service: every one runs its spec of r3 (= r1) again, the failing one and the healthy ones.
    for (const name of names) {
      await waitConverged(svc(name), {timeoutMs: 60_000});
      expect(await bed.liveHash(svc(name)), name).toBe(v1[name]!.specHash);
    }
    expect((await bed.store.stacks.latest(stack))?.number).toBe(4);
    const [end] = await bed.store.audit.list({serviceName: `stack:${stack}`, limit: 1});
    expect([end!.action, end!.result]).toEqual(['stack_rollback', 'reverted']);
  }, 300_000);
});
