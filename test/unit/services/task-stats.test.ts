/**
 * The sampler asks the connected node's Engine only: a task on another node is reported as such,
 * by node name, and costs no request. (A stub gateway: which containers it is asked about is the point.)
 */
import {describe, expect, it} from 'vitest';
import type {ContainerStatsSample, SwarmInfo} from '../../../source/docker/gateway.js';
import type {Task} from '../../../source/docker/schemas.js';
import {TaskStatsSampler} from '../../../source/services/task-stats.js';

function task(id: string, node: string, state = 'running'): Task {
  return {
    ID: id,
    ServiceID: 's',
    NodeID: node,
    DesiredState: 'running',
    Status: {State: state, Timestamp: '2026-01-01T00:00:00Z', ContainerStatus: {ContainerID: `c-${id}`}},
  } as unknown as Task;
}

describe('task stats sampler', () => {
  it('measures tasks of the connected node, names the node of the others, and gives CPU % from the second sample on', async () => {
    const asked: string[] = [];
    let cpu = 0;
    const gateway = {
      swarmInfo: async () => ({nodeId: 'local'}) as SwarmInfo,
      containerStats: async (id: string): Promise<ContainerStatsSample | null> => {
        asked.push(id);
        cpu += 1e8;
        return {cpuTotalNs: cpu, systemNs: cpu * 10, onlineCpus: 2, memoryBytes: 4096, at: Date.now()};
      },
    };
    const sampler = new TaskStatsSampler(gateway);
    const tasks = [task('a', 'local'), task('b', 'far'), task('c', 'local', 'shutdown')];
    const names = (id: string) => (id === 'far' ? 'worker-2' : id);
    expect(await sampler.sample(tasks, names)).toEqual({
      a: {kind: 'measured', cpuPercent: null, memoryBytes: 4096},
      b: {kind: 'elsewhere', node: 'worker-2'},
    });
    const second = await sampler.sample(tasks, names);
    expect(second.a).toEqual({kind: 'measured', cpuPercent: 20, memoryBytes: 4096});
    expect(asked).toEqual(['c-a', 'c-a']);
  });
});
