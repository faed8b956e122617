/**
 * Swarm task states, ordered as `docker service` progress orders them, and the short form of a task
 * the progress and health models show.
 */
import type {Task} from '../docker/schemas.js';

export type ContainerHealth = 'starting' | 'healthy' | 'unhealthy';

/** The docker CLI's numbering (cli/command/service/progress). Unknown states rank 0 and are skipped. */
const STATE_RANK: Record<string, number> = {
  new: 1,
  allocated: 2,
  pending: 3,
  assigned: 4,
  accepted: 5,
  preparing: 6,
  ready: 7,
  starting: 8,
  running: 9,
  complete: 10,
  shutdown: 11,
  failed: 12,
  rejected: 13,
};

export function stateRank(state: string): number {
  return STATE_RANK[state] ?? 0;
}

/** Known and past `running`: complete, shutdown, failed, rejected. (`remove`/`orphaned` are unknown: 0.) */
export function isTerminalState(state: string): boolean {
  return stateRank(state) > STATE_RANK.running;
}

/** A known state the CLI would show (not `remove`, `orphaned` or something newer). */
export function isKnownState(state: string): boolean {
  return stateRank(state) > 0;
}

export interface TaskBrief {
  id: string;
  state: string;
  desiredState: string;
  health?: ContainerHealth;
  error?: string;
  exitCode?: number;
  /** When the task entered its current state (epoch ms), from Status.Timestamp. */
  since: number | null;
  /** Name of the node the task is on (on a swarm of several nodes). */
  node?: string;
}

/** Epoch ms of an engine timestamp; null for absent, unparsable or Go's zero time. */
export function timestampMs(value: string | undefined): number | null {
  if (!value) return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) && ms > 0 ? ms : null;
}

export function taskBrief(task: Task, health?: ContainerHealth): TaskBrief {
  const brief: TaskBrief = {
    id: task.ID,
    state: task.Status.State,
    desiredState: task.DesiredState,
    since: timestampMs(task.Status.Timestamp) ?? timestampMs(task.UpdatedAt),
  };
  if (health) brief.health = health;
  if (task.Status.Err) brief.error = task.Status.Err;
  const exitCode = task.Status.ContainerStatus?.ExitCode;
  if (exitCode !== undefined && isTerminalState(task.Status.State)) brief.exitCode = exitCode;
  return brief;
}

/**
 * The task that represents a slot, as the docker CLI picks it: lowest desired state first (a
 * replacement that should run beats one being shut down), then lowest observed state (start-first
 * updates), then the most recent. Tasks in unknown states are skipped.
 */
export function pickTask(tasks: readonly Task[]): Task | undefined {
  let best: Task | undefined;
  for (const task of tasks) {
    if (!isKnownState(task.DesiredState) || !isKnownState(task.Status.State)) continue;
    if (!best || compareForSlot(task, best) < 0) best = task;
  }
  return best;
}

function compareForSlot(a: Task, b: Task): number {
  const desired = stateRank(a.DesiredState) - stateRank(b.DesiredState);
  if (desired !== 0) return desired;
  const observed = stateRank(a.Status.State) - stateRank(b.Status.State);
  if (observed !== 0) return observed;
  return (taskBrief(b).since ?? 0) - (taskBrief(a).since ?? 0);
}

/** Running and meant to keep running (what `docker service ls` counts as a running replica). */
export function isRunningTask(task: Task): boolean {
  return task.Status.State === 'running' && !isTerminalState(task.DesiredState);
}
