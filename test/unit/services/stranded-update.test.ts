import {describe, expect, it} from 'vitest';
import type {Service, SwarmNode, Task} from '../../../source/docker/schemas.js';
import {strandedLine, strandedTasks} from '../../../source/services/rollback/stranded-update.js';

const template = {ContainerSpec: {Image: 'app:1'}};
const service = {
  ID: 's',
  Version: {Index: 10},
  Spec: {Name: 'web', TaskTemplate: template, Mode: {Replicated: {Replicas: 2}}},
  UpdateStatus: {State: 'updating', StartedAt: '2026-01-01T00:00:00Z'},
} as unknown as Service;
const nodes: SwarmNode[] = [
  {ID: 'a', Description: {Hostname: 'web-1'}, Status: {State: 'ready'}},
  {ID: 'b', Description: {Hostname: 'web-2'}, Status: {State: 'down', Message: 'heartbeat failure'}},
];
function task(id: string, nodeId: string, state: string, spec: object = template): Task {
  return {ID: `${id}${'x'.repeat(20)}`, ServiceID: 's', NodeID: nodeId, Slot: 2, DesiredState: 'shutdown', Spec: spec, Status: {State: state}} as Task;
}

describe('strandedTasks', () => {
  it('finds a task of the update on a down node that never ran: Swarm waits for it for ever', () => {
    const stranded = strandedTasks(service, [task('t1', 'b', 'assigned'), task('t2', 'a', 'running')], nodes);
    expect(stranded.map((t) => t.ID.slice(0, 2))).toEqual(['t1']);
    expect(strandedLine(stranded, nodes)).toBe(
      "Swarm's update waited for slot 2 t1xxxxxxxxxx on web-2, which went down: the update was started again (same spec) so that Swarm updates the slots left",
    );
  });

  it('leaves alone tasks that ran, tasks of an older spec, and updates that are not in progress', () => {
    expect(strandedTasks(service, [task('t1', 'b', 'running')], nodes)).toEqual([]);
    expect(strandedTasks(service, [task('t1', 'b', 'assigned', {ContainerSpec: {Image: 'app:0'}})], nodes)).toEqual([]);
    const completed = {...service, UpdateStatus: {State: 'completed'}} as Service;
    expect(strandedTasks(completed, [task('t1', 'b', 'assigned')], nodes)).toEqual([]);
  });
});
