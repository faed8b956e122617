import {describe, expect, test} from 'vitest';
import type {
  ContainerHealthDetail,
  DockerGateway,
  NodeEngine,
  NodeEngineDirectory,
  NodeEngineProblem,
} from '../../../source/docker/gateway.js';
import type {SwarmNode, Task} from '../../../source/docker/schemas.js';
import {explainTaskFailures} from '../../../source/services/rollback/task-errors.js';

const nodes = [
  {ID: 'm1', Description: {Hostname: 'mgr-1'}},
  {ID: 'w1', Description: {Hostname: 'worker-1'}},
] as SwarmNode[];

/** A task on the worker that ended `complete` after failing its health check (as Swarm leaves it). */
const stopped = {
  ID: 'taskonworker000000000001',
  ServiceID: 's',
  NodeID: 'w1',
  Slot: 1,
  DesiredState: 'shutdown',
  Status: {State: 'complete', ContainerStatus: {ContainerID: 'c1', ExitCode: 0}},
} as Task;
const message = `update paused due to failure or early termination of task ${stopped.ID}`;

const unhealthy: ContainerHealthDetail = {
  health: 'unhealthy',
  lastCheckOutput: 'wget: server returned error: HTTP/1.1 404 Not Found',
  lastCheckExitCode: 1,
  failingStreak: 3,
  checkOutputs: [],
  exitCode: 0,
};

/** The connected manager (m1): it knows no container of the worker's. */
function manager(directory: NodeEngineDirectory | null): DockerGateway {
  return {
    nodeEngines: directory,
    swarmInfo: async () => ({nodeId: 'm1'}),
    containerHealthDetail: async () => null,
  } as unknown as DockerGateway;
}

function directory(found: NodeEngine | NodeEngineProblem | null): NodeEngineDirectory {
  return {forNode: async () => found, failed: () => undefined, close: () => undefined};
}

describe('why the tasks of a failed rollout failed, on a swarm of several nodes', () => {
  test("quotes the failed health check read from the worker's own Engine, where one is configured", async () => {
    const worker = {containerHealthDetail: async () => unhealthy} as unknown as DockerGateway;
    const lines = await explainTaskFailures(
      manager(directory({gateway: worker, endpoint: 'unix:///w1.sock'})),
      [stopped],
      message,
      [],
      [],
      nodes,
    );
    expect(lines).toEqual([
      'slot 1: container unhealthy, health check failed: wget: server returned error: HTTP/1.1 404 Not Found (check exit code 1) after 3 failing checks — read from the Engine of node worker-1',
    ]);
  });

  test("says the cause is on the worker's Engine when none is configured", async () => {
    const lines = await explainTaskFailures(manager(null), [stopped], message, [], [], nodes);
    expect(lines).toEqual([
      "slot 1: task complete (complete) — its container's health is known only to the Engine of node worker-1 (not configured under nodes:)",
    ]);
  });

  test('says why a configured Engine was not asked', async () => {
    const problem = {
      endpoint: 'unix:///w1.sock',
      problem: 'its Engine at unix:///w1.sock did not answer (connect ENOENT)',
    };
    const lines = await explainTaskFailures(manager(directory(problem)), [stopped], message, [], [], nodes);
    expect(lines).toEqual([
      'slot 1: task complete (complete) — its container was not asked: node worker-1: its Engine at unix:///w1.sock did not answer (connect ENOENT)',
    ]);
  });
});
