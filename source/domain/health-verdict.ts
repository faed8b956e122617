/**
 * Is a version healthy once deployed? A pure watch over polled task lists: `observeHealth` folds
 * each poll into a plain (JSON-serializable) state, `healthVerdict` judges it, either mid-watch
 * (`final: false`: 'pending' unless it has already clearly failed) or at the end of the window.
 *
 * Used for the stability window after an update (version health pending -> good/bad) and for the
 * watch after a rollback. Only tasks of the watched version count: old tasks going unhealthy while
 * they are stopped are not this version's problem.
 */
import type {ServiceSpec, Task} from '../docker/schemas.js';
import {templateKey} from './spec-hash.js';
import {isRunningTask, isTerminalState, timestampMs, type ContainerHealth} from './task-state.js';

export interface HealthObservation {
  /** When the poll was made (epoch ms, local clock). */
  at: number;
  /** All tasks of the service from this poll. */
  tasks: readonly Task[];
  /** Replicas the service wants; null for global services (then: nodes with a task meant to run). */
  desiredReplicas: number | null;
  /** The watched version's task template (or its templateKey). */
  specTemplate: ServiceSpec['TaskTemplate'] | string;
  containerHealth?: Record<string, ContainerHealth>;
}

export interface TaskFailure {
  at: number;
  slot: string;
  state: string;
  error?: string;
  exitCode?: number;
}

export interface UnhealthySpell {
  slot: string;
  firstAt: number;
  lastAt: number;
  observations: number;
  /** Seen unhealthy in the latest observation. */
  current: boolean;
}

export interface HealthWatchState {
  firstAt: number | null;
  lastAt: number | null;
  observations: number;
  /** Tasks already ended when the watch began: history, not judged. */
  ignoredTaskIds: string[];
  /** Tasks of the watched version that failed or ended and were replaced, by task ID. */
  failures: Record<string, TaskFailure>;
  /** Tasks of the watched version seen unhealthy while meant to run, by task ID. */
  unhealthy: Record<string, UnhealthySpell>;
  running: number;
  desired: number;
}

export type HealthStatus = 'healthy' | 'degraded' | 'failed' | 'pending';

export interface HealthVerdict {
  status: HealthStatus;
  reasons: string[];
  restarts: number;
  running: number;
  desired: number;
  /**
   * Where the health of the running tasks came from, one entry per node: `engine of node X` (its
   * containers' health checks, asked of the Engine that runs them: the connected one, or the node's
   * own where configured) or `task state via the manager (node X)` (what the manager knows of a
   * task on another node: running only once healthy, exits, rejections).
   */
  from?: string[];
}

export interface VerdictOptions {
  /** The watch window is over: decide healthy / degraded / failed. */
  final: boolean;
  /** Failures of the watched version that make a crash loop (default 2). */
  crashLoopFailures?: number;
  /** A task unhealthy for this long (and in 2+ polls) fails the version before the end (default 10 s). */
  unhealthyFailMs?: number;
}

export function initialHealthState(): HealthWatchState {
  return {
    firstAt: null,
    lastAt: null,
    observations: 0,
    ignoredTaskIds: [],
    failures: {},
    unhealthy: {},
    running: 0,
    desired: 0,
  };
}

const slotOf = (task: Task) => (task.Slot ? String(task.Slot) : (task.NodeID ?? '?'));

/** Folds one poll into the watch state. Returns a new state; `state` is not modified. */
export function observeHealth(state: HealthWatchState, observation: HealthObservation): HealthWatchState {
  const key =
    typeof observation.specTemplate === 'string' ? observation.specTemplate : templateKey(observation.specTemplate);
  const health = observation.containerHealth ?? {};
  const at = observation.at;
  const ours = observation.tasks.filter((task) => task.Spec !== undefined && templateKey(task.Spec) === key);
  const ignored =
    state.observations === 0
      ? ours.filter((task) => isTerminalState(task.Status.State)).map((task) => task.ID)
      : state.ignoredTaskIds;
  const ignoredSet = new Set(ignored);

  const failures = {...state.failures};
  for (const task of ours) {
    if (ignoredSet.has(task.ID) || failures[task.ID] || !isFailure(task, ours)) continue;
    const failure: TaskFailure = {
      at: timestampMs(task.Status.Timestamp) ?? at,
      slot: slotOf(task),
      state: task.Status.State,
    };
    if (task.Status.Err) failure.error = task.Status.Err;
    const exitCode = task.Status.ContainerStatus?.ExitCode;
    if (exitCode !== undefined) failure.exitCode = exitCode;
    failures[task.ID] = failure;
  }

  const unhealthy: Record<string, UnhealthySpell> = {};
  for (const [id, spell] of Object.entries(state.unhealthy)) unhealthy[id] = {...spell, current: false};
  for (const task of ours) {
    if (health[task.ID] !== 'unhealthy' || isTerminalState(task.DesiredState) || ignoredSet.has(task.ID)) continue;
    const spell = unhealthy[task.ID];
    unhealthy[task.ID] = spell
      ? {...spell, lastAt: at, observations: spell.observations + 1, current: true}
      : {slot: slotOf(task), firstAt: at, lastAt: at, observations: 1, current: true};
  }

  const running = countRunning(ours, health);
  const desired = observation.desiredReplicas ?? desiredNodes(observation.tasks);
  return {
    firstAt: state.firstAt ?? at,
    lastAt: at,
    observations: state.observations + 1,
    ignoredTaskIds: ignored,
    failures,
    unhealthy,
    running,
    desired,
  };
}

/**
 * A task of the watched version counts as a failure when it failed or was rejected, or when it
 * completed (exit 0) and Swarm started a replacement of the same version in its slot.
 */
function isFailure(task: Task, ours: readonly Task[]): boolean {
  const state = task.Status.State;
  if (state === 'failed' || state === 'rejected') return true;
  if (state !== 'complete') return false;
  const created = timestampMs(task.CreatedAt) ?? 0;
  return ours.some(
    (other) => other.ID !== task.ID && slotOf(other) === slotOf(task) && (timestampMs(other.CreatedAt) ?? 0) > created,
  );
}

/** Running tasks of the watched version, one per slot, not unhealthy. */
function countRunning(ours: readonly Task[], health: Record<string, ContainerHealth>): number {
  const slots = new Set<string>();
  for (const task of ours) {
    if (isRunningTask(task) && health[task.ID] !== 'unhealthy') slots.add(slotOf(task));
  }
  return slots.size;
}

function desiredNodes(tasks: readonly Task[]): number {
  return new Set(tasks.filter((t) => !isTerminalState(t.DesiredState) && t.NodeID).map((t) => t.NodeID)).size;
}

function lastError(failures: TaskFailure[]): string {
  const last = [...failures].sort((a, b) => b.at - a.at)[0];
  if (!last) return '';
  const detail = last.error ?? (last.exitCode !== undefined ? `exit code ${last.exitCode}` : last.state);
  return ` (last: ${detail})`;
}

export function healthVerdict(state: HealthWatchState, options: VerdictOptions): HealthVerdict {
  const crashLoop = options.crashLoopFailures ?? 2;
  const unhealthyFailMs = options.unhealthyFailMs ?? 10_000;
  const failures = Object.values(state.failures);
  const spells = Object.values(state.unhealthy);
  const {running, desired} = state;
  const restarts = failures.length;
  const base = {restarts, running, desired};
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

  if (state.observations === 0) return {status: 'pending', reasons: ['not observed yet'], ...base};

  const fatal: string[] = [];
  if (restarts >= crashLoop)
    fatal.push(`crash loop: ${plural(restarts, 'task')} of this version failed${lastError(failures)}`);
  const persistent = spells.filter(
    (s) => s.current && (options.final || (s.observations >= 2 && s.lastAt - s.firstAt >= unhealthyFailMs)),
  );
  if (persistent.length > 0)
    fatal.push(`${plural(persistent.length, 'task')} unhealthy (slot ${persistent.map((s) => s.slot).join(', ')})`);
  if (options.final && desired > 0 && running === 0) {
    // With the cause, unless the crash-loop line above already gives it.
    let cause = '';
    if (restarts > 0 && restarts < crashLoop) cause = lastError(failures);
    else if (restarts === 0 && spells.length > 0)
      cause = ` (${plural(spells.length, 'task')} went unhealthy: slot ${spells.map((s) => s.slot).join(', ')})`;
    fatal.push(`no task of this version is running (0/${desired})${cause}`);
  }
  if (fatal.length > 0) return {status: 'failed', reasons: fatal, ...base};

  if (!options.final) return {status: 'pending', reasons: [`${running}/${desired} running, watching`], ...base};

  const minor: string[] = [];
  if (running < desired) minor.push(`${running}/${desired} tasks running`);
  if (restarts > 0) minor.push(`${plural(restarts, 'task')} restarted${lastError(failures)}`);
  const recovered = spells.filter((s) => !s.current);
  if (recovered.length > 0) minor.push(`${plural(recovered.length, 'task')} went unhealthy`);
  if (minor.length > 0) return {status: 'degraded', reasons: minor, ...base};

  return {status: 'healthy', reasons: [`${running}/${desired} running, no restarts`], ...base};
}
