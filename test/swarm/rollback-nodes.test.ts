import {randomBytes} from 'node:crypto';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {ServiceSpec} from '../../source/docker/schemas.js';
import {ensureBuilt} from '../support/built-cli.js';
import {runCli} from '../support/cli.js';
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
    await nodes.dockerOk('n1', ['build', '-q', '-t', tag, '-'], {input: `FROM ${v1}\nLABEL dokroll.test.local="${tag}"\n`});
    const localId = (await nodes.dockerOk('n1', ['image', 'inspect', '-f', '{{.Id}}', tag])).trim();
    const target = await recordVariant(service, (spec) => {
      spec.TaskTemplate.ContainerSpec!.Image = localId;
    });
    const before = await history.gateway.inspectService(service);

    const refused = await cli(['rollback', service, '--to', `v${target.number}`, '--yes']);
    expect(refused.code, refused.stdout + refused.stderr).toBe(1);
    const [n1, n2, n3] = nodes.nodes.map((n) => n.hostname);
    expect(refused.stdout).toMatch(new RegExp(`FAIL +image +.*only in the local image store of ${n1}.*: ${n2}, ${n3} may run the tasks`));
    expect(refused.stdout).toContain('--allow-local-image');
    expect(refused.stdout).toContain('dokroll-tui push');
    expect((await history.gateway.inspectService(service)).Version.Index).toBe(before.Version.Index);

    const allowed = await cli(['rollback', service, '--to', `v${target.number}`, '--dry-run', '--allow-local-image', '--json']);
    expect(allowed.code, allowed.stdout + allowed.stderr).toBe(0);
    const checks = allowed.json[0]!.checks as {name: string; ok: boolean; detail: string}[];
    expect(checks.find((c) => c.name === 'image')).toMatchObject({ok: true, detail: expect.stringContaining(`assumed loaded on ${n2}, ${n3}`)});
    expect(checks.find((c) => c.name === 'placement')).toMatchObject({ok: true, detail: `3 of 3 node(s) may run it: ${n1}, ${n2}, ${n3}`});
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
    expect(result.stdout).toMatch(new RegExp(`ok +image +.*local image store of ${nodes.node('n1').hostname}, the only node that may run it`));
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
