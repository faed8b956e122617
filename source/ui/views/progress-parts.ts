/** Words, symbols and bars for the rollout progress panel. */
import type {RolloutProgress, RolloutView, TaskRow} from '../../services/console-model.js';
import type {ContainerHealth, RolloutPhase, SlotProgress} from '../../domain/rollout-progress.js';
import {stateRank} from '../../domain/task-state.js';
import {type StatusMark, SYMBOLS} from '../theme/symbols.js';

export const BAR_FULL = '█';
export const BAR_EMPTY = '░';

/** A bar of exactly `width` columns, filled to `fraction` (0..1). */
export function bar(fraction: number, width: number): string {
  const w = Math.max(0, width);
  const filled = Math.round(Math.max(0, Math.min(1, fraction)) * w);
  return BAR_FULL.repeat(filled) + BAR_EMPTY.repeat(w - filled);
}

export const PHASE_TEXT: Record<RolloutPhase, StatusMark & {text: string; waiting: boolean}> = {
  preparing: {symbol: SYMBOLS.pending, tone: 'warn', text: 'preparing', waiting: true},
  updating: {symbol: SYMBOLS.pending, tone: 'warn', text: 'updating', waiting: true},
  monitoring: {symbol: SYMBOLS.pending, tone: 'warn', text: 'monitoring', waiting: true},
  done: {symbol: SYMBOLS.healthy, tone: 'ok', text: 'update completed', waiting: false},
  paused: {symbol: SYMBOLS.paused, tone: 'bad', text: 'update paused', waiting: false},
  'rolling-back': {symbol: SYMBOLS.pending, tone: 'warn', text: 'Swarm is rolling back', waiting: true},
  'rolled-back': {symbol: SYMBOLS.degraded, tone: 'warn', text: 'rolled back by Swarm', waiting: false},
  failed: {symbol: SYMBOLS.failed, tone: 'bad', text: 'failed', waiting: false},
};

const RUNNING = stateRank('running');

/**
 * How far a slot's new task got. Only a running task (healthy, where there is a check: Swarm holds
 * a task in `starting` until then) fills the bar; before that the bar never passes half, however
 * far the task got through docker's states, so a slot that never starts does not look nearly done.
 */
export function slotFraction(slot: SlotProgress): number {
  if (slot.done) return 1;
  if (!slot.new) return 0;
  const rank = stateRank(slot.new.state);
  return rank > RUNNING ? 0 : Math.min(0.5, (rank / RUNNING) * 0.5);
}

/**
 * The failure lines to show: what the rollout saw and what the rollback explained at the end, a line
 * dropped when a longer one says the same and more ("slot 3: container unhealthy" and "slot 3:
 * container unhealthy, health check failed: wget: … 404").
 */
export function failureLines(rollout: RolloutView): string[] {
  const all = [...new Set([...rollout.progress.errors, ...(rollout.causes ?? [])])];
  return all.filter((line) => !all.some((other) => other !== line && other.startsWith(line)));
}

/** Whether a failure line is about this slot ("slot 3: …", "node abc123: …"). */
export function slotFailed(slot: SlotProgress, lines: readonly string[]): boolean {
  if (slot.done) return false;
  const label = slot.slotNumber !== null ? `slot ${slot.slot}: ` : `node ${slot.slot.slice(0, 12)}: `;
  return lines.some((line) => line.startsWith(label));
}

export {wrappedHeight} from '../format.js';

/** The first slots that fit in `rows` (a slot with a lost-node note takes two), at least one. */
export function slotsThatFit(slots: readonly SlotProgress[], rows: number): SlotProgress[] {
  const shown: SlotProgress[] = [];
  let used = 0;
  for (const slot of slots) {
    const need = slot.lost ? 2 : 1;
    if (shown.length > 0 && used + need > rows) break;
    shown.push(slot);
    used += need;
  }
  return shown;
}

export function overallFraction(progress: RolloutProgress): number {
  if (progress.slotsTotal <= 0) return progress.converged ? 1 : 0;
  return progress.slotsDone / progress.slotsTotal;
}

export function rolloutTitle(rollout: RolloutView): string {
  const v = (n: number | null) => (n === null ? '?' : `v${n}`);
  return rollout.kind === 'rollback'
    ? `rollback ${v(rollout.from)} ${SYMBOLS.arrow} ${v(rollout.to)}`
    : `redeploy ${v(rollout.to ?? rollout.from)}`;
}

/**
 * What runs while a rollout is under way, for headers: where it comes from and goes to, and how many
 * slots run the target ("v4 → v7, 0/3"); the live spec is already the target, but not what runs.
 */
export function rolloutHeadline(rollout: RolloutView): string {
  const v = (n: number | null) => (n === null ? '?' : `v${n}`);
  const {slotsDone, slotsTotal} = rollout.progress;
  const what =
    rollout.kind === 'rollback'
      ? `${v(rollout.from)} ${SYMBOLS.arrow} ${v(rollout.to)}`
      : `redeploy ${v(rollout.to ?? rollout.from)}`;
  return `${what}, ${slotsDone}/${slotsTotal}`;
}

export const RESULT_MARK: Record<NonNullable<RolloutView['result']>, StatusMark> = {
  healthy: {symbol: SYMBOLS.healthy, tone: 'ok'},
  degraded: {symbol: SYMBOLS.degraded, tone: 'warn'},
  failed: {symbol: SYMBOLS.failed, tone: 'bad'},
  conflict: {symbol: SYMBOLS.failed, tone: 'bad'},
  reverted: {symbol: SYMBOLS.degraded, tone: 'warn'},
};

const HEALTH_STATES: readonly string[] = ['healthy', 'unhealthy', 'starting'] satisfies ContainerHealth[];

/**
 * After the rollout ended the panel keeps following the service: each slot's new task is the task of
 * the rollout's target running in that slot now (a crash-looping slot shows each restart), from the
 * task list the console polls for the service on screen. A slot is done only while that task runs
 * (healthy, where there is a check). Slots of global services and slots with no such task stay as the
 * rollout left them.
 */
export function followSlots(
  slots: readonly SlotProgress[],
  tasks: readonly TaskRow[],
  target: number | null,
): SlotProgress[] {
  if (target === null) return [...slots];
  return slots.map((slot) => {
    if (slot.slotNumber === null) return slot;
    const current = tasks
      .filter((t) => t.slot === slot.slotNumber && t.version === target)
      .sort(
        (a, b) => Number(b.desiredState === 'running') - Number(a.desiredState === 'running') || b.since - a.since,
      )[0];
    if (!current) return slot;
    const health =
      current.health !== undefined && HEALTH_STATES.includes(current.health)
        ? (current.health as ContainerHealth)
        : undefined;
    const running = current.state === 'running' && (health === undefined || health === 'healthy');
    return {
      ...slot,
      new: {
        id: current.id,
        state: current.state,
        desiredState: current.desiredState,
        since: current.since,
        ...(health ? {health} : {}),
        ...(current.error ? {error: current.error} : {}),
      },
      done: running,
    };
  });
}
