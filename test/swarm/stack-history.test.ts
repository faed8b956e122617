import {mkdtempSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {runCli, startCli} from '../support/cli.js';
import {deployStack, waitStackConverged, type StackServiceSpec} from '../support/stack.js';
import {dockerOk, fixtureImageId, uniqueName, waitFor} from '../support/swarm.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'dokroll-stack-history-'));
const db = path.join(dir, 'history.db');
const stack = uniqueName('st');
const recorders: Array<ReturnType<typeof startCli>> = [];

interface Revision {
  revision: number;
  live: boolean;
  health: string;
  services: Record<string, number>;
  changes: null | {
    summary: string;
    added: {service: string}[];
    removed: {service: string}[];
    changed: {service: string; from: number; to: number; summary: string}[];
  };
}

async function revisions(): Promise<Revision[]> {
  const result = await runCli(['stack', 'history', stack, '--json', '--db', db]);
  if (result.code !== 0) return [];
  return (JSON.parse(result.stdout) as {revisions: Revision[]}).revisions;
}

/** Waits for a revision whose services are exactly `members`; returns every revision then. */
async function waitForRevision(members: Record<string, number>): Promise<Revision[]> {
  const wanted = JSON.stringify(Object.entries(members).sort());
  return waitFor(
    async () => {
      const all = await revisions();
      return all.some((r) => JSON.stringify(Object.entries(r.services).sort()) === wanted) ? all : null;
    },
    {timeoutMs: 90_000, intervalMs: 500, what: `a revision of ${stack} with ${wanted}`},
  );
}

const svc = (name: string) => `${stack}_${name}`;
let v1 = '';
let v2 = '';

beforeAll(async () => {
  [v1, v2] = await Promise.all([fixtureImageId('v1'), fixtureImageId('v2')]);
  // Two recorders on one history at once, as two operators' consoles would be: revisions must still
  // be numbered r1, r2… with no gap and none written twice.
  for (let i = 0; i < 2; i++) {
    const args = ['record', '--db', db, '--stability', '1'];
    for (const name of ['web', 'worker', 'cache', 'extra']) args.push('--service', svc(name));
    recorders.push(startCli(args));
  }
});

afterAll(async () => {
  for (const recorder of recorders) recorder.child.kill('SIGKILL');
  if (process.env.DOKROLL_TEST_VERBOSE === '1')
    for (const r of recorders) process.stderr.write(r.output.stderr + r.output.stdout);
});

describe('stack revisions from real docker stack deploy', () => {
  const base = (): Record<string, StackServiceSpec> => ({
    web: {image: v1, env: {SHARED: 'a', APP_VERSION: 'web-1'}},
    worker: {image: v1, env: {SHARED: 'a', ROLE: 'worker'}},
    cache: {image: v1, env: {ROLE: 'cache'}},
  });

  it('records one revision per deploy, however many services it changes, numbered without gaps', async () => {
    await deployStack(stack, base());
    await waitStackConverged(stack);
    const first = await waitForRevision({[svc('web')]: 1, [svc('worker')]: 1, [svc('cache')]: 1});
    expect(first.map((r) => r.revision)).toEqual([1]);
    expect(first[0]!.changes).toBeNull();

    // One deploy changes two services (a shared env var, and web's image): ONE new revision.
    await deployStack(stack, {
      ...base(),
      web: {image: v2, env: {SHARED: 'b', APP_VERSION: 'web-2'}},
      worker: {image: v1, env: {SHARED: 'b', ROLE: 'worker'}},
    });
    await waitStackConverged(stack);
    const second = await waitForRevision({[svc('web')]: 2, [svc('worker')]: 2, [svc('cache')]: 1});
    expect(second.map((r) => r.revision)).toEqual([2, 1]);
    const r2 = second[0]!;
    expect(r2.live).toBe(true);
    expect(r2.changes?.changed.map((c) => [c.service, c.from, c.to])).toEqual([
      [svc('web'), 1, 2],
      [svc('worker'), 1, 2],
    ]);
    expect(r2.changes?.changed[0]!.summary).toMatch(/image/);

    // A service removed from the stack (--prune) and one added are part of the next revision.
    const {cache: _cache, ...withoutCache} = base();
    void _cache;
    await deployStack(
      stack,
      {
        ...withoutCache,
        web: {image: v2, env: {SHARED: 'b', APP_VERSION: 'web-2'}},
        worker: {image: v1, env: {SHARED: 'b', ROLE: 'worker'}},
        extra: {image: v1},
      },
      ['--prune'],
    );
    await waitStackConverged(stack);
    const third = await waitForRevision({[svc('web')]: 2, [svc('worker')]: 2, [svc('extra')]: 1});
    expect(third.map((r) => r.revision)).toEqual([3, 2, 1]);
    expect(third[0]!.changes?.added.map((a) => a.service)).toEqual([svc('extra')]);
    expect(third[0]!.changes?.removed.map((r) => r.service)).toEqual([svc('cache')]);
    expect(third[1]!.live).toBe(false);
  }, 300_000);

  it('lists the stack, diffs two revisions service by service, and diffs a revision against what runs', async () => {
    const ls = await runCli(['stack', 'ls', '--json', '--db', db]);
    expect(ls.code, ls.stderr).toBe(0);
    const mine = (
      JSON.parse(ls.stdout) as {stack: string; services: string[]; revisions: number; latest: string}[]
    ).find((s) => s.stack === stack);
    expect(mine).toMatchObject({revisions: 3, latest: 'r3', services: [svc('extra'), svc('web'), svc('worker')]});

    const diff = await runCli(['stack', 'diff', stack, 'r1', 'r2', '--json', '--db', db]);
    expect(diff.code, diff.stderr).toBe(0);
    const parsed = JSON.parse(diff.stdout) as {
      changed: boolean;
      added: unknown[];
      removed: unknown[];
      services: {
        service: string;
        from: number;
        to: number;
        sections: {section: string; changes: {key: string; old: string | null; new: string | null}[]}[];
      }[];
      unchanged: string[];
    };
    expect(parsed.changed).toBe(true);
    expect(parsed.services.map((s) => s.service)).toEqual([svc('web'), svc('worker')]);
    expect(parsed.unchanged).toEqual([svc('cache')]);
    const webSections = parsed.services[0]!.sections.map((s) => s.section);
    expect(webSections).toEqual(expect.arrayContaining(['image', 'env']));
    const workerEnv = parsed.services[1]!.sections.find((s) => s.section === 'env')!.changes;
    expect(workerEnv).toEqual([expect.objectContaining({key: 'SHARED', old: 'a', new: 'b'})]);

    const text = await runCli(['stack', 'diff', stack, 'r2', 'r3', '--db', db]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(`+ service ${svc('extra')} (v1)`);
    expect(text.stdout).toContain(`- service ${svc('cache')} (v1)`);

    const live = await runCli(['stack', 'diff', stack, 'r3', '--db', db]);
    expect(live.code, live.stderr).toBe(0);
    expect(live.stdout).toContain('no differences');

    const history = await runCli(['stack', 'history', stack, '--db', db]);
    expect(history.code, history.stderr).toBe(0);
    expect(history.stdout).toMatch(new RegExp(`r2 +  .*${svc('web')} v1→v2`));
  });

  it('answers an unknown revision or stack with one line and exit 2', async () => {
    const revision = await runCli(['stack', 'diff', stack, 'r9', 'r1', '--db', db]);
    expect(revision.code).toBe(2);
    expect(revision.stderr.trim().split('\n')).toEqual([
      `dokroll-tui: unknown revision r9 of stack '${stack}' (known: r1…r3)`,
    ]);
    const unknown = await runCli(['stack', 'history', 'no-such-stack-x', '--db', db]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown stack 'no-such-stack-x'/);
    const bad = await runCli(['stack', 'diff', stack, 'v1', '--db', db]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/expected a revision like r3/);
  });
});

interface LiveSpec {
  Labels: Record<string, string>;
  TaskTemplate: {ContainerSpec: {Image: string; Env?: string[]}};
}

async function liveSpec(service: string): Promise<LiveSpec> {
  return JSON.parse(await dockerOk(['service', 'inspect', service, '--format', '{{json .Spec}}'])) as LiveSpec;
}

describe('stack rollback against the real swarm', () => {
  it('plans every service with its own pre-flight and changes nothing on --dry-run', async () => {
    const dry = await runCli(['stack', 'rollback', stack, '--to', 'r1', '--dry-run', '--json', '--db', db]);
    expect(dry.code, dry.stderr).toBe(0);
    const plan = JSON.parse(dry.stdout) as {
      ok: boolean;
      services: {service: string; action: string; from: number | null; to: number | null}[];
    };
    expect(plan.ok).toBe(true);
    expect(plan.services.map((p) => [p.service, p.action, p.from, p.to])).toEqual([
      [svc('cache'), 'recreate', null, 1],
      [svc('extra'), 'keep', 1, null],
      [svc('web'), 'rollback', 2, 1],
      [svc('worker'), 'rollback', 2, 1],
    ]);
    expect((await liveSpec(svc('web'))).TaskTemplate.ContainerSpec.Image).toBe(v2);
  });

  it('rolls every service back to r1 at once, re-creates the removed one, keeps the added one, and records r4', async () => {
    const result = await runCli(
      ['stack', 'rollback', stack, '--to', 'r1', '--yes', '--watch', '1', '--json', '--db', db],
      {timeoutMs: 240_000},
    );
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const outcome = result.json.find((line) => 'result' in line && 'services' in line) as {
      result: string;
      recordedRevision: string;
      services: {service: string; action: string; result: string}[];
    };
    expect(outcome.result).toBe('healthy');
    expect(outcome.services.map((s) => [s.service, s.action, s.result])).toEqual([
      [svc('cache'), 'recreate', 'healthy'],
      [svc('extra'), 'keep', 'healthy'],
      [svc('web'), 'rollback', 'healthy'],
      [svc('worker'), 'rollback', 'healthy'],
    ]);

    // Every service's spec equals its r1 version's (image, env), and the stack labels stay, so that
    // docker stack still owns the services.
    for (const name of ['web', 'worker', 'cache']) {
      const spec = await liveSpec(svc(name));
      expect(spec.Labels['com.docker.stack.namespace']).toBe(stack);
      expect(spec.TaskTemplate.ContainerSpec.Image).toBe(v1);
    }
    expect((await liveSpec(svc('web'))).TaskTemplate.ContainerSpec.Env).toEqual(
      expect.arrayContaining(['SHARED=a', 'APP_VERSION=web-1']),
    );
    expect((await liveSpec(svc('worker'))).TaskTemplate.ContainerSpec.Env).toEqual(
      expect.arrayContaining(['SHARED=a']),
    );

    const all = await waitFor(
      async () => {
        const list = await revisions();
        return list[0]?.revision === 4 && list[0].changes?.summary === 'rolled back to r1' ? list : null;
      },
      {timeoutMs: 60_000, intervalMs: 500, what: 'the rollback revision r4'},
    );
    expect(Object.keys(all[0]!.services).sort()).toEqual([svc('cache'), svc('extra'), svc('web'), svc('worker')]);
    expect(all[0]!.services[svc('cache')]).toBe(1);
  }, 300_000);

  it('keeps docker stack deploy working afterwards, recorded as the next revision', async () => {
    await deployStack(
      stack,
      {
        web: {image: v2, env: {SHARED: 'c', APP_VERSION: 'web-3'}},
        worker: {image: v1, env: {SHARED: 'c', ROLE: 'worker'}},
        cache: {image: v1, env: {ROLE: 'cache'}},
      },
      ['--prune'],
    );
    await waitStackConverged(stack);
    const list = await waitFor(
      async () => {
        const l = await revisions();
        return l[0] && l[0].revision >= 5 && !(svc('extra') in l[0].services) ? l : null;
      },
      {timeoutMs: 90_000, intervalMs: 500, what: 'the revision of the deploy after the rollback'},
    );
    expect(list[0]!.revision).toBe(5);
    expect(list[0]!.changes?.removed.map((r) => r.service)).toEqual([svc('extra')]);
    expect((await liveSpec(svc('web'))).TaskTemplate.ContainerSpec.Env).toEqual(expect.arrayContaining(['SHARED=c']));
  }, 300_000);

  it('lets one of two stack rollbacks started at once proceed; the other exits 4 and changes nothing', async () => {
    const args = ['stack', 'rollback', stack, '--to', 'r4', '--yes', '--watch', '1', '--db', db];
    const [a, b] = await Promise.all([runCli(args, {timeoutMs: 240_000}), runCli(args, {timeoutMs: 240_000})]);
    expect([a.code, b.code].sort(), a.stdout + a.stderr + b.stdout + b.stderr).toEqual([0, 4]);
    const loser = a.code === 4 ? a : b;
    expect(loser.stderr).toMatch(/stack rollback in progress|mid-update|changed/);
    expect((await liveSpec(svc('web'))).TaskTemplate.ContainerSpec.Env).toEqual(expect.arrayContaining(['SHARED=a']));
  }, 300_000);

  it('refuses a rollback to the revision live at a time before any revision, naming it, and changes nothing', async () => {
    const result = await runCli(['stack', 'rollback', stack, '--at', '2000-01-01T00:00:00Z', '--yes', '--db', db]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/no revision of stack .* was recorded by 2000-01-01/);
    const bad = await runCli(['stack', 'rollback', stack, '--at', 'yesterday', '--yes', '--db', db]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--at: expected an ISO time/);
  });
});
