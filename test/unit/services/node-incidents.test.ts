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
      {
        line: 'node host-b went down during the rollout (heartbeat failure): its tasks are rescheduled on other nodes',
        degrades: true,
      },
    ]);
  });

  it('notes a drained node holding tasks and where the service runs now, without degrading; ignores lost nodes that held none', () => {
    const shutDown = {...task('t1', 'a'), DesiredState: 'shutdown', Status: {State: 'shutdown'}};
    const incidents = nodeIncidents({
      service,
      tasks: [shutDown, task('t2', 'b')],
      nodes: [node('a', 'ready', 'drain'), node('b', 'ready'), node('c', 'down')],
    });
    expect([...incidents.values()]).toEqual([
      {
        line: 'node host-a was drained during the rollout: its tasks were shut down and rescheduled on other nodes (the service now runs on host-b)',
        degrades: false,
      },
    ]);
  });
});
