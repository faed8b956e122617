import {describe, expect, it} from 'vitest';
import type {DockerGateway} from '../../../source/docker/gateway.js';
import type {Service, SwarmNode, Task} from '../../../source/docker/schemas.js';
import {watchHealth} from '../../../source/services/rollback/watch-health.js';

const template = {ContainerSpec: {Image: 'app:1'}};
const service = {
  ID: 's',
  Version: {Index: 11},
  Spec: {Name: 'web', TaskTemplate: template, Mode: {Replicated: {Replicas: 1}}},
  UpdateStatus: {State: 'completed', StartedAt: '2026-01-01T00:00:00Z'},
} as unknown as Service;
const nodes = [{ID: 'a', Description: {Hostname: 'web-1'}, Status: {State: 'ready'}}] as SwarmNode[];
const task = {
  ID: `t1${'x'.repeat(20)}`,
  ServiceID: 's',
  NodeID: 'a',
  Slot: 1,
  DesiredState: 'running',
  Spec: template,
  Status: {State: 'running', ContainerStatus: {ContainerID: 'c'.repeat(64)}},
} as unknown as Task;

/** A swarm whose one task runs, and whose Engine never answers a container's stats. */
function fakeGateway() {
  let statsCalls = 0;
  const gateway = {
    endpoints: ['unix:///var/run/docker.sock'],
    findService: async () => service,
    listTasks: async () => [task],
    listNodes: async () => nodes,
    swarmInfo: async () => ({nodeId: 'a', hostname: 'web-1'}),
    containerStats: () => {
      statsCalls += 1;
      return new Promise(() => undefined);
    },
  } as unknown as DockerGateway;
  return {gateway, stats: () => statsCalls};
}

describe('watchHealth', () => {
  it("gives a zero-second watch its verdict without waiting for the tasks' stats (the Engine takes ~1 s for them)", async () => {
    const {gateway, stats} = fakeGateway();
    const baseline = {versionIndex: 10, updateStartedAt: null, startedAtMs: 0};
    const result = await watchHealth(gateway, service, baseline, {windowMs: 0, pollMs: 10, now: Date.now});
    expect(result.status).toBe('done');
    expect(result.verdict?.status).toBe('healthy');
    expect(stats()).toBeGreaterThan(0);
  }, 5_000);
});
