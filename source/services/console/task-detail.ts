/**
 * A task in full, for the console's task detail: from the service's tasks and its container, asked of
 * the connected Engine or, for a task on a node whose Engine is configured (`nodes:`), of that one.
 */
import type {DockerGateway} from '../../docker/gateway.js';
import type {Task} from '../../docker/schemas.js';
import {timestampMs} from '../../domain/task-state.js';
import {engineForNode} from '../container-health.js';
import {DokrollError, EXIT} from '../../shared/errors.js';
import type {TaskDetail} from '../console-model.js';

export class TaskNotFoundError extends DokrollError {
  constructor(service: string, task: string) {
    super(`task ${task.slice(0, 12)} of ${service} is gone`, EXIT.badInput, 'task-not-found');
  }
}

const sinceOf = (task: Task): number => timestampMs(task.Status.Timestamp) ?? timestampMs(task.UpdatedAt) ?? 0;

export async function loadTaskDetail(gateway: DockerGateway, serviceName: string, taskId: string): Promise<TaskDetail> {
  const service = await gateway.findService(serviceName);
  if (!service) throw new TaskNotFoundError(serviceName, taskId);
  const [tasks, nodes] = await Promise.all([gateway.listTasks([service.ID]), gateway.listNodes()]);
  const task = tasks.find((t) => t.ID === taskId);
  if (!task) throw new TaskNotFoundError(serviceName, taskId);
  const nodeName = (id: string | undefined) =>
    id ? (nodes.find((n) => n.ID === id)?.Description?.Hostname ?? id.slice(0, 12)) : '—';
  const sameSlot = (t: Task) => (task.Slot !== undefined ? t.Slot === task.Slot : t.NodeID === task.NodeID);
  const restarts = tasks
    .filter((t) => t.ID !== task.ID && sameSlot(t) && sinceOf(t) <= sinceOf(task))
    .sort((a, b) => sinceOf(b) - sinceOf(a))
    .map((t) => ({id: t.ID, state: t.Status.State, since: sinceOf(t), ...(t.Status.Err ? {error: t.Status.Err} : {})}));
  const containerId = task.Status.ContainerStatus?.ContainerID ?? null;
  const engine = containerId
    ? (await engineForNode(gateway, task.NodeID, nodes.find((n) => n.ID === task.NodeID)?.Description?.Hostname)).engine
    : gateway;
  const container = containerId ? await engine.containerHealthDetail(containerId).catch(() => null) : null;
  const ports = (task.Status.PortStatus?.Ports ?? []).map(
    (p) =>
      `${p.PublishedPort ?? '?'}→${p.TargetPort ?? '?'}/${p.Protocol ?? 'tcp'}${p.PublishMode ? ` (${p.PublishMode})` : ''}`,
  );
  return {
    id: task.ID,
    service: serviceName,
    slot: task.Slot ?? null,
    node: nodeName(task.NodeID),
    state: task.Status.State,
    desiredState: task.DesiredState,
    image: task.Spec?.ContainerSpec?.Image ?? '',
    containerId,
    exitCode: task.Status.ContainerStatus?.ExitCode ?? container?.exitCode ?? null,
    error: task.Status.Err ?? null,
    message: task.Status.Message ?? null,
    ports,
    restarts,
    health: container ? {status: container.health, checks: container.checkOutputs} : null,
  };
}
