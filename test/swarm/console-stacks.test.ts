/**
 * The console in a real terminal (tmux) against a real `docker stack deploy`: the stack's row
 * groups its services, collapses and expands with ←, → and Enter, `h` on it opens the stack's
 * revision history, and `d` there diffs a revision against what runs.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ensureBuilt} from '../support/built-cli.js';
import {openHistoryBed, type HistoryBed} from '../support/history-bed.js';
import {deployStack, waitStackConverged} from '../support/stack.js';
import {fixtureImageId, uniqueName, waitConverged} from '../support/swarm.js';
import {TmuxSession} from '../support/tmux.js';

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
      const grouped = await term.waitFor(new RegExp(`›\\s+▾ ${stack} \\(2\\)[\\s\\S]*\\n\\s+${svc('api')}[\\s\\S]*\\n\\s+${svc('worker')}`));
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
});
