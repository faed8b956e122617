/**
 * A node's Engine stopped during a rollback, on a swarm of three real Engines: the verdict names
 * the node and why and says degraded; the replacement tasks elsewhere are followed.
 * Timing-free: the node goes Down when the managers miss its heartbeats (~12 s, longer under
 * load), so every step waits for a condition with a generous timeout.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ensureBuilt} from '../support/built-cli.js';
import {startCli} from '../support/cli.js';
import {openHistoryBed, type HistoryBed} from '../support/history-bed.js';
import {useNodes} from '../support/nodes.js';
import {fixtureImageId} from '../support/swarm.js';

// The bed of manager-failover.test.ts (one bring-up when both files run): n3 is a manager too, and
// two of three managers keep the quorum while it is down.
const nodes = useNodes({count: 3, managers: 3, bed: 'mgr3'});
let history: HistoryBed;

beforeAll(async () => {
  await ensureBuilt();
  history = await openHistoryBed('node-lost', {host: nodes.node('n1').host});
}, 300_000);
afterAll(async () => {
  await history?.close();
});

describe('a node stopped mid-rollback', () => {
  it('names the node and why in the verdict, follows the tasks rescheduled elsewhere, and ends degraded', async () => {
    const [v1, v2] = await Promise.all([fixtureImageId('v1'), fixtureImageId('v2')]);
    const service = await nodes.createService({
      prefix: 'node-lost', image: v1, replicas: 3, args: ['--placement-pref', 'spread=node.labels.dokroll.node'],
    });
    await history.record(service);
    await history.update(service, ['--image', v2]);
    await history.record(service);
    const n3 = nodes.node('n3').hostname;
    await nodes.nodeId('n3'); // asked of n3's own Engine: before it is stopped
    // A health window long enough for the managers to mark n3 down (they wait for its heartbeats).
    const rollback = startCli(['rollback', service, '--to', 'v1', '--yes', '--json', '--watch', '45', '--allow-local-image'], {
      db: history.db,
      env: {DOCKER_HOST: nodes.node('n1').host},
      timeoutMs: 300_000,
    });
    try {
      await rollback.waitForJson((line) => line.type === 'applied', 120_000);
      await nodes.script('stop-engine', 'n3');
      await nodes.waitNodeState('n3', 'down', {timeoutMs: 120_000});
      const result = await rollback.result;
      expect(result.code, result.stdout.slice(-3000) + result.stderr).toBe(3);
      const verdict = result.json.at(-1)!;
      expect(verdict).toMatchObject({type: 'verdict', result: 'degraded'});
      expect((verdict.reasons as string[]).join('\n')).toMatch(new RegExp(`node ${n3} went down during the rollout \\(.+\\): its tasks are rescheduled on other nodes`));
      // The tasks Swarm started elsewhere were followed: the service is whole again, on the two nodes left.
      const health = result.json.filter((line) => line.type === 'health').at(-1)!;
      expect(health).toMatchObject({running: 3, desired: 3});
      expect((health.from as string[]).join('; ')).not.toContain(n3);
      const progress = result.json.filter((line) => line.type === 'progress').at(-1)!;
      expect(progress).toMatchObject({slotsDone: 3, slotsTotal: 3});
    } finally {
      rollback.child.kill('SIGKILL');
      await nodes.script('start-engine', 'n3');
      await nodes.waitNodeState('n3', 'ready', {timeoutMs: 120_000});
    }
  }, 400_000);
});
