/**
 * Where a service's latest deployment stands, as the recorder sees it. Pure: from the inspected
 * service and its tasks.
 */
import type {Service, Task} from '../docker/schemas.js';
import {isTaskOnCurrentSpec} from '../domain/rollout-progress.js';

export type DeploymentState =
  | {kind: 'in-progress'}
  | {kind: 'converged'; via: 'completed' | 'tasks-running' | 'rolled-back'}
  | {kind: 'failed'; state: 'paused' | 'rollback_paused' | 'rollback_completed'; message: string; startedAt: string}
  | {kind: 'waiting'; reason: string};

export function desiredReplicas(service: Service, tasks: Task[]): number | null {
  const mode = service.Spec.Mode;
  if (mode?.Replicated) return mode.Replicated.Replicas ?? 1;
  if (mode?.Global) {
    const nodes = new Set(tasks.filter((t) => t.DesiredState === 'running').map((t) => t.NodeID));
    return nodes.size;
  }
  return null; // jobs: nothing to converge to
}

export function runningOnCurrentSpec(service: Service, tasks: Task[]): number {
  return tasks.filter(
    (t) =>
      t.ServiceID === service.ID &&
      t.DesiredState === 'running' &&
      t.Status.State === 'running' &&
      isTaskOnCurrentSpec(t, service),
  ).length;
}

export function deploymentState(service: Service, tasks: Task[]): DeploymentState {
  const status = service.UpdateStatus ?? null;
  const state = status?.State;
  if (state === 'updating' || state === 'rollback_started') return {kind: 'in-progress'};
  if (state === 'paused' || state === 'rollback_paused' || state === 'rollback_completed') {
    return {
      kind: 'failed',
      state,
      message: status?.Message ?? '',
      startedAt: status?.StartedAt ?? '',
    };
  }
  if (state === 'completed') return {kind: 'converged', via: 'completed'};
  const desired = desiredReplicas(service, tasks);
  if (desired === null) return {kind: 'converged', via: 'tasks-running'};
  const running = runningOnCurrentSpec(service, tasks);
  if (running >= desired) return {kind: 'converged', via: 'tasks-running'};
  return {kind: 'waiting', reason: `${running}/${desired} tasks running`};
}

/** The message Swarm gives a rollback asked for with `docker service rollback` (or `update --rollback`). */
const MANUAL_ROLLBACK = /manually requested rollback/i;

/** Whether the service is being rolled back on an operator's request (seen while it runs). */
export function isManualRollbackStart(service: Service): boolean {
  return service.UpdateStatus?.State === 'rollback_started' && MANUAL_ROLLBACK.test(service.UpdateStatus.Message ?? '');
}

/**
 * Whether a completed Swarm rollback was an operator's (`docker service rollback`) rather than
 * Swarm's own reaction to a failed update: seen starting with the manual message, or the spec it
 * rolled back from (now PreviousSpec) did not ask Swarm to roll back on failure. Swarm's own
 * rollback leaves no PreviousSpec at all, so a missing one is never read as an operator's.
 */
export function isOperatorRollback(service: Service, sawManualStart: boolean): boolean {
  if (service.UpdateStatus?.State !== 'rollback_completed') return false;
  if (sawManualStart || MANUAL_ROLLBACK.test(service.UpdateStatus.Message ?? '')) return true;
  if (!service.PreviousSpec) return false;
  return service.PreviousSpec.UpdateConfig?.FailureAction !== 'rollback';
}
