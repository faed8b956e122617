/**
 * Watching a rolling update until it converges: poll the service, its tasks and their containers'
 * health every ~250 ms (sooner when the daemon reports an event about the service: see
 * event-wake.ts), compute the progress, report each change. Swarm pausing the update or
 * rolling it back by itself is a failure, never a success. Aborting only stops the watch.
 */
import {DaemonUnreachableError, DockerApiError, NotSwarmManagerError} from '../../docker/errors.js';
import type {DockerGateway} from '../../docker/gateway.js';
import type {Service, SwarmNode, Task} from '../../docker/schemas.js';
import {nodeName} from '../../domain/placement.js';
import {rolloutProgress, type RolloutProgress} from '../../domain/rollout-progress.js';
import {isTerminalState, type ContainerHealth} from '../../domain/task-state.js';
import {containerHealthLook, hasHealthcheck} from '../container-health.js';
import {abortableSleep} from '../../shared/abortable-sleep.js';
import type {UpdateBaseline} from './apply.js';
import {startEventWake, type EventWake} from './event-wake.js';
import {foreignChange, type AppliedSpec} from './foreign-change.js';
import {restartUpdate, STRANDED_GRACE_MS, strandedLine, strandedTasks} from './stranded-update.js';
import {RolloutConflictError} from './apply.js';
import {explainTaskFailures} from './task-errors.js';

export interface Poll {
  service: Service;
  tasks: Task[];
  containerHealth?: Record<string, ContainerHealth>;
  /** Node ID → why its configured Engine was not asked for health (see container-health.ts). */
  healthFallbacks?: Record<string, string>;
  /** The swarm's nodes (state, availability, names), from the same look. */
  nodes?: SwarmNode[];
}

/**
 * Tasks that had already ended when the update was applied: Swarm's store index (Version.Index)
 * is global, so a task not modified since the index the update was applied at is history. Rolling
 * back to a spec that ran before would otherwise count its old shut-down tasks as the new ones.
 */
export function endedBefore(task: Task, versionIndex: number): boolean {
  const index = task.Version?.Index;
  return index !== undefined && index <= versionIndex && isTerminalState(task.Status.State);
}

/**
 * One look at the service: itself, its tasks (one request) and, with a health check, container
 * health. With `sinceIndex`, tasks that had ended by that store index are left out.
 */
export async function pollService(
  gateway: DockerGateway,
  serviceId: string,
  sinceIndex?: number,
): Promise<Poll | null> {
  const service = await gateway.findService(serviceId);
  if (!service) return null;
  const [allTasks, nodes] = await Promise.all([gateway.listTasks([service.ID]), gateway.listNodes()]);
  const tasks = allTasks.filter(
    (t) => t.ServiceID === service.ID && (sinceIndex === undefined || !endedBefore(t, sinceIndex)),
  );
  if (!hasHealthcheck(service)) return {service, tasks, nodes};
  const look = await containerHealthLook(gateway, tasks, nodes);
  return {service, tasks, containerHealth: look.health, healthFallbacks: look.fallbacks, nodes};
}

/** How long a watch keeps polling through a swarm that does not answer (a manager lost, a leader being elected). */
export const UNANSWERED_GRACE_MS = 60_000;

/** A failure that may pass: the daemon unreachable, not a manager for now, or a server-side error. */
function mayPass(error: unknown, managers: number): boolean {
  // An unreachable daemon passes only when another manager can answer; with one, the caller's own
  // handling of a lost daemon (the console's "watching again once it answers") takes over at once.
  if (error instanceof DaemonUnreachableError) return managers > 1;
  return error instanceof NotSwarmManagerError || (error instanceof DockerApiError && error.statusCode >= 500);
}

/**
 * pollService, polled again (every `pollMs`) while the swarm does not answer, for at most
 * UNANSWERED_GRACE_MS: losing the connected manager (when several were named: the gateway fails
 * over to another), or its leader (an election), does not end a watch.
 */
export async function pollThrough(
  gateway: DockerGateway,
  serviceId: string,
  sinceIndex: number,
  pollMs: number,
  signal?: AbortSignal,
): Promise<Poll | null> {
  const started = Date.now();
  for (;;) {
    try {
      return await pollService(gateway, serviceId, sinceIndex);
    } catch (error) {
      if (!mayPass(error, gateway.endpoints.length) || Date.now() - started > UNANSWERED_GRACE_MS || signal?.aborted)
        throw error;
    }
    await pause(pollMs, signal);
  }
}

/**
 * A node of the rollout that went away or stopped taking tasks, one line. `degrades`: the service is
 * not as it was asked for because of it (a node lost); a node an operator drained or paused is a
 * note: its tasks are rescheduled as asked, and the verdict is that of the tasks that replaced them.
 */
export interface NodeIncident {
  line: string;
  degrades: boolean;
}

/**
 * Nodes holding tasks of this rollout that went down or stopped taking tasks (drain / pause):
 * one each, e.g. `node web-2 is down (heartbeat failure): its tasks are rescheduled`.
 */
export function nodeIncidents(poll: Poll): Map<string, NodeIncident> {
  const incidents = new Map<string, NodeIncident>();
  const holding = new Set(poll.tasks.map((t) => t.NodeID).filter((id): id is string => Boolean(id)));
  const names = new Map((poll.nodes ?? []).map((n) => [n.ID, nodeName(n)]));
  const taking = new Set(
    (poll.nodes ?? [])
      .filter((n) => (n.Status?.State ?? 'ready') === 'ready' && (n.Spec?.Availability ?? 'active') === 'active')
      .map((n) => n.ID),
  );
  // Where the service's tasks meant to run are now (for a drain: where its tasks went).
  const runningOn = [
    ...new Set(
      poll.tasks
        .filter((t) => t.DesiredState === 'running' && t.NodeID && taking.has(t.NodeID))
        .map((t) => names.get(t.NodeID!) ?? t.NodeID!.slice(0, 12)),
    ),
  ].sort();
  for (const node of poll.nodes ?? []) {
    if (!holding.has(node.ID)) continue;
    const state = node.Status?.State ?? 'unknown';
    const availability = node.Spec?.Availability ?? 'active';
    const name = nodeName(node);
    if (state === 'down' || state === 'disconnected') {
      const why = node.Status?.Message ? ` (${node.Status.Message})` : '';
      incidents.set(node.ID, {
        line: `node ${name} went ${state} during the rollout${why}: its tasks are rescheduled on other nodes`,
        degrades: true,
      });
    } else if (availability === 'drain') {
      const now = runningOn.length ? ` (the service now runs on ${runningOn.join(', ')})` : '';
      incidents.set(node.ID, {
        line: `node ${name} was drained during the rollout: its tasks were shut down and rescheduled on other nodes${now}`,
        degrades: false,
      });
    } else if (availability !== 'active') {
      incidents.set(node.ID, {
        line: `node ${name} was set to ${availability} during the rollout: it takes no new tasks`,
        degrades: false,
      });
    }
  }
  return incidents;
}

/** conflict: someone else changed the service while it rolled out (reasons say what). */
export type ConvergeStatus = 'converged' | 'failed' | 'interrupted' | 'conflict';

export interface ConvergeResult {
  status: ConvergeStatus;
  progress: RolloutProgress | null;
  reasons: string[];
  /** Task errors: from the progress, and what the failed tasks' containers tell. */
  errors: string[];
  /** The last poll (the converged service, or the state it failed in). */
  last: Poll | null;
  /** Nodes of the rollout lost or drained while it ran (nodeIncidents). */
  incidents: NodeIncident[];
}

export interface ConvergeOptions {
  pollMs: number;
  timeoutMs: number;
  signal?: AbortSignal;
  now: () => number;
  onProgress?: (progress: RolloutProgress) => void;
  /** Poll again as soon as an event about the service arrives (default true). */
  wakeOnEvents?: boolean;
  /** What we applied: a service no longer on it was changed by someone else (conflict). */
  applied?: AppliedSpec | null;
}

/** Resolves after `ms`, or at once when the signal aborts. */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return abortableSleep(ms, signal ?? new AbortController().signal);
}

/** What makes two progress reports different enough to print another line (not elapsed/ETA). */
export function progressSignature(progress: RolloutProgress): string {
  const slots = progress.slots.map(
    (s) =>
      `${s.slot}:${s.old?.state ?? ''}/${s.old?.desiredState ?? ''}:${s.new?.state ?? ''}/${s.new?.health ?? ''}:${s.done}`,
  );
  return [
    progress.phase,
    progress.slotsDone,
    progress.slotsTotal,
    progress.message ?? '',
    ...slots,
    ...progress.errors,
  ].join('|');
}

function failureReasons(progress: RolloutProgress, headline: string): string[] {
  return [progress.message ? `${headline}: ${progress.message}` : headline];
}

export async function watchConvergence(
  gateway: DockerGateway,
  serviceId: string,
  baseline: UpdateBaseline,
  opts: ConvergeOptions,
): Promise<ConvergeResult> {
  const wake = opts.wakeOnEvents === false ? null : startEventWake(gateway, serviceId);
  try {
    return await watchLoop(gateway, serviceId, baseline, opts, wake);
  } finally {
    wake?.stop();
  }
}

async function watchLoop(
  gateway: DockerGateway,
  serviceId: string,
  baseline: UpdateBaseline,
  opts: ConvergeOptions,
  wake: EventWake | null,
): Promise<ConvergeResult> {
  let previous: RolloutProgress | null = null;
  let signature = '';
  let last: Poll | null = null;
  let rollingBackSince: number | null = null;
  const watchStarted = opts.now();
  const incidents = new Map<string, NodeIncident>();
  // Tasks on a lost node Swarm's update waits for in vain (stranded-update.ts): since when, and those already dealt with.
  let strandedSince: number | null = null;
  const restartedFor = new Set<string>();
  for (;;) {
    if (opts.signal?.aborted) {
      return {
        status: 'interrupted',
        progress: previous,
        reasons: [],
        errors: previous?.errors ?? [],
        last,
        incidents: [...incidents.values()],
      };
    }
    const poll = await pollThrough(gateway, serviceId, baseline.versionIndex, opts.pollMs, opts.signal);
    if (!poll) {
      const reasons = ['the service was removed during the rollout'];
      return {
        status: 'failed',
        progress: previous,
        reasons,
        errors: previous?.errors ?? [],
        last,
        incidents: [...incidents.values()],
      };
    }
    last = poll;
    for (const [id, incident] of nodeIncidents(poll)) incidents.set(id, incident);
    const conflict = opts.applied ? foreignChange(poll.service, opts.applied) : null;
    if (conflict)
      return {
        status: 'conflict',
        progress: previous,
        reasons: [conflict],
        errors: previous?.errors ?? [],
        last,
        incidents: [...incidents.values()],
      };
    const now = opts.now();
    const progress: RolloutProgress = rolloutProgress({
      service: poll.service,
      tasks: poll.tasks,
      startedAt: baseline.startedAtMs,
      now,
      previous,
      containerHealth: poll.containerHealth,
      baseline: {versionIndex: baseline.versionIndex, updateStartedAt: baseline.updateStartedAt},
      nodes: poll.nodes,
      // As the docker CLI does: tasks on a node that is down are not counted.
      activeNodeIds: poll.nodes?.filter((n) => n.Status?.State !== 'down').map((n) => n.ID),
    });
    previous = progress;
    const next = progressSignature(progress);
    if (next !== signature) {
      signature = next;
      opts.onProgress?.(progress);
    }
    const ours = progress.updateState !== null;
    const stranded = ours
      ? strandedTasks(poll.service, poll.tasks, poll.nodes).filter((t) => !restartedFor.has(t.ID))
      : [];
    if (stranded.length === 0) strandedSince = null;
    else if (now - (strandedSince ??= now) >= STRANDED_GRACE_MS) {
      try {
        await restartUpdate(gateway, poll.service);
      } catch (error) {
        if (!(error instanceof RolloutConflictError)) throw error;
        return {
          status: 'conflict',
          progress,
          reasons: [error.message],
          errors: progress.errors,
          last,
          incidents: [...incidents.values()],
        };
      }
      for (const task of stranded) restartedFor.add(task.ID);
      incidents.set(`stranded:${stranded.map((t) => t.ID).join(',')}`, {
        line: strandedLine(stranded, poll.nodes),
        degrades: true,
      });
      strandedSince = null;
      continue;
    }
    const fail = async (reasons: string[]): Promise<ConvergeResult> => {
      const explained = await explainTaskFailures(
        gateway,
        poll.tasks,
        progress.message,
        progress.errors,
        [],
        poll.nodes,
      );
      return {
        status: 'failed',
        progress,
        reasons: [...reasons, ...[...incidents.values()].map((i) => i.line)],
        errors: [...progress.errors, ...explained],
        last,
        incidents: [...incidents.values()],
      };
    };
    switch (progress.phase) {
      case 'done':
        return {
          status: 'converged',
          progress,
          reasons: [],
          errors: progress.errors,
          last,
          incidents: [...incidents.values()],
        };
      case 'paused':
        return fail(failureReasons(progress, 'Swarm paused the update'));
      case 'rolled-back':
        return fail(failureReasons(progress, 'Swarm rolled the update back'));
      case 'failed':
        return fail(failureReasons(progress, 'Swarm could not finish rolling the update back'));
      case 'rolling-back':
        // Already a failure; keep watching (briefly) so the report says where the service ended.
        rollingBackSince ??= now;
        if (now - rollingBackSince > Math.min(opts.timeoutMs, 120_000)) {
          return fail(failureReasons(progress, 'Swarm is rolling the update back'));
        }
        break;
      default:
        if (now - watchStarted > opts.timeoutMs) {
          return fail([`the update did not converge within ${Math.round(opts.timeoutMs / 1000)} s`]);
        }
    }
    await (wake ? wake.pause(opts.pollMs, opts.signal) : pause(opts.pollMs, opts.signal));
  }
}
