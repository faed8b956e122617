/**
 * CPU % and memory of tasks, and the per-version means the health watches record. Pure: the samples
 * come from the gateway (docker/container-stats.ts); CPU % is computed as `docker stats` computes it,
 * from two samples of the same container (its CPU time over the host's, times the online CPUs).
 */
import type {ContainerStatsSample} from '../docker/container-stats.js';
import {formatBytes, trimNumber} from './format.js';

export type {ContainerStatsSample};

/**
 * What is known of one running task's resource use: measured on the connected node (CPU % needs a
 * second sample: null until then), or on another node, whose Engine this connection cannot ask.
 */
export type TaskMetrics =
  {kind: 'measured'; cpuPercent: number | null; memoryBytes: number | null} | {kind: 'elsewhere'; node: string};

/** What a health watch records with a version's health: means per task over the watch. */
export interface VersionMetrics {
  /** Mean CPU % per task (100 % = one CPU); null when no task could be measured. */
  cpuPercent: number | null;
  /** Mean memory per task in bytes; null when no task could be measured. */
  memoryBytes: number | null;
  /** Task restarts the watch saw. */
  restarts: number;
  /** Measurements the means are made of (one per task per sample). */
  samples: number;
}

/** CPU % between two samples of one container, as `docker stats` shows it; null when it cannot be told. */
export function cpuPercent(previous: ContainerStatsSample, current: ContainerStatsSample): number | null {
  if (previous.systemNs === null || current.systemNs === null) return null;
  const cpu = current.cpuTotalNs - previous.cpuTotalNs;
  const system = current.systemNs - previous.systemNs;
  if (system <= 0 || cpu < 0) return null;
  return (cpu / system) * current.onlineCpus * 100;
}

/** Running sums for the means of a watch. */
export interface MetricsTally {
  cpuSum: number;
  cpuCount: number;
  memorySum: number;
  memoryCount: number;
}

export const emptyTally = (): MetricsTally => ({cpuSum: 0, cpuCount: 0, memorySum: 0, memoryCount: 0});

/** Adds one sampling of the tasks (tasks on other nodes add nothing). */
export function addToTally(tally: MetricsTally, metrics: Iterable<TaskMetrics>): MetricsTally {
  const next = {...tally};
  for (const m of metrics) {
    if (m.kind !== 'measured') continue;
    if (m.cpuPercent !== null) {
      next.cpuSum += m.cpuPercent;
      next.cpuCount += 1;
    }
    if (m.memoryBytes !== null) {
      next.memorySum += m.memoryBytes;
      next.memoryCount += 1;
    }
  }
  return next;
}

export function versionMetrics(tally: MetricsTally, restarts: number): VersionMetrics {
  return {
    cpuPercent: tally.cpuCount > 0 ? tally.cpuSum / tally.cpuCount : null,
    memoryBytes: tally.memoryCount > 0 ? Math.round(tally.memorySum / tally.memoryCount) : null,
    restarts,
    samples: Math.max(tally.cpuCount, tally.memoryCount),
  };
}

/** "1.2 %" (two significant decimals below 1 %). */
export function formatPercent(percent: number): string {
  return `${trimNumber(percent, percent < 1 ? 2 : 1)} %`;
}

/** A task's CPU and memory cells: "0.4 %", "12.5MiB"; `…` before the second sample; "n/a (node X)" elsewhere. */
export function taskMetricsText(metrics: TaskMetrics | undefined): {cpu: string; memory: string} {
  if (metrics === undefined) return {cpu: '', memory: ''};
  if (metrics.kind === 'elsewhere') return {cpu: `n/a (node ${metrics.node})`, memory: ''};
  return {
    cpu: metrics.cpuPercent === null ? '…' : formatPercent(metrics.cpuPercent),
    memory: metrics.memoryBytes === null ? '—' : formatBytes(metrics.memoryBytes),
  };
}

/** "+40 %", "-12 %", "±0 %"; '' when the base is 0. */
function change(current: number, base: number): string {
  if (base === 0) return '';
  const pct = Math.round(((current - base) / base) * 100);
  return pct === 0 ? '±0 %' : `${pct > 0 ? '+' : ''}${pct} %`;
}

/**
 * A version's recorded metrics, beside an earlier version's when given:
 * "cpu 0.4 %, +10 % vs v4 · mem 82MiB, +40 % vs v4 · 0 restarts (2 in v4)".
 */
export function describeVersionMetrics(
  metrics: VersionMetrics,
  previous?: {number: number; metrics: VersionMetrics} | null,
): string {
  const vs = previous ? ` vs v${previous.number}` : '';
  const part = (
    label: string,
    value: number | null,
    base: number | null | undefined,
    show: (n: number) => string,
  ): string => {
    if (value === null) return `${label} n/a`;
    const delta = base === null || base === undefined ? '' : change(value, base);
    return `${label} ${show(value)}${delta ? `, ${delta}${vs}` : ''}`;
  };
  const restarts = `${metrics.restarts} ${metrics.restarts === 1 ? 'restart' : 'restarts'}${previous ? ` (${previous.metrics.restarts} in v${previous.number})` : ''}`;
  return [
    part('cpu', metrics.cpuPercent, previous?.metrics.cpuPercent, formatPercent),
    part('mem', metrics.memoryBytes, previous?.metrics.memoryBytes, formatBytes),
    restarts,
  ].join(' · ');
}

/** The version measured before `rows[index]` (rows newest first): the one its metrics are compared with. */
export function previousMeasured<T extends {number: number; metrics?: VersionMetrics | null}>(
  rows: readonly T[],
  index: number,
): {number: number; metrics: VersionMetrics} | null {
  for (const row of rows.slice(index + 1)) if (row.metrics) return {number: row.number, metrics: row.metrics};
  return null;
}
