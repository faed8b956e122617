/**
 * Container health of running tasks. Swarm's task payload does not carry it, so we ask the engine
 * for the containers' health (only for services that define a health check, and only for tasks
 * meant to run). On a multi-node swarm, containers on other nodes answer 404 and stay unknown,
 * unless the operator configured that node's own Engine (`nodes:`): then it is asked there. A
 * configured Engine that cannot be used leaves its tasks to what the manager knows, and says why.
 */
import type {DockerGateway, NodeEngine} from '../docker/gateway.js';
import type {Service, SwarmNode, Task} from '../docker/schemas.js';
import {distinctNodeNames} from '../domain/placement.js';
import type {ContainerHealth} from '../domain/task-state.js';

export function hasHealthcheck(service: Service): boolean {
  const test = service.Spec.TaskTemplate.ContainerSpec?.Healthcheck?.Test;
  return Array.isArray(test) && test.length > 0 && test[0] !== 'NONE';
}

export interface HealthLook {
  /** Task ID → its container's health, where an Engine told it. */
  health: Record<string, ContainerHealth>;
  /** Node ID → why its configured Engine was not used (its tasks' health is the manager's view). */
  fallbacks: Record<string, string>;
}

/**
 * The Engine that knows the container of a task on `nodeId`: the node's own, when configured and
 * usable; else the connected one. `problem` says why a configured one was not used.
 */
export async function engineForNode(
  gateway: DockerGateway,
  nodeId: string | undefined,
  hostname?: string,
): Promise<{engine: DockerGateway; own: NodeEngine | null; problem: string | null}> {
  const directory = gateway.nodeEngines;
  if (!directory || !nodeId) return {engine: gateway, own: null, problem: null};
  const found = await directory.forNode({id: nodeId, hostname}).catch(() => null);
  if (found && 'gateway' in found) return {engine: found.gateway, own: found, problem: null};
  return {engine: gateway, own: null, problem: found?.problem ?? null};
}

export async function containerHealthLook(
  gateway: DockerGateway,
  tasks: readonly Task[],
  nodes?: readonly SwarmNode[],
): Promise<HealthLook> {
  const look: HealthLook = {health: {}, fallbacks: {}};
  const candidates = tasks.filter(
    (t) => t.DesiredState === 'running' && t.Status.State === 'running' && t.Status.ContainerStatus?.ContainerID,
  );
  const hostnames = new Map((nodes ?? []).map((n) => [n.ID, n.Description?.Hostname]));
  await Promise.all(
    candidates.map(async (task) => {
      const {engine, own, problem} = await engineForNode(gateway, task.NodeID, hostnames.get(task.NodeID ?? ''));
      if (problem) look.fallbacks[task.NodeID!] = problem;
      const health = await engine.inspectContainerHealth(task.Status.ContainerStatus!.ContainerID!).catch((error) => {
        // The node's Engine went away mid-watch: the manager's view from now on, said so.
        if (own) {
          gateway.nodeEngines?.failed(own, error);
          look.fallbacks[task.NodeID!] = `its Engine at ${own.endpoint} did not answer`;
        }
        return null;
      });
      if (health) look.health[task.ID] = health;
    }),
  );
  return look;
}

export async function containerHealthFor(
  gateway: DockerGateway,
  tasks: readonly Task[],
): Promise<Record<string, ContainerHealth>> {
  return (await containerHealthLook(gateway, tasks)).health;
}

/**
 * Where the health of the running `tasks` comes from, one entry per node: `engine of node X` when
 * their containers' health was read from the Engine that runs them (the connected one, or the node's
 * own where configured: `health` has them), else `task state via the manager (node X)`: what the
 * manager knows, with why the node's configured Engine was not used (`fallbacks`). Sorted, engine first.
 */
export function healthSources(
  tasks: readonly Task[],
  health: Record<string, ContainerHealth> | undefined,
  nodes: readonly SwarmNode[] | undefined,
  fallbacks: Record<string, string> = {},
): string[] {
  const names = distinctNodeNames(nodes ?? []);
  const sources = new Set<string>();
  for (const task of tasks) {
    if (task.DesiredState !== 'running' || task.Status.State !== 'running') continue;
    const node = task.NodeID ? (names.get(task.NodeID) ?? task.NodeID.slice(0, 12)) : '?';
    const why = task.NodeID && fallbacks[task.NodeID] ? `: ${fallbacks[task.NodeID]}` : '';
    sources.add(
      health?.[task.ID] !== undefined ? `engine of node ${node}` : `task state via the manager (node ${node}${why})`,
    );
  }
  return [...sources].sort(
    (a, b) => Number(b.startsWith('engine')) - Number(a.startsWith('engine')) || a.localeCompare(b),
  );
}
