import {describe, expect, it} from 'vitest';
import type {DockerGateway} from '../../../source/docker/gateway.js';
import type {Service, ServiceSpec, SwarmNode, Task} from '../../../source/docker/schemas.js';
import {restartUpdate, strandedLine, strandedTasks} from '../../../source/services/rollback/stranded-update.js';

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
  return {
    ID: `${id}${'x'.repeat(20)}`,
    ServiceID: 's',
    NodeID: nodeId,
    Slot: 2,
    DesiredState: 'shutdown',
    Spec: spec,
    Status: {State: state},
  } as Task;
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

describe('restartUpdate', () => {
  function fakeGateway(onInspect: (spec: ServiceSpec) => ServiceSpec = (spec) => spec) {
    let live = {...service, Version: {Index: 10}, Spec: structuredClone(service.Spec)} as Service;
    const writes: ServiceSpec[] = [];
    const gateway = {
      async updateService(_id: string, index: number, spec: ServiceSpec) {
        expect(index).toBe(live.Version.Index);
        writes.push(spec);
        live = {...live, Version: {Index: index + 1}, Spec: structuredClone(spec)};
        return [];
      },
      async inspectService() {
        live = {...live, Spec: onInspect(live.Spec)};
        return live;
      },
    } as unknown as DockerGateway;
    return {gateway, writes};
  }

  it('updates with the UpdateConfig told apart, then puts the spec back: no task changes, Swarm starts its update again', async () => {
    const {gateway, writes} = fakeGateway();
    await restartUpdate(gateway, service);
    expect(writes).toHaveLength(2);
    expect(writes[0]!.UpdateConfig?.Monitor).toBe(5_000_000_000);
    expect(writes[0]!.TaskTemplate).toEqual(service.Spec.TaskTemplate);
    expect(writes[1]).toEqual(service.Spec);
  });

  it("is a conflict, and writes nothing more, when someone else's change lands between the two updates", async () => {
    const {gateway, writes} = fakeGateway((spec) => ({...spec, TaskTemplate: {ContainerSpec: {Image: 'theirs:9'}}}));
    await expect(restartUpdate(gateway, service)).rejects.toThrow(/changed by someone else/);
    expect(writes).toHaveLength(1);
  });
});
