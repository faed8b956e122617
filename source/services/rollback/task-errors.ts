/**
 * Why the tasks of a failed rollout failed. Swarm's own message only names a task ("update paused
 * due to failure or early termination of task X"), and a task stopped for failing its health check
 * often ends `complete` with exit 0 and no error: then only its container still tells (the health
 * check's last output). One line per task: `slot 2: container unhealthy: wget: … 404 Not Found`.
 * A container on another node is asked of that node's own Engine where one is configured (the line
 * says so); when that Engine cannot be used, the line says why the container was not asked.
 */
import type {DockerGateway} from '../../docker/gateway.js';
import type {SwarmNode, Task} from '../../docker/schemas.js';
import {distinctNodeNames} from '../../domain/placement.js';
import {engineForNode} from '../container-health.js';

const TASK_ID = /\btask ([a-z0-9]{20,})\b/g;

function slotLabel(task: Task): string {
  return task.Slot ? `slot ${task.Slot}` : `node ${(task.NodeID ?? '?').slice(0, 12)}`;
}

async function describeTask(
  gateway: DockerGateway,
  task: Task,
  nodes: readonly SwarmNode[],
  connectedNodeId: string | null,
): Promise<string> {
  const label = slotLabel(task);
  if (task.Status.Err) return `${label}: ${task.Status.Err}`;
  const containerId = task.Status.ContainerStatus?.ContainerID;
  const node = nodes.find((n) => n.ID === task.NodeID);
  const nodeLabel = task.NodeID ? (distinctNodeNames(nodes).get(task.NodeID) ?? task.NodeID.slice(0, 12)) : '?';
  const {engine, own, problem} = containerId
    ? await engineForNode(gateway, task.NodeID, node?.Description?.Hostname)
    : {engine: gateway, own: null, problem: null};
  const detail = containerId ? await engine.containerHealthDetail(containerId).catch(() => null) : null;
  if (detail?.health === 'unhealthy') {
    const output = detail.lastCheckOutput ? `: ${detail.lastCheckOutput}` : '';
    const code = detail.lastCheckExitCode !== null ? ` (check exit code ${detail.lastCheckExitCode})` : '';
    const streak =
      detail.failingStreak !== null && detail.failingStreak > 0
        ? ` after ${detail.failingStreak} failing check${detail.failingStreak === 1 ? '' : 's'}`
        : '';
    const where = own ? ` — read from the Engine of node ${nodeLabel}` : '';
    return `${label}: container unhealthy, health check failed${output}${code}${streak}${where}`;
  }
  const exitCode = task.Status.ContainerStatus?.ExitCode ?? detail?.exitCode ?? null;
  const ended =
    exitCode !== null && exitCode !== 0 ? `exit code ${exitCode}` : (task.Status.Message ?? task.Status.State);
  // Whose container could not be asked, and why: the cause (its health check) is on that node only.
  const elsewhere = !own && detail === null && containerId && connectedNodeId && task.NodeID !== connectedNodeId;
  const unknown = problem
    ? ` — its container was not asked: node ${nodeLabel}: ${problem}`
    : elsewhere
      ? ` — its container's health is known only to the Engine of node ${nodeLabel} (not configured under nodes:)`
      : '';
  return `${label}: task ${task.Status.State} (${ended})${unknown}`;
}

/** Lines for the tasks Swarm's message names, failed or rejected tasks, and the unhealthy ones given. */
export async function explainTaskFailures(
  gateway: DockerGateway,
  tasks: readonly Task[],
  message: string | null,
  known: readonly string[] = [],
  unhealthyTaskIds: readonly string[] = [],
  nodes: readonly SwarmNode[] = [],
): Promise<string[]> {
  const named = new Set([...(message ?? '').matchAll(TASK_ID)].map((match) => match[1]!));
  for (const id of unhealthyTaskIds) named.add(id);
  const chosen = tasks.filter(
    (task) => named.has(task.ID) || task.Status.State === 'failed' || task.Status.State === 'rejected',
  );
  // On a swarm of several nodes: which one is ours (a container elsewhere is not ours to ask).
  const connected =
    nodes.length > 1 && chosen.length > 0 ? ((await gateway.swarmInfo().catch(() => null))?.nodeId ?? null) : null;
  const lines = await Promise.all(chosen.slice(0, 5).map((task) => describeTask(gateway, task, nodes, connected)));
  return [...new Set(lines)].filter((line) => !known.includes(line));
}
