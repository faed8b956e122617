/**
 * Did a job's run succeed? Jobs (replicated-job, global-job) have no update settings and their
 * tasks are meant to end: a job's version is judged by completion, not by running tasks. Pure:
 * from the polled service and tasks.
 */
import type {Service, Task} from '../docker/schemas.js';
import {isTaskOnTemplate} from './spec-hash.js';

export interface JobVerdict {
  /** 'pending' while tasks of this version still run or are still to start. */
  status: 'pending' | 'succeeded' | 'failed';
  succeeded: number;
  failed: number;
  /** Completions the job wants: TotalCompletions (default MaxConcurrent, else 1); global: one per node. */
  wanted: number;
  /** One line each: what ended the failed tasks (`slot 1: exit code 3`). */
  failures: string[];
}

const RUNNING_OR_STARTING = new Set([
  'new',
  'pending',
  'assigned',
  'accepted',
  'preparing',
  'ready',
  'starting',
  'running',
]);

/** Completions a job's run wants; for a global job, the nodes its tasks went to. */
function wantedCompletions(service: Service, tasks: readonly Task[]): number {
  const job = service.Spec.Mode?.ReplicatedJob as {TotalCompletions?: number; MaxConcurrent?: number} | undefined;
  if (job) return job.TotalCompletions ?? job.MaxConcurrent ?? 1;
  return new Set(tasks.map((task) => task.NodeID ?? '')).size || 1;
}

/** The job's verdict from the tasks of its current spec (tasks of earlier runs do not count). */
export function jobVerdict(service: Service, tasks: readonly Task[]): JobVerdict {
  const ours = tasks.filter((task) => isTaskOnTemplate(task, service.Spec.TaskTemplate));
  const wanted = wantedCompletions(service, ours);
  const state = (task: Task) => task.Status?.State ?? 'new';
  const succeeded = ours.filter((task) => state(task) === 'complete').length;
  const failedTasks = ours.filter((task) => ['failed', 'rejected'].includes(state(task)));
  const failures = failedTasks.map((task) => {
    const code = task.Status?.ContainerStatus?.ExitCode;
    const why = code !== undefined && code !== 0 ? `exit code ${code}` : (task.Status?.Err ?? state(task));
    return `slot ${task.Slot ?? task.NodeID?.slice(0, 12) ?? '?'}: ${why}`;
  });
  const active = ours.some((task) => task.DesiredState !== 'shutdown' && RUNNING_OR_STARTING.has(state(task)));
  const base = {succeeded, failed: failedTasks.length, wanted, failures};
  if (succeeded >= wanted) return {status: 'succeeded', ...base};
  if (active || ours.length === 0) return {status: 'pending', ...base};
  return {status: 'failed', ...base};
}
