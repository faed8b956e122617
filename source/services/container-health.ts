/**
 * Container health of running tasks. Swarm's task payload does not carry it, so we ask the engine
 * for the containers' health (only for services that define a health check, and only for tasks
 * meant to run). On a multi-node swarm, containers on other nodes answer 404 and stay unknown.
 */
import type {DockerGateway} from '../docker/gateway.js';
import type {Service, Task} from '../docker/schemas.js';
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
