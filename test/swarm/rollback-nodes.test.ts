import {randomBytes} from 'node:crypto';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {ServiceSpec} from '../../source/docker/schemas.js';
import {ensureBuilt} from '../support/built-cli.js';
import {runCli, startCli} from '../support/cli.js';
import {openHistoryBed, type HistoryBed} from '../support/history-bed.js';
import {useNodes} from '../support/nodes.js';
import {fixtureImageId} from '../support/swarm.js';

const nodes = useNodes({count: 3, managers: 1});
let history: HistoryBed;

beforeAll(async () => {
  await ensureBuilt();
  history = await openHistoryBed('rollback-nodes', {host: nodes.node('n1').host});
}, 300_000);
afterAll(async () => {
  await history?.close();
});

function cli(args: string[]) {
  return runCli(args, {db: history.db, env: {DOCKER_HOST: nodes.node('n1').host}, timeoutMs: 120_000});
}

/** Records a variant of the live spec of `service` as a new version (not deployed). */
async function recordVariant(service: string, change: (spec: ServiceSpec) => void) {
  const live = await history.gateway.inspectService(service);
  const spec = structuredClone(live.Spec);
  change(spec);
  return history.recordSpec(live, spec);
}

describe('pre-flight on a swarm of three nodes', () => {
  it('refuses a local-only image that other nodes may run, naming them and the fix; --allow-local-image lets it through', async () => {
    const v1 = await fixtureImageId('v1');
    const service = await nodes.createService({prefix: 'pf-local', image: v1});
    await history.record(service);
    // An image built on n1 only: the other nodes cannot get it.
    const tag = `dokroll-local-${randomBytes(4).toString('hex')}:1`;
    await nodes.dockerOk('n1', ['build', '-q', '-t', tag, '-'], {
      input: `FROM ${v1}\nLABEL dokroll.test.local="${tag}"\n`,
    });
    const localId = (await nodes.dockerOk('n1', ['image', 'inspect', '-f', '{{.Id}}', tag])).trim();
    const target = await recordVariant(service, (spec) => {
      spec.TaskTemplate.ContainerSpec!.Image = localId;
    });
    const before = await history.gateway.inspectService(service);
    // history's KEPT IN says on which node the local-only image is (the connected one, n1).
    const [n1, n2, n3] = nodes.nodes.map((n) => n.hostname);
    const listed = await cli(['history', service]);
    expect(listed.stdout).toMatch(new RegExp(`v${target.number} .* local only on ${n1} \\d`));
    const listedJson = await cli(['history', service, '--json']);
    expect((JSON.parse(listedJson.stdout) as Record<string, unknown>[])[0]).toMatchObject({
      version: target.number,
      imageLocation: 'local',
      imageNodes: [n1],
    });

    const refused = await cli(['rollback', service, '--to', `v${target.number}`, '--yes']);
    expect(refused.code, refused.stdout + refused.stderr).toBe(1);
    expect(refused.stdout).toMatch(
      new RegExp(`FAIL +image +.*only in the local image store of ${n1}.*: ${n2}, ${n3} may run the tasks`),
    );
    expect(refused.stdout).toContain('--allow-local-image');
    expect(refused.stdout).toContain('dokroll-tui push');
    expect((await history.gateway.inspectService(service)).Version.Index).toBe(before.Version.Index);

    const allowed = await cli([
      'rollback',
      service,
      '--to',
      `v${target.number}`,
      '--dry-run',
      '--allow-local-image',
      '--json',
    ]);
    expect(allowed.code, allowed.stdout + allowed.stderr).toBe(0);
    const checks = allowed.json[0]!.checks as {name: string; ok: boolean; detail: string}[];
    expect(checks.find((c) => c.name === 'image')).toMatchObject({
      ok: true,
      detail: expect.stringContaining(`assumed loaded on ${n2}, ${n3}`),
    });
    expect(checks.find((c) => c.name === 'placement')).toMatchObject({
      ok: true,
      detail: `3 of 3 node(s) may run it: ${n1}, ${n2}, ${n3}`,
    });
  }, 180_000);

  it('passes a local image when the only node that may run the target is the one that has it', async () => {
    const v1 = await fixtureImageId('v1');
    const service = await nodes.createService({prefix: 'pf-pinned', image: v1, replicas: 1});
    await history.record(service);
    const target = await recordVariant(service, (spec) => {
      spec.TaskTemplate.Placement = {Constraints: [`node.hostname==${nodes.node('n1').hostname}`]};
    });
    const result = await cli(['rollback', service, '--to', `v${target.number}`, '--dry-run']);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/ok +placement +1 of 3 node\(s\) may run it/);
    expect(result.stdout).toMatch(
      new RegExp(`ok +image +.*local image store of ${nodes.node('n1').hostname}, the only node that may run it`),
    );
  }, 180_000);

  it("refuses a rollback whose target's constraints match no node, naming why for each node", async () => {
    const v1 = await fixtureImageId('v1');
    const service = await nodes.createService({prefix: 'pf-nowhere', image: v1, replicas: 1});
    await history.record(service);
    const target = await recordVariant(service, (spec) => {
      spec.TaskTemplate.Placement = {Constraints: ['node.labels.dokroll.node==n9']};
    });
    const before = await history.gateway.inspectService(service);
    const result = await cli(['rollback', service, '--to', `v${target.number}`, '--yes']);
    expect(result.code, result.stdout + result.stderr).toBe(1);
    for (const node of nodes.nodes) {
      expect(result.stdout).toContain(`${node.hostname}: constraint node.labels.dokroll.node==n9 does not hold`);
    }
    expect(result.stdout).toMatch(/FAIL +placement +no node may run the target's tasks/);
    expect((await history.gateway.inspectService(service)).Version.Index).toBe(before.Version.Index);
  }, 180_000);
});

describe('a node lost mid-rollback', () => {
  it('names the node and why on the slot and in the verdict, follows its task to the node left, and the verdict arrives', async () => {
    const [v1, v2] = await Promise.all([fixtureImageId('v1'), fixtureImageId('v2')]);
    // One replica on n1, one on n2: spread over the two nodes the constraint leaves, and kept so by
    // stop-first updates (a start-first one may start the new task beside the old).
    const service = await nodes.createService({
      prefix: 'node-lost',
      image: v1,
      replicas: 2,
      args: [
        '--constraint',
        'node.labels.dokroll.node!=n3',
        '--placement-pref',
        'spread=node.labels.dokroll.node',
        '--update-order',
        'stop-first',
      ],
    });
    await history.record(service);
    await history.update(service, ['--image', v2]);
    await history.record(service);
    const n2 = nodes.node('n2').hostname;
    await nodes.nodeId('n2'); // asked of n2's own Engine, before it is stopped
    let rollback: ReturnType<typeof startCli> | undefined;
    try {
      // n2's Engine stops as the rollback begins: the managers notice (node down, ~12 s) while the
      // rollout is under way, after Swarm gave n2 the new task of its slot, which never starts.
      await nodes.script('stop-engine', 'n2');
      const startedAt = Date.now();
      const running = startCli(
        ['rollback', service, '--to', 'v1', '--yes', '--json', '--watch', '10', '--allow-local-image'],
        {
          db: history.db,
          env: {DOCKER_HOST: nodes.node('n1').host},
          timeoutMs: 240_000,
        },
      );
      rollback = running;
      await running.waitForJson((line) => line.type === 'applied' || line.type === 'verdict', 60_000);
      expect(running.output.stdout).toContain('"type":"applied"');
      // The verdict arrives within a bounded time (the node is marked down ~12 s after its Engine stopped).
      const result = await Promise.race([
        running.result,
        new Promise<never>((_, reject) =>
          setTimeout(
            () => reject(new Error(`no verdict within 150 s: ${running.output.stdout.slice(-2000)}`)),
            150_000,
          ),
        ),
      ]);
      expect(result.code, result.stdout.slice(-3000) + result.stderr).toBe(3);
      const verdict = result.json.at(-1)!;
      expect(verdict).toMatchObject({type: 'verdict', result: 'degraded'});
      expect((verdict.reasons as string[]).join('\n')).toMatch(
        new RegExp(`node ${n2} went down during the rollout( \\(.+\\))?: its tasks are rescheduled on other nodes`),
      );
      // Whether Swarm gave n2 a task of this rollout is a race with the managers noticing n2 down
      // (~12 s after its Engine stopped). If it did, that task never starts and Swarm's own update
      // would wait for it for ever: it was started again and finished, and the verdict says so.
      const n2Id = await nodes.nodeId('n2');
      const taskIds = (await nodes.dockerOk('n1', ['service', 'ps', service, '-q', '--no-trunc'])).trim().split('\n');
      const taskList = JSON.parse(await nodes.dockerOk('n1', ['inspect', '--type', 'task', ...taskIds])) as {
        CreatedAt: string;
        NodeID?: string;
      }[];
      const strandedOnN2 = taskList.some((t) => t.NodeID === n2Id && Date.parse(t.CreatedAt) >= startedAt);
      const restarted = new RegExp(
        `Swarm's update waited for slot \\d \\w+ on ${n2}, which went down: the update was started again`,
      );
      if (strandedOnN2) expect((verdict.reasons as string[]).join('\n')).toMatch(restarted);
      else expect((verdict.reasons as string[]).join('\n')).not.toMatch(restarted);
      // The slot that lost its task says so, naming the node. When the rollout's task was on n2, the
      // slot waited for it while n2 was down, so the note must have been shown. When Swarm placed the
      // new tasks on n1, the rollout may finish before the managers mark n2 down (no slot waits for
      // n2 then; the verdict above still names it); any note shown must still name n2.
      const lostNotes = result.json
        .filter((line) => line.type === 'progress')
        .flatMap((line) => line.slots as {lost?: string}[])
        .flatMap((s) => (s.lost ? [s.lost] : []));
      if (strandedOnN2) expect(lostNotes.join('\n')).toContain(`node ${n2} is down`);
      for (const note of lostNotes) expect(note).toMatch(new RegExp(`^node ${n2} is (down|unknown|disconnected)`));
      // The task Swarm started again elsewhere was followed: the service is whole, on n1.
      const health = result.json.filter((line) => line.type === 'health').at(-1)!;
      expect(health).toMatchObject({running: 2, desired: 2});
      expect((health.from as string[]).join('; ')).not.toContain(n2);
      const tasks = await nodes.dockerOk('n1', [
        'service',
        'ps',
        service,
        '--filter',
        'desired-state=running',
        '--format',
        '{{.Node}} {{.CurrentState}}',
      ]);
      expect(tasks.trim().split('\n')).toEqual([
        expect.stringMatching(new RegExp(`^${nodes.node('n1').hostname} Running`)),
        expect.stringMatching(new RegExp(`^${nodes.node('n1').hostname} Running`)),
      ]);
      // In text too: the audit log's line for the run names the node.
      const audit = await cli(['audit', service, '--limit', '1']);
      expect(audit.stdout).toMatch(new RegExp(`degraded.*node ${n2} went down during the rollout`));
    } finally {
      rollback?.child.kill('SIGKILL');
      await nodes.script('start-engine', 'n2');
      await nodes.waitNodeState('n2', 'ready', {timeoutMs: 120_000});
    }
  }, 400_000);
});

describe("health from each node's own Engine", () => {
  it("quotes a worker's failed health check read from the worker's own Engine when the config names it, and says the manager's task state was used without it", async () => {
    const [v1, bad] = await Promise.all([fixtureImageId('v1'), fixtureImageId('bad-health')]);
    const worker = nodes.node('n2');
    // One task, on the worker: its container's health is known only to the worker's Engine.
    const service = await nodes.createService({
      prefix: 'node-health',
      image: v1,
      replicas: 1,
      args: ['--constraint', 'node.labels.dokroll.node==n2'],
    });
    await history.record(service);
    const target = await recordVariant(service, (spec) => {
      spec.TaskTemplate.ContainerSpec!.Image = bad;
    });
    const dir = mkdtempSync(join(tmpdir(), 'dokroll-node-engines-'));
    try {
      const config = join(dir, 'config.yaml');
      writeFileSync(config, `nodes:\n  ${worker.hostname}:\n    host: ${worker.host}\n`);
      const failed = await cli([
        'rollback',
        service,
        '--to',
        `v${target.number}`,
        '--yes',
        '--json',
        '--watch',
        '3',
        '--allow-local-image',
        '--config',
        config,
      ]);
      expect(failed.code, failed.stdout.slice(-3000) + failed.stderr).toBe(1);
      const verdict = failed.json.at(-1)!;
      console.info(`rollback to a version unhealthy on the worker: ${JSON.stringify(verdict)}`);
      expect(verdict).toMatchObject({type: 'verdict', result: 'failed'});
      // The fixture's /health is absent: wget's 404, as the worker's Engine recorded the check.
      expect((verdict.errors as string[]).join('\n')).toMatch(
        new RegExp(
          `container unhealthy, health check failed: .*404.*\\(check exit code \\d+\\).* read from the Engine of node ${worker.hostname}`,
        ),
      );

      // Without the config: back to v1, healthy, its health from the manager's view of the worker's task.
      const healthy = await cli([
        'rollback',
        service,
        '--to',
        'v1',
        '--yes',
        '--json',
        '--watch',
        '2',
        '--allow-local-image',
      ]);
      expect(healthy.code, healthy.stdout.slice(-3000) + healthy.stderr).toBe(0);
      expect(healthy.json.at(-1)).toMatchObject({
        type: 'verdict',
        result: 'healthy',
        health: {from: [`task state via the manager (node ${worker.hostname})`]},
      });
    } finally {
      rmSync(dir, {recursive: true, force: true});
    }
  }, 240_000);
});

describe('a node drained mid-rollback', () => {
  it('names the node on the slot, follows the rescheduled task, and the verdict is healthy with the drain noted', async () => {
    const [v1, v2] = await Promise.all([fixtureImageId('v1'), fixtureImageId('v2')]);
    // One replica on n1, one on n2 (as in the node-lost test).
    const service = await nodes.createService({
      prefix: 'node-drained',
      image: v1,
      replicas: 2,
      args: [
        '--constraint',
        'node.labels.dokroll.node!=n3',
        '--placement-pref',
        'spread=node.labels.dokroll.node',
        '--update-order',
        'stop-first',
      ],
    });
    await history.record(service);
    await history.update(service, ['--image', v2]);
    await history.record(service);
    const [n1, n2] = [nodes.node('n1').hostname, nodes.node('n2').hostname];
    const n2Id = await nodes.nodeId('n2');
    try {
      const running = startCli(
        ['rollback', service, '--to', 'v1', '--yes', '--json', '--watch', '3', '--allow-local-image'],
        {db: history.db, env: {DOCKER_HOST: nodes.node('n1').host}, timeoutMs: 120_000},
      );
      await running.waitForJson((line) => line.type === 'applied' || line.type === 'verdict', 60_000);
      await nodes.dockerOk('n1', ['node', 'update', '--availability', 'drain', n2Id]);
      const result = await running.result;
      const verdict = result.json.at(-1)!;
      // When the drain shuts down a task of the update itself before it ran, Swarm counts that as an
      // early termination and pauses the update (its failure action): then the truthful verdict is
      // failed, naming Swarm's pause. Otherwise the replacement tasks are healthy and so is the verdict.
      const pausedBySwarm = (verdict.reasons as string[]).some((r) =>
        r.startsWith('Swarm paused the update: update paused due to failure or early termination of task'),
      );
      expect(result.code, result.stdout.slice(-3000) + result.stderr).toBe(pausedBySwarm ? 1 : 0);
      expect(verdict).toMatchObject({type: 'verdict', result: pausedBySwarm ? 'failed' : 'healthy'});
      expect((verdict.reasons as string[]).join('\n')).toMatch(
        new RegExp(
          `node ${n2} was drained during the rollout: its tasks were shut down and rescheduled on other nodes \\(the service now runs on ${n1}\\)`,
        ),
      );
      // The slot whose task was on n2 says so, and where its task went.
      const notes = result.json
        .filter((line) => line.type === 'progress')
        .flatMap((line) => line.slots as {lost?: string}[])
        .map((s) => s.lost)
        .filter(Boolean);
      expect(notes.join('\n')).toContain(`node ${n2} was drained: its task was shut down, rescheduled on ${n1}`);
      if (!pausedBySwarm) {
        const health = result.json.filter((line) => line.type === 'health').at(-1)!;
        expect(health).toMatchObject({running: 2, desired: 2});
      }
    } finally {
      await nodes.dockerOk('n1', ['node', 'update', '--availability', 'active', n2Id]);
    }
  }, 180_000);
});
