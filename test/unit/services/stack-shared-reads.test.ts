/**
 * A stack's pre-flight asks the daemon once for what every service's pre-flight reads of the whole
 * swarm (secrets, configs, networks, nodes, `docker info`, an image by reference), and passes every
 * other call through to the gateway untouched.
 */
import {describe, expect, it} from 'vitest';
import type {DockerGateway} from '../../../source/docker/gateway.js';
import {sharingSwarmReads} from '../../../source/services/stacks/shared-reads.js';

/** A gateway that counts the requests it is asked for. */
function countingGateway() {
  const calls: string[] = [];
  const answer =
    (name: string, value: unknown) =>
    async (...args: unknown[]) => {
      calls.push([name, ...args.filter((a) => typeof a === 'string')].join(' '));
      await new Promise((resolve) => setTimeout(resolve, 5));
      return value;
    };
  const gateway = {
    endpoint: 'unix:///var/run/docker.sock',
    listSecrets: answer('listSecrets', [{id: 's1', name: 'db-password'}]),
    listConfigs: answer('listConfigs', []),
    listNetworks: answer('listNetworks', [{id: 'n1', name: 'shop_back'}]),
    listNodes: answer('listNodes', []),
    swarmInfo: answer('swarmInfo', {nodeId: 'node1'}),
    inspectImage: answer('inspectImage', {Id: 'sha256:abc'}),
    resolveImage: answer('resolveImage', {ref: 'app:1', pinned: 'sha256:abc', where: 'local'}),
    inspectService: answer('inspectService', {ID: 'svc'}),
  };
  return {gateway: gateway as unknown as DockerGateway, calls};
}

describe('sharingSwarmReads', () => {
  it("makes each whole-swarm read once for all the services' pre-flights running together", async () => {
    const {gateway, calls} = countingGateway();
    const shared = sharingSwarmReads(gateway);
    const preflight = (service: string) =>
      Promise.all([
        shared.inspectService(service),
        shared.listSecrets(),
        shared.listConfigs(),
        shared.listNetworks(),
        shared.listNodes(),
        shared.swarmInfo(),
        shared.inspectImage('app:1'),
        shared.resolveImage('app:1'),
      ]);
    const answers = await Promise.all(['web', 'worker', 'api', 'cron', 'mail'].map(preflight));

    expect(calls.filter((c) => c.startsWith('inspectService'))).toHaveLength(5);
    for (const read of ['listSecrets', 'listConfigs', 'listNetworks', 'listNodes', 'swarmInfo'])
      expect(calls.filter((c) => c === read)).toEqual([read]);
    expect(calls.filter((c) => c.startsWith('inspectImage'))).toEqual(['inspectImage app:1']);
    expect(calls.filter((c) => c.startsWith('resolveImage'))).toEqual(['resolveImage app:1']);
    // Every pre-flight got the same answers.
    for (const answer of answers) expect(answer.slice(1)).toEqual(answers[0]!.slice(1));
  });

  it('asks again for another image, and leaves a read with registry credentials to the caller', async () => {
    const {gateway, calls} = countingGateway();
    const shared = sharingSwarmReads(gateway);
    await shared.inspectImage('app:1');
    await shared.inspectImage('app:2');
    await shared.resolveImage('app:1', {registryAuth: {username: 'u', password: 'p'}} as never);
    await shared.resolveImage('app:1', {registryAuth: {username: 'u', password: 'p'}} as never);
    expect(calls).toEqual(['inspectImage app:1', 'inspectImage app:2', 'resolveImage app:1', 'resolveImage app:1']);
  });

  it('passes every other property through to the gateway itself', () => {
    const {gateway} = countingGateway();
    expect(sharingSwarmReads(gateway).endpoint).toBe('unix:///var/run/docker.sock');
  });

  it('a new plan reads the swarm again', async () => {
    const {gateway, calls} = countingGateway();
    await sharingSwarmReads(gateway).listNetworks();
    await sharingSwarmReads(gateway).listNetworks();
    expect(calls).toEqual(['listNetworks', 'listNetworks']);
  });
});
