/** Rows of the console's nodes view: one per swarm node, with the tasks running on it. Pure. */
import type {SwarmNode, Task} from '../../docker/schemas.js';
import {distinctNodeNames} from '../../domain/placement.js';
import type {NodeRow} from '../console-model.js';

/** `selfId`: the node of the Engine the console talks to (marked in the view). */
export function toNodeRows(nodes: readonly SwarmNode[], tasks: readonly Task[], selfId: string): NodeRow[] {
  const names = distinctNodeNames(nodes);
  const running = new Map<string, number>();
  for (const task of tasks) {
    if (task.NodeID && task.Status.State === 'running' && task.DesiredState === 'running') {
      running.set(task.NodeID, (running.get(task.NodeID) ?? 0) + 1);
    }
  }
  return nodes
    .map((node) => ({
      id: node.ID,
      name: names.get(node.ID) ?? node.ID.slice(0, 12),
      role: node.Spec?.Role ?? 'worker',
      leader: node.ManagerStatus?.Leader === true,
      ...(node.ManagerStatus?.Reachability ? {reachability: node.ManagerStatus.Reachability} : {}),
      availability: node.Spec?.Availability ?? 'active',
      state: node.Status?.State ?? 'unknown',
      ...(node.Status?.Message ? {message: node.Status.Message} : {}),
      engine: node.Description?.Engine?.EngineVersion ?? '',
      tasksRunning: running.get(node.ID) ?? 0,
      self: node.ID === selfId,
    }))
    .sort((a, b) => Number(b.role === 'manager') - Number(a.role === 'manager') || a.name.localeCompare(b.name));
}
