/**
 * The console in a real terminal (tmux) against a real `docker stack deploy`: the stack's row
 * groups its services, collapses and expands with ←, → and Enter, `h` on it opens the stack's
 * revision history, and `d` there diffs a revision against what runs; `r` on it rolls the whole
 * stack back through the stack rollback engine, with its plan, its progress panel and its verdict.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ensureBuilt} from '../support/built-cli.js';
import {openHistoryBed, type HistoryBed} from '../support/history-bed.js';
import {deployStack, waitStackConverged} from '../support/stack.js';
import {fixtureImageId, uniqueName, waitConverged} from '../support/swarm.js';
import {TmuxSession} from '../support/tmux.js';
import {runCli} from '../support/cli.js';
import {planAction} from '../../source/ui/views/StackRollbackDialog.js';
import type {StackServiceAction} from '../../source/services/console-model.js';

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const stack = uniqueName('cs');
const svc = (name: string) => `${stack}_${name}`;
let cli: string;
let bed: HistoryBed;

beforeAll(async () => {
  cli = await ensureBuilt();
  bed = await openHistoryBed('console-stacks');
  const image = await fixtureImageId('v1');
  await deployStack(stack, {api: {image, env: {APP_MESSAGE: 'api'}}, worker: {image, env: {APP_MESSAGE: 'worker'}}});
  await waitStackConverged(stack);
  const members: Record<string, number> = {};
  for (const name of ['api', 'worker']) {
    await waitConverged(svc(name), {timeoutMs: 90_000});
    members[svc(name)] = (await bed.record(svc(name))).number;
  }
  await bed.store.stacks.record({stack, members, source: 'recorded'});
}, 240_000);

afterAll(async () => {
  await bed?.close();
});

describe('stacks in the console', () => {
  it('groups the services of a stack under its row, collapses and expands it, opens its revision history with h and diffs with d', async () => {
    const term = await TmuxSession.start(['node', cli, '--db', bed.db, '--no-record'], {
      columns: 100,
      rows: 30,
      env: {DOCKER_HOST: 'unix:///var/run/docker.sock'},
    });
    try {
      await term.waitFor('● connected', {timeoutMs: 20_000});
      // Filter the list down to the stack: its row, then its services, indented under it.
      await term.keys('/');
      await term.type(stack);
      await term.keys('Enter');
      const grouped = await term.waitFor(
        new RegExp(`›\\s+▾ ${stack} \\(2\\)[\\s\\S]*\\n\\s+${svc('api')}[\\s\\S]*\\n\\s+${svc('worker')}`),
      );
      expect(grouped).toMatch(new RegExp(`▾ ${stack} \\(2\\)\\s+2/2`));

      await term.keys('Left');
      await term.waitFor((s) => s.includes(`▸ ${stack} (2)`) && !s.includes(svc('api')));
      await term.keys('Right');
      await term.waitFor((s) => s.includes(`▾ ${stack} (2)`) && s.includes(svc('worker')));
      await term.keys('Enter');
      await term.waitFor((s) => s.includes(`▸ ${stack} (2)`) && !s.includes(svc('worker')));
      await term.keys('Enter');
      await term.waitFor((s) => s.includes(`▾ ${stack} (2)`) && s.includes(svc('worker')));

      await term.keys('h');
      const history = await term.waitFor('first recorded revision');
      expect(history).toContain(`${stack} · stack history · ▶ live r1`);
      expect(history).toMatch(/▶r1 .*recorded/);

      // The live revision against what runs: nothing differs.
      await term.keys('d');
      const diff = await term.waitFor('no differences');
      expect(diff).toContain(`${stack} · stack diff r1 → live`);
      await term.keys('Escape');
      await term.waitFor('first recorded revision');

      await term.keys('Escape');
      await term.waitFor(`▾ ${stack} (2)`);
      await term.keys('q');
      await term.waitFor('[exited 0]', {timeoutMs: 5_000});
    } finally {
      await term.kill();
    }
  }, 120_000);

  it('rolls the whole stack back with r on its row: the per-service plan, confirm, a row per service, the combined verdict healthy, and every service on its r1 spec', async () => {
    // r2: a deploy that changes api only.
    const image = await fixtureImageId('v1');
    await deployStack(stack, {
      api: {image, env: {APP_MESSAGE: 'api two'}},
      worker: {image, env: {APP_MESSAGE: 'worker'}},
    });
    await waitStackConverged(stack);
    await waitConverged(svc('api'), {timeoutMs: 90_000});
    const v1 = {
      api: (await bed.store.versions.get(svc('api'), 1))!,
      worker: (await bed.store.versions.get(svc('worker'), 1))!,
    };
    const api2 = await bed.record(svc('api'));
    await bed.store.stacks.record({
      stack,
      members: {[svc('api')]: api2.number, [svc('worker')]: 1},
      source: 'recorded',
    });

    const term = await TmuxSession.start(['node', cli, '--db', bed.db, '--no-record'], {
      columns: 110,
      rows: 30,
      env: {DOCKER_HOST: 'unix:///var/run/docker.sock', DOKROLL_WATCH_SECONDS: '1'},
    });
    try {
      await term.waitFor('● connected', {timeoutMs: 20_000});
      await term.keys('/');
      await term.type(stack);
      await term.keys('Enter');
      await term.waitFor(new RegExp(`›\\s+▾ ${stack} \\(2\\)`));
      await term.keys('r');
      const dialog = await term.waitFor('pre-flight passed for every service', {timeoutMs: 30_000});
      expect(dialog).toContain(`Roll back stack ${stack} to r1?`);
      expect(dialog).toMatch(new RegExp(`✔ ${svc('api')}\\s+roll back v2 → v1`));
      // Every service's line says what `stack rollback --dry-run` plans for it.
      const dryRun = await runCli(['stack', 'rollback', stack, '--to', 'r1', '--dry-run', '--json'], {
        db: bed.db,
        env: {DOCKER_HOST: 'unix:///var/run/docker.sock'},
      });
      const planned = (
        JSON.parse(dryRun.stdout) as {
          services: {service: string; action: StackServiceAction; from: number | null; to: number | null}[];
        }
      ).services;
      expect(planned.map((p) => p.service)).toEqual([svc('api'), svc('worker')]);
      // The worker already runs its r1 version: nothing to roll back (r2 did not change it).
      expect(planned.map((p) => p.action)).toEqual(['rollback', 'unchanged']);
      for (const p of planned)
        expect(dialog).toMatch(new RegExp(`✔ ${p.service}\\s+${escapeRegExp(planAction(p, 1).text)}`));
      expect(dialog).toMatch(/›\s+Cancel/);
      await term.keys('Down');
      await term.keys('Enter');
      await term.waitFor(`${stack} · stack rollback to r1`);
      const verdict = await term.waitFor('stack healthy — every service healthy', {timeoutMs: 90_000});
      expect(verdict).toMatch(new RegExp(`${svc('api')}\\s+roll back v2 → v1\\s+✔ healthy\\s+1/1`));
      expect(verdict).toMatch(/recorded as r3/);
      await term.keys('q');
      await term.waitFor('[exited 0]', {timeoutMs: 5_000});
    } finally {
      await term.kill();
    }
    expect(await bed.liveHash(svc('api'))).toBe(v1.api.specHash);
    expect(await bed.liveHash(svc('worker'))).toBe(v1.worker.specHash);
    // Recorded as r3, each service with the version the rollback recorded (api's new row holds v1's spec).
    const r3 = (await bed.store.stacks.latest(stack))!;
    expect(r3.number).toBe(3);
    expect(r3.members[svc('worker')]).toBe(1);
    expect((await bed.store.versions.get(svc('api'), r3.members[svc('api')]!))?.specHash).toBe(v1.api.specHash);
  }, 180_000);
});
