import {describe, expect, it} from 'vitest';
import type {Service, SwarmNode, Task} from '../../../source/docker/schemas.js';
import {nodeIncidents} from '../../../source/services/rollback/watch-rollout.js';

function node(id: string, state: string, availability = 'active'): SwarmNode {
  return {
    ID: id,
    Description: {Hostname: `host-${id}`},
    Spec: {Availability: availability},
    Status: {State: state, Message: state === 'down' ? 'heartbeat failure' : undefined},
  };
}
function task(id: string, nodeId: string): Task {
  return {ID: id, ServiceID: 's', NodeID: nodeId, DesiredState: 'running', Status: {State: 'running'}};
}
const service = {ID: 's', Version: {Index: 1}, Spec: {Name: 'web', TaskTemplate: {}}} as unknown as Service;

describe('nodeIncidents', () => {
  it('names a node holding tasks of the rollout that went down, with the reason Swarm gives', () => {
    const incidents = nodeIncidents({
      service,
      tasks: [task('t1', 'a'), task('t2', 'b')],
      nodes: [node('a', 'ready'), node('b', 'down')],
    });
    expect([...incidents.values()]).toEqual([
      'node host-b went down during the rollout (heartbeat failure): its tasks are rescheduled on other nodes',
    ]);
  });

  it('names a drained node holding tasks, and ignores lost nodes that held none', () => {
    const incidents = nodeIncidents({
      service,
      tasks: [task('t1', 'a')],
      nodes: [node('a', 'ready', 'drain'), node('c', 'down')],
    });
    expect([...incidents.values()]).toEqual([
      'node host-a was set to drain during the rollout: its tasks are rescheduled on other nodes',
    ]);
  });
});
