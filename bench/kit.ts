/**
 * What the benchmark scripts share: running a command and timing it, sample statistics, the load
 * average to print next to each figure, and polling the Engine API for a service's convergence.
 * Services, images and the test bed come from test/support (createTestService, removeServices…).
 */
import {spawn} from 'node:child_process';
import http from 'node:http';
import os from 'node:os';
import {performance} from 'node:perf_hooks';
import {dockerApiGet, filtersQuery} from '../test/support/docker-api.js';

export const DOCKER = '/usr/bin/docker';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface Timed {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Wall time from spawn to exit. */
  ms: number;
  /** performance.now() at spawn and at exit. */
  startedAt: number;
  endedAt: number;
}

/** Runs a command to completion and times it (spawn → exit). Never throws for a non-zero exit. */
export function timed(file: string, args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 300_000): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const childEnv: NodeJS.ProcessEnv = {...process.env, ...env};
    for (const key of ['DOCKER_HOST', 'DOCKER_CONTEXT', 'FORCE_COLOR']) if (!(key in env)) delete childEnv[key];
    const startedAt = performance.now();
    const child = spawn(file, args, {env: childEnv, stdio: ['ignore', 'pipe', 'pipe']});
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const endedAt = performance.now();
      resolve({code, stdout, stderr, ms: endedAt - startedAt, startedAt, endedAt});
    });
  });
}

/**
 * The arguments of the rollback every benchmark times, after the CLI's path:
 * `rollback SERVICE --to VERSION --yes --json --watch SECONDS [extra…] --db DB`.
 */
export function rollbackArgs(
  service: string,
  to: string,
  db: string,
  opts: {watchSeconds?: number; extra?: readonly string[]} = {},
): string[] {
  return [
    'rollback',
    service,
    '--to',
    to,
    '--yes',
    '--json',
    '--watch',
    String(opts.watchSeconds ?? 0),
    ...(opts.extra ?? []),
    '--db',
    db,
  ];
}

/** Like timed() but rejects on a non-zero exit. */
export async function must(file: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Timed> {
  const run = await timed(file, args, env);
  if (run.code !== 0)
    throw new Error(
      `${file} ${args.slice(0, 4).join(' ')} … exited ${run.code}: ${(run.stderr || run.stdout).trim().slice(-600)}`,
    );
  return run;
}

export interface Stats {
  n: number;
  median: number;
  p95: number;
  min: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentile of sorted samples. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function stats(samples: readonly number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const n = sorted.length;
  const median = n === 0 ? NaN : n % 2 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
  return {
    n,
    median,
    p95: percentile(sorted, 95),
    min: sorted[0] ?? NaN,
    max: sorted[n - 1] ?? NaN,
    mean: n ? sorted.reduce((a, b) => a + b, 0) / n : NaN,
  };
}

export function fmtMs(ms: number): string {
  return Number.isFinite(ms) ? `${Math.round(ms)} ms` : '—';
}

export function fmtStats(s: Stats, unit = 'ms'): string {
  const r = (v: number) => (Number.isFinite(v) ? String(Math.round(v)) : '—');
  return `median ${r(s.median)} ${unit} (min ${r(s.min)}, max ${r(s.max)}, n=${s.n})`;
}

/** "load 1.23/0.98 (2 cores)": the 1- and 5-minute load averages, to print next to a figure. */
export function loadAverage(): string {
  const [one, five] = os.loadavg();
  return `load ${one!.toFixed(2)}/${five!.toFixed(2)} (${os.cpus().length} cores)`;
}

/** Prints a left-aligned table. */
export function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(line(header));
  for (const row of rows) console.log(line(row));
}

interface ApiTaskSpec {
  ID: string;
  DesiredState: string;
  Status: {State: string};
  Spec?: {ContainerSpec?: {Image?: string; Env?: string[]}};
}

interface ApiServiceStatus {
  ID: string;
  UpdateStatus?: {State?: string; StartedAt?: string} | null;
}

export interface ConvergenceTimes {
  /** performance.now() when every task meant to run was running on the target (as `docker service update` waits for). */
  tasksAt: number | null;
  /** performance.now() when UpdateStatus said `completed` for this update. */
  completedAt: number | null;
  /** This update's UpdateStatus.StartedAt (when Swarm started it), as performance.now() time. */
  swarmStartedAt: number | null;
}

/**
 * Polls the API every `intervalMs` from now until both are seen (or finish()'s grace ends), noting when the service's tasks all run
 * the target (image and one env entry) and when its UpdateStatus (a new one) says completed.
 */
export function watchConvergence(
  serviceId: string,
  target: {image: string; env: string; replicas: number; previousStartedAt: string | null},
  intervalMs = 50,
): {finish(graceMs?: number): Promise<ConvergenceTimes>} {
  const times: ConvergenceTimes = {tasksAt: null, completedAt: null, swarmStartedAt: null};
  let stopped = false;
  let deadline = Infinity;
  const loop = (async () => {
    while (!stopped && performance.now() < deadline && (times.tasksAt === null || times.completedAt === null)) {
      const at = performance.now();
      try {
        const [service, tasks] = await Promise.all([
          dockerApiGet<ApiServiceStatus>(`/services/${serviceId}`),
          dockerApiGet<ApiTaskSpec[]>(`/tasks?${filtersQuery({service: [serviceId], 'desired-state': ['running']})}`),
        ]);
        const onTarget = tasks.filter(
          (t) =>
            t.Status.State === 'running' &&
            t.Spec?.ContainerSpec?.Image === target.image &&
            (t.Spec.ContainerSpec.Env ?? []).includes(target.env),
        );
        if (times.tasksAt === null && onTarget.length === target.replicas && tasks.length === target.replicas)
          times.tasksAt = at;
        const status = service.UpdateStatus;
        if (times.swarmStartedAt === null && status?.StartedAt && status.StartedAt !== target.previousStartedAt) {
          times.swarmStartedAt = Date.parse(status.StartedAt) + subMs(status.StartedAt) - performance.timeOrigin;
        }
        if (
          times.completedAt === null &&
          status?.State === 'completed' &&
          (status.StartedAt ?? null) !== target.previousStartedAt
        ) {
          times.completedAt = at;
        }
      } catch {
        // a failed poll is just a missed sample
      }
      await sleep(Math.max(0, intervalMs - (performance.now() - at)));
    }
  })();
  return {
    /** Keeps polling up to `graceMs` more for what was not seen yet, then stops. */
    async finish(graceMs = 60_000) {
      deadline = performance.now() + graceMs;
      await loop;
      stopped = true;
      return times;
    },
  };
}

/** The sub-millisecond part of an RFC 3339 timestamp with nanoseconds (Date.parse drops it). */
function subMs(timestamp: string): number {
  const fraction = /\.(\d+)/.exec(timestamp)?.[1] ?? '';
  return fraction.length > 3 ? Number(`0.${fraction.slice(3)}`) : 0;
}

/** UpdateStatus.StartedAt of a service now (null when none). */
export async function updateStartedAt(serviceId: string): Promise<string | null> {
  const service = await dockerApiGet<ApiServiceStatus>(`/services/${serviceId}`);
  return service.UpdateStatus?.StartedAt ?? null;
}

/** Counts swarm service events (anyone's) from now until stop(): activity the bench does not cause. */
export function countServiceEvents(socketPath = '/var/run/docker.sock'): {stop(): number} {
  let count = 0;
  const filters = encodeURIComponent(JSON.stringify({type: ['service']}));
  const request = http.get({socketPath, path: `/v1.41/events?filters=${filters}`}, (response) => {
    response.on('data', (chunk: Buffer) => {
      count += chunk
        .toString('utf8')
        .split('\n')
        .filter((line) => line.startsWith('{')).length;
    });
    response.on('error', () => undefined);
  });
  request.on('error', () => undefined);
  return {
    stop() {
      request.destroy();
      return count;
    },
  };
}
