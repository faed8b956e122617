import {describe, expect, test} from 'vitest';
import type {SwarmNode, Task} from '../../../source/docker/schemas.js';
import {distinctNodeNames} from '../../../source/domain/placement.js';
import {toNodeRows} from '../../../source/services/console/node-rows.js';
import {healthSources} from '../../../source/services/container-health.js';

function swarmNode(id: string, hostname: string, extra: Partial<SwarmNode> = {}): SwarmNode {
  return {
    ID: id,
    Description: {Hostname: hostname, Engine: {EngineVersion: '20.10.24'}},
    Spec: {Role: 'worker', Availability: 'active'},
    Status: {State: 'ready'},
    ...extra,
  };
}

function runningTask(id: string, nodeId: string, state = 'running'): Task {
  return {ID: id, NodeID: nodeId, ServiceID: 's', DesiredState: 'running', Status: {State: state}} as Task;
}

describe('node names and rows', () => {
  test('nodes are named by hostname, with the short ID added where two hostnames collide', () => {
    const names = distinctNodeNames([
      swarmNode('aaaaaaaaaaaa1111', 'web'),
      swarmNode('bbbbbbbbbbbb2222', 'web'),
      swarmNode('cccccccccccc3333', 'db'),
    ]);
    expect([...names.values()]).toEqual(['web (aaaaaaaaaaaa)', 'web (bbbbbbbbbbbb)', 'db']);
  });

  test('rows count the tasks running on each node, mark the leader and the connected node, managers first', () => {
    const nodes = [
      swarmNode('w1', 'worker-1'),
      swarmNode('m1', 'mgr-1', {
        Spec: {Role: 'manager', Availability: 'active'},
        ManagerStatus: {Leader: true, Reachability: 'reachable'},
      }),
      swarmNode('m2', 'mgr-2', {
        Spec: {Role: 'manager', Availability: 'drain'},
        ManagerStatus: {Reachability: 'unreachable'},
        Status: {State: 'down', Message: 'heartbeat failure'},
      }),
    ];
    const tasks = [
      runningTask('t1', 'w1'),
      runningTask('t2', 'w1'),
      runningTask('t3', 'm1', 'starting'),
      runningTask('t4', 'm1'),
    ];
    const rows = toNodeRows(nodes, tasks, 'm1');
    expect(rows.map((r) => [r.name, r.role, r.leader, r.availability, r.state, r.tasksRunning, r.self])).toEqual([
      ['mgr-1', 'manager', true, 'active', 'ready', 1, true],
      ['mgr-2', 'manager', false, 'drain', 'down', 0, false],
      ['worker-1', 'worker', false, 'active', 'ready', 2, false],
    ]);
    expect(rows[1]).toMatchObject({reachability: 'unreachable', message: 'heartbeat failure', engine: '20.10.24'});
  });
});

describe('where health came from', () => {
  test("the node's Engine for tasks whose container health an Engine gave, the manager's task state for the others", () => {
    const nodes = [swarmNode('m1', 'mgr-1'), swarmNode('w1', 'worker-1'), swarmNode('w2', 'worker-2')];
    const tasks = [
      runningTask('t1', 'm1'),
      runningTask('t2', 'w1'),
      runningTask('t3', 'w2'),
      runningTask('t4', 'w2', 'starting'),
    ];
    expect(healthSources(tasks, {t1: 'healthy'}, nodes)).toEqual([
      'engine of node mgr-1',
      'task state via the manager (node worker-1)',
      'task state via the manager (node worker-2)',
    ]);
    expect(healthSources(tasks, undefined, nodes)).toEqual([
      'task state via the manager (node mgr-1)',
      'task state via the manager (node worker-1)',
      'task state via the manager (node worker-2)',
    ]);
  });

  test('a node whose configured Engine cannot be used: task state, with why', () => {
    const nodes = [swarmNode('m1', 'mgr-1'), swarmNode('w1', 'worker-1')];
    const tasks = [runningTask('t1', 'm1'), runningTask('t2', 'w1')];
    expect(
      healthSources(tasks, {t1: 'healthy'}, nodes, {
        w1: 'its Engine at unix:///w1.sock did not answer (connect ENOENT)',
      }),
    ).toEqual([
      'engine of node mgr-1',
      'task state via the manager (node worker-1: its Engine at unix:///w1.sock did not answer (connect ENOENT))',
    ]);
  });
});
