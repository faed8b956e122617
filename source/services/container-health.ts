/**
 * Container health of running tasks. Swarm's task payload does not carry it, so we ask the engine
 * for the containers' health (only for services that define a health check, and only for tasks
 * meant to run). On a multi-node swarm, containers on other nodes answer 404 and stay unknown.
 */
import type {DockerGateway} from '../docker/gateway.js';
import type {Service, SwarmNode, Task} from '../docker/schemas.js';
import {distinctNodeNames} from '../domain/placement.js';
import type {ContainerHealth} from '../domain/task-state.js';

export function hasHealthcheck(service: Service): boolean {
  const test = service.Spec.TaskTemplate.ContainerSpec?.Healthcheck?.Test;
  return Array.isArray(test) && test.length > 0 && test[0] !== 'NONE';
}

export async function containerHealthFor(
  gateway: DockerGateway,
  tasks: readonly Task[],
): Promise<Record<string, ContainerHealth>> {
  const result: Record<string, ContainerHealth> = {};
  const candidates = tasks.filter(
    (t) => t.DesiredState === 'running' && t.Status.State === 'running' && t.Status.ContainerStatus?.ContainerID,
  );
  await Promise.all(
    candidates.map(async (task) => {
      const health = await gateway.inspectContainerHealth(task.Status.ContainerStatus!.ContainerID!).catch(() => null);
      if (health) result[task.ID] = health;
    }),
  );
  return result;
}

/**
 * Where the health of the running `tasks` comes from, one entry per node: `engine (node X)` when
 * their containers' health was read from the connected Engine (`health` has them), else
 * `task state (node X)`: what the manager knows. Sorted, engine first.
 */
export function healthSources(
  tasks: readonly Task[],
  health: Record<string, ContainerHealth> | undefined,
  nodes: readonly SwarmNode[] | undefined,
): string[] {
  const names = distinctNodeNames(nodes ?? []);
  const sources = new Set<string>();
  for (const task of tasks) {
    if (task.DesiredState !== 'running' || task.Status.State !== 'running') continue;
    const node = task.NodeID ? (names.get(task.NodeID) ?? task.NodeID.slice(0, 12)) : '?';
    sources.add(health?.[task.ID] !== undefined ? `engine (node ${node})` : `task state (node ${node})`);
  }
  return [...sources].sort(
    (a, b) => Number(b.startsWith('engine')) - Number(a.startsWith('engine')) || a.localeCompare(b),
  );
}
