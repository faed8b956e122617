/**
 * Status symbols. Every one is a single terminal column (checked in the tests), so tables stay
 * aligned; each status is readable by its symbol alone when colour is off.
 */
import type {ServiceHealth} from '../../services/console-model.js';
import type {Tone} from './tone.js';

export const SYMBOLS = {
  running: '●',
  pending: '◌',
  healthy: '✔',
  failed: '✖',
  degraded: '⚠',
  paused: '॥',
  unknown: '?',
  superseded: '↷',
  cursor: '›',
  mark: '*',
  live: '▶',
  arrow: '→',
  expanded: '▾',
  collapsed: '▸',
} as const;

export interface StatusMark {
  symbol: string;
  tone: Tone;
}

export function healthMark(health: ServiceHealth | 'good' | 'bad' | string | undefined): StatusMark {
  switch (health) {
    case 'healthy':
    case 'good':
      return {symbol: SYMBOLS.healthy, tone: 'ok'};
    case 'degraded':
    case 'unhealthy':
      return {symbol: SYMBOLS.degraded, tone: 'warn'};
    case 'failed':
    case 'bad':
      return {symbol: SYMBOLS.failed, tone: 'bad'};
    case 'pending':
    case 'starting':
      return {symbol: SYMBOLS.pending, tone: 'muted'};
    case 'superseded':
      return {symbol: SYMBOLS.superseded, tone: 'muted'};
    default:
      return {symbol: SYMBOLS.unknown, tone: 'muted'};
  }
}

const FAILED_STATES = new Set(['failed', 'rejected', 'orphaned']);
const DONE_STATES = new Set(['shutdown', 'complete', 'remove']);

/** A task state: running, on its way, stopped or failed. */
export function taskStateMark(state: string): StatusMark {
  if (state === 'running') return {symbol: SYMBOLS.running, tone: 'ok'};
  if (FAILED_STATES.has(state)) return {symbol: SYMBOLS.failed, tone: 'bad'};
  if (DONE_STATES.has(state)) return {symbol: SYMBOLS.pending, tone: 'muted'};
  return {symbol: SYMBOLS.pending, tone: 'warn'};
}

/** Swarm's UpdateStatus.State in a few words. */
export const UPDATE_LABELS: Record<string, string> = {
  updating: 'updating',
  paused: 'paused',
  completed: 'completed',
  rollback_started: 'rolling back',
  rollback_paused: 'rollback paused',
  rollback_completed: 'rolled back',
};

/** Swarm's UpdateStatus.State. */
export function updateStateMark(state: string | null | undefined): StatusMark | null {
  switch (state) {
    case null:
    case undefined:
      return null;
    case 'updating':
    case 'rollback_started':
      return {symbol: SYMBOLS.pending, tone: 'warn'};
    case 'paused':
    case 'rollback_paused':
      return {symbol: SYMBOLS.paused, tone: 'bad'};
    case 'completed':
      return {symbol: SYMBOLS.healthy, tone: 'ok'};
    case 'rollback_completed':
      return {symbol: SYMBOLS.degraded, tone: 'warn'};
    default:
      return {symbol: SYMBOLS.unknown, tone: 'muted'};
  }
}
