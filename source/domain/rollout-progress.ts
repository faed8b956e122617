/**
 * Progress of a rolling update (or of Swarm's automatic rollback), from one poll of the service and
 * its tasks. Pure: the caller polls and passes the previous result back for per-slot timing.
 *
 * Mirrors `docker service update`'s progress (docker/cli cli/command/service/progress): tasks on the
 * current spec are grouped by slot (by node for global services), the CLI's task is picked per slot,
 * and the service has converged when every slot has a running task on the current spec.
 */
import type {Service, SwarmNode, Task, UpdateState} from '../docker/schemas.js';
import {nodeName} from './placement.js';
import {templateKey} from './spec-hash.js';
import {
  isRunningTask,
  isTerminalState,
  pickTask,
  taskBrief,
  timestampMs,
  type ContainerHealth,
  type TaskBrief,
} from './task-state.js';

export type {ContainerHealth, TaskBrief} from './task-state.js';

export type RolloutPhase =
  'preparing' | 'updating' | 'monitoring' | 'done' | 'paused' | 'rolling-back' | 'rolled-back' | 'failed';

export interface SlotProgress {
  /** Display label: the slot number, or the node ID for global services. */
  slot: string;
  slotNumber: number | null;
  nodeId: string | null;
  /** The task on an earlier spec this slot is leaving (still stopping, or the last one seen). */
  old?: TaskBrief;
  /** The task on the current spec. */
  new?: TaskBrief;
  /** A task on the current spec is running here. */
  done: boolean;
  /** When `done` was first observed (epoch ms, from `now`); kept from the previous progress. */
  doneAt?: number;
  /**
   * A task of this slot meant to run sits on a node that is down: `node web-3 is down (heartbeat
   * failure): its task is rescheduled`. Such tasks are not counted; their replacements are followed.
   * Or the slot's task was shut down during the update because its node was drained: `node web-3
   * was drained: its task was shut down, rescheduled on web-1`.
   */
  lost?: string;
}

export interface RolloutProgress {
  phase: RolloutPhase;
  /** UpdateStatus.State when it belongs to this update, else null. */
  updateState: UpdateState | null;
  slotsDone: number;
  slotsTotal: number;
  slots: SlotProgress[];
  elapsedMs: number;
  /** Estimated time left from the observed time per slot; null before the first slot finished or when not updating. */
  etaMs: number | null;
  /** UpdateStatus.Message, when the status belongs to this update. */
  message: string | null;
  converged: boolean;
  errors: string[];
}

export interface RolloutInput {
  service: Service;
  /** All tasks of the service (any state), from one poll. */
  tasks: readonly Task[];
  /** When the update was requested / the watch started (epoch ms, local clock). */
  startedAt: number;
  now: number;
  previous?: RolloutProgress | null;
  containerHealth?: Record<string, ContainerHealth>;
  /**
   * The service as it was before the update call: while `Version.Index` is not past `versionIndex`
   * the update is not visible yet, and an UpdateStatus still carrying `updateStartedAt` is the
   * previous update's.
   */
  baseline?: {versionIndex?: number; updateStartedAt?: string | null};
  /** Nodes that are not down (the CLI ignores tasks on down nodes). All nodes when absent. */
  activeNodeIds?: readonly string[];
  /**
   * The swarm's nodes, when known: on a swarm of several nodes each slot's tasks carry their
   * node's name, and a task's error says on which node it happened.
   */
  nodes?: readonly SwarmNode[];
}

const isGlobal = (service: Service) => Boolean(service.Spec.Mode?.Global || service.Spec.Mode?.GlobalJob);
const isJob = (service: Service) => Boolean(service.Spec.Mode?.ReplicatedJob || service.Spec.Mode?.GlobalJob);
/** Desired replicas of a replicated service; null for global services and jobs (counted from their tasks). */
const replicasOf = (service: Service): number | null =>
  isGlobal(service) || isJob(service) ? null : (service.Spec.Mode?.Replicated?.Replicas ?? 1);

/**
 * Whether `task` runs the service's current spec: its spec equals the service's task template.
 * When an update changed only what tasks do not carry (published ports), the template is the same
 * as the previous one; then tasks created before the update started are the old ones.
 */
export function isTaskOnCurrentSpec(task: Task, service: Service): boolean {
  const current = templateKey(service.Spec.TaskTemplate);
  if (task.Spec === undefined || templateKey(task.Spec) !== current) return false;
  const started = timestampMs(service.UpdateStatus?.StartedAt);
  if (started === null || !service.PreviousSpec) return true;
  if (templateKey(service.PreviousSpec.TaskTemplate) !== current) return true;
  const created = timestampMs(task.CreatedAt);
  return created === null || created >= started;
}

/** Old task shown for a slot: one still active first, else the most recent. */
function pickOld(tasks: readonly Task[]): Task | undefined {
  const active = (t: Task) => !isTerminalState(t.Status.State) || !isTerminalState(t.DesiredState);
  const since = (t: Task) => taskBrief(t).since ?? 0;
  return [...tasks].sort((a, b) => Number(active(b)) - Number(active(a)) || since(b) - since(a))[0];
}

interface SlotGroup {
  slot: string;
  slotNumber: number | null;
  nodeId: string | null;
  current: Task[];
  other: Task[];
  /** Tasks meant to run on nodes that are down (not counted). */
  lost: Task[];
  /** Tasks shut down during the update on a node that was drained. */
  drained: Task[];
}

/**
 * A task on a node that is down, lost with it: meant to run there, or one Swarm rescheduled during
 * this update (its desired state moved on, but the node could not report it ended: its last state
 * is still a live one). Tasks a node took down with it before the update are not this update's.
 */
function lostWithNode(task: Task, sinceIndex: number | undefined): boolean {
  if (task.DesiredState === 'running') return true;
  if (isTerminalState(task.Status.State)) return false;
  const index = task.Version?.Index;
  return sinceIndex === undefined || (index !== undefined && index > sinceIndex);
}

/** A task told to stop after the update began (Swarm's store index moved past the update's). */
function shutDownDuring(task: Task, sinceIndex: number | undefined): boolean {
  if (task.DesiredState === 'running') return false;
  const index = task.Version?.Index;
  return sinceIndex === undefined || (index !== undefined && index > sinceIndex);
}

/** False while the service payload is still the one from before the update call. */
function updateVisible(input: RolloutInput): boolean {
  const versionIndex = input.baseline?.versionIndex;
  return versionIndex === undefined || input.service.Version.Index > versionIndex;
}

function groupTasks(input: RolloutInput): SlotGroup[] {
  const {service} = input;
  const global = isGlobal(service);
  const replicas = replicasOf(service) ?? 0;
  const visible = updateVisible(input);
  const active = input.activeNodeIds ? new Set(input.activeNodeIds) : null;
  const drainedNodes = new Set((input.nodes ?? []).filter((n) => n.Spec?.Availability === 'drain').map((n) => n.ID));
  const groups = new Map<string, SlotGroup>();
  const groupFor = (task: Task): SlotGroup => {
    const slotNumber = !global && task.Slot ? task.Slot : null;
    const nodeId = task.NodeID || null;
    const key = slotNumber !== null ? `slot:${slotNumber}` : `node:${nodeId ?? task.ID}`;
    let group = groups.get(key);
    if (!group) {
      group = {
        slot: slotNumber !== null ? String(slotNumber) : (nodeId ?? '?'),
        slotNumber,
        nodeId,
        current: [],
        other: [],
        lost: [],
        drained: [],
      };
      groups.set(key, group);
    }
    return group;
  };
  if (!global) {
    for (let slot = 1; slot <= replicas; slot += 1) {
      groups.set(`slot:${slot}`, {
        slot: String(slot),
        slotNumber: slot,
        nodeId: null,
        current: [],
        other: [],
        lost: [],
        drained: [],
      });
    }
  }
  for (const task of input.tasks) {
    if (task.ServiceID !== service.ID) continue;
    if (active && task.NodeID && !active.has(task.NodeID)) {
      // Followed by slot only (a global service's task on a down node has no other place to go).
      if (!global && lostWithNode(task, input.baseline?.versionIndex)) groupFor(task).lost.push(task);
      continue;
    }
    const group = groupFor(task);
    (visible && isTaskOnCurrentSpec(task, service) ? group.current : group.other).push(task);
    if (!global && task.NodeID && drainedNodes.has(task.NodeID) && shutDownDuring(task, input.baseline?.versionIndex))
      group.drained.push(task);
  }
  // Keep the slots the service wants plus any still holding a task meant to run (scale-down leftovers).
  return [...groups.values()]
    .filter(
      (g) =>
        (g.slotNumber !== null && g.slotNumber <= replicas) ||
        g.current.length > 0 ||
        g.other.some((t) => !isTerminalState(t.DesiredState)),
    )
    .sort((a, b) => (a.slotNumber ?? Infinity) - (b.slotNumber ?? Infinity) || a.slot.localeCompare(b.slot));
}

/** The UpdateStatus when it belongs to this update (not the previous one, not yet unset). */
function currentStatus(input: RolloutInput): Service['UpdateStatus'] {
  const status = input.service.UpdateStatus;
  if (!status?.State) return null;
  const before = input.baseline?.updateStartedAt;
  if (before !== undefined && before !== null && status.StartedAt === before) return null;
  return status;
}

function phaseOf(input: RolloutInput, state: UpdateState | null, converged: boolean, started: boolean): RolloutPhase {
  if (!updateVisible(input)) return 'preparing';
  switch (state) {
    case 'updating':
      return converged ? 'monitoring' : started ? 'updating' : 'preparing';
    case 'completed':
      return 'done';
    case 'paused':
      return 'paused';
    case 'rollback_started':
      return 'rolling-back';
    case 'rollback_paused':
      return 'failed';
    case 'rollback_completed':
      return 'rolled-back';
    default:
      // No status for this update (yet): Swarm sets it asynchronously and clears it for updates
      // that change nothing at task level.
      return converged ? 'done' : started ? 'updating' : 'preparing';
  }
}

function describeSlot(group: SlotGroup, global: boolean): string {
  return global ? `node ${group.slot.slice(0, 12)}` : `slot ${group.slot}`;
}

export function rolloutProgress(input: RolloutInput): RolloutProgress {
  const {service, now, startedAt} = input;
  const global = isGlobal(service);
  const job = isJob(service);
  const health = input.containerHealth ?? {};
  const status = updateVisible(input) ? currentStatus(input) : null;
  const updateStartedMs = timestampMs(status?.StartedAt);
  const previousDoneAt = new Map((input.previous?.slots ?? []).map((s) => [s.slot, s.doneAt]));

  // Node names only where they tell something: on a swarm of several nodes.
  const names = new Map((input.nodes && input.nodes.length > 1 ? input.nodes : []).map((n) => [n.ID, nodeName(n)]));
  const onNode = (task: Task) => {
    const name = task.NodeID ? names.get(task.NodeID) : undefined;
    return name ? ` on ${name}` : '';
  };
  const brief = (task: Task) => {
    const b = taskBrief(task, health[task.ID]);
    const name = task.NodeID ? names.get(task.NodeID) : undefined;
    if (name) b.node = name;
    return b;
  };
  const errors: {at: number; text: string}[] = [];
  const slots: SlotProgress[] = [];
  let started = false;
  for (const group of groupTasks(input)) {
    const current = pickTask(group.current);
    const old = pickOld(group.other);
    const done = current !== undefined && (job ? current.Status.State === 'complete' : isRunningTask(current));
    const entry: SlotProgress = {slot: group.slot, slotNumber: group.slotNumber, nodeId: group.nodeId, done};
    if (current) entry.new = brief(current);
    if (old) entry.old = brief(old);
    if (done) entry.doneAt = previousDoneAt.get(group.slot) ?? now;
    const lost = group.lost[0];
    if (lost?.NodeID) {
      const node = input.nodes?.find((n) => n.ID === lost.NodeID);
      const name = node ? nodeName(node) : lost.NodeID.slice(0, 12);
      const why = node?.Status?.Message ? ` (${node.Status.Message})` : '';
      const moved = lost.DesiredState !== 'running' ? 'was rescheduled' : 'is rescheduled';
      entry.lost = `node ${name} is ${node?.Status?.State ?? 'down'}${why}: its task ${moved}`;
    }
    const drained = group.drained[0];
    if (!entry.lost && drained?.NodeID) {
      const node = input.nodes?.find((n) => n.ID === drained.NodeID);
      const name = node ? nodeName(node) : drained.NodeID.slice(0, 12);
      const replacement = pickTask(
        [...group.current, ...group.other].filter((t) => t.DesiredState === 'running' && t.NodeID !== drained.NodeID),
      );
      const to = replacement ? onNode(replacement) : '';
      entry.lost = `node ${name} was drained: its task was shut down, ${to ? `rescheduled${to}` : 'to be rescheduled'}`;
    }
    slots.push(entry);
    if (current) started = true;

    for (const task of [...group.current, ...group.other]) {
      const since = timestampMs(task.Status.Timestamp) ?? 0;
      const recent = group.current.includes(task) || (updateStartedMs !== null && since >= updateStartedMs);
      if (!recent) continue;
      if (task.Status.Err)
        errors.push({at: since, text: `${describeSlot(group, global)}${onNode(task)}: ${task.Status.Err}`});
      else if (health[task.ID] === 'unhealthy' && !isTerminalState(task.DesiredState)) {
        errors.push({at: since, text: `${describeSlot(group, global)}${onNode(task)}: container unhealthy`});
      }
    }
  }

  const slotsTotal = replicasOf(service) ?? slots.length;
  const slotsDone = Math.min(slotsTotal, slots.filter((s) => s.done).length);
  const converged = updateVisible(input) && (slotsTotal > 0 ? slotsDone === slotsTotal : !global);
  const state = status?.State ?? null;
  const phase = phaseOf(input, state, converged, started);

  return {
    phase,
    updateState: state,
    slotsDone,
    slotsTotal,
    slots,
    elapsedMs: Math.max(0, now - startedAt),
    etaMs: phase === 'updating' || phase === 'preparing' ? estimate(slots, slotsTotal, startedAt, now) : null,
    message: status?.Message ?? null,
    converged,
    errors: [...new Set(errors.sort((a, b) => a.at - b.at).map((e) => e.text))],
  };
}

/** Remaining slots times the observed time per finished slot, less the time since the last one. */
function estimate(slots: SlotProgress[], total: number, startedAt: number, now: number): number | null {
  const doneTimes = slots.filter((s) => s.done && s.doneAt !== undefined).map((s) => s.doneAt as number);
  if (doneTimes.length === 0) return null;
  const remaining = Math.max(0, total - doneTimes.length);
  if (remaining === 0) return 0;
  const last = Math.max(...doneTimes);
  const perSlot = Math.max(0, last - startedAt) / doneTimes.length;
  return Math.max(0, Math.round(perSlot * remaining - (now - last)));
}
