import {describe, expect, test} from 'vitest';
import type {DockerGateway} from '../../../source/docker/gateway.js';
import {DaemonUnreachableError} from '../../../source/docker/errors.js';
import {keyNamesNode, NodeEngines, RETRY_MS} from '../../../source/docker/node-engines.js';

/** An Engine that says it is `nodeId` / `hostname`, or one that does not answer (null). */
function engines(who: Record<string, {nodeId: string; hostname: string} | null>) {
  const opened: string[] = [];
  const closed: string[] = [];
  const open = async (host: string): Promise<DockerGateway> => {
    opened.push(host);
    const self = who[host];
    if (!self) throw new DaemonUnreachableError(host, 'connect ENOENT');
    return {
      swarmInfo: async () => ({
        ...self,
        swarmId: 'x',
        isManager: false,
        nodeState: 'active',
        serverVersion: '',
        apiVersion: '',
      }),
      close: () => closed.push(host),
    } as unknown as DockerGateway;
  };
  return {open, opened, closed};
}

describe("a node's own Engine", () => {
  test('a configured key names a node by its ID, an ID prefix of 12 or more, or its hostname', () => {
    const node = {id: '3f2a9c1b04de5a6b7c8d9e0f1', hostname: 'worker-1'};
    expect(keyNamesNode('3f2a9c1b04de5a6b7c8d9e0f1', node)).toBe(true);
    expect(keyNamesNode('3f2a9c1b04de', node)).toBe(true);
    expect(keyNamesNode('3f2a9c', node)).toBe(false);
    expect(keyNamesNode('worker-1', node)).toBe(true);
    expect(keyNamesNode('worker-2', node)).toBe(false);
  });

  test('is found for the node it says it is, opened once; other nodes have none', async () => {
    const fake = engines({'unix:///w1.sock': {nodeId: 'id-w1', hostname: 'worker-1'}});
    const directory = new NodeEngines({'worker-1': 'unix:///w1.sock'}, {open: fake.open});
    const found = await directory.forNode({id: 'id-w1'});
    expect(found).toMatchObject({endpoint: 'unix:///w1.sock'});
    expect(found && 'gateway' in found).toBe(true);
    expect(await directory.forNode({id: 'id-m1', hostname: 'mgr-1'})).toBeNull();
    await directory.forNode({id: 'id-w1'});
    expect(fake.opened).toEqual(['unix:///w1.sock']);
    directory.close();
    await Promise.resolve();
    expect(fake.closed).toEqual(['unix:///w1.sock']);
  });

  test('one that does not answer is a problem for its node, said in one line, and tried again only after a while', async () => {
    let now = 1_000;
    const fake = engines({});
    const directory = new NodeEngines({'worker-1': 'unix:///w1.sock'}, {open: fake.open, now: () => now});
    expect(await directory.forNode({id: 'id-w1', hostname: 'worker-1'})).toEqual({
      endpoint: 'unix:///w1.sock',
      problem: 'its Engine at unix:///w1.sock did not answer (connect ENOENT)',
    });
    await directory.forNode({id: 'id-w1', hostname: 'worker-1'});
    expect(fake.opened).toHaveLength(1);
    now += RETRY_MS;
    await directory.forNode({id: 'id-w1', hostname: 'worker-1'});
    expect(fake.opened).toHaveLength(2);
  });

  test('an Engine that is another node than configured is never used for it', async () => {
    const fake = engines({'unix:///w1.sock': {nodeId: 'id-w2', hostname: 'worker-2'}});
    const directory = new NodeEngines({'worker-1': 'unix:///w1.sock'}, {open: fake.open});
    expect(await directory.forNode({id: 'id-w1', hostname: 'worker-1'})).toEqual({
      endpoint: 'unix:///w1.sock',
      problem: 'the Engine at unix:///w1.sock is node worker-2 (id-w2), not worker-1',
    });
    expect(await directory.forNode({id: 'id-w2', hostname: 'worker-2'})).toBeNull();
    expect(fake.closed).toEqual(['unix:///w1.sock']);
  });

  test('an Engine that stops answering mid-watch is left alone and its node reported', async () => {
    const fake = engines({'unix:///w1.sock': {nodeId: 'id-w1', hostname: 'worker-1'}});
    const directory = new NodeEngines({'worker-1': 'unix:///w1.sock'}, {open: fake.open});
    const found = await directory.forNode({id: 'id-w1'});
    if (!found || !('gateway' in found)) throw new Error('expected the Engine');
    directory.failed(found, new DaemonUnreachableError('unix:///w1.sock', 'socket hang up'));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(await directory.forNode({id: 'id-w1', hostname: 'worker-1'})).toEqual({
      endpoint: 'unix:///w1.sock',
      problem: 'its Engine at unix:///w1.sock did not answer (socket hang up)',
    });
    expect(fake.closed).toEqual(['unix:///w1.sock']);
  });
});
