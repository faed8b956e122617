/**
 * A bounded HTTP request loop against loopback URLs, for zero-downtime checks: one request every
 * intervalMs, round robin over the URLs, until stop() or a hard cap on count and time.
 *
 * The target is fixed URLs, a function giving the current ones, or a service: then the loop stands
 * in for the load balancer a real deployment has in front of it (see endpoints.ts for why tasks are
 * reached on host-mode ports):
 *   - every refreshMs it re-reads the endpoints: tasks meant to run that are running, as a load
 *     balancer drops a task from its pool once Swarm shuts it down;
 *   - on a connection error (reset, refused, timeout) it re-reads them and retries once on another
 *     running endpoint, as load balancers retry idempotent requests;
 *   - a request FAILS when no running endpoint answered it (or the answer was not HTTP 2xx).
 * So a rolling update with zero downtime shows 0 failures, and a stop-first update of a single
 * replica (a gap with no running task) shows failures.
 */
import {taskEndpoints} from './endpoints.js';

export type LoadTarget =
  string | string[] | (() => string[] | Promise<string[]>) | {service: string; targetPort?: number};

export interface LoadOptions {
  /** Pause between request starts (default 50 ms). */
  intervalMs?: number;
  /** Per-attempt timeout (default 2 s). */
  requestTimeoutMs?: number;
  /** Hard cap on requests (default 10 000). */
  maxRequests?: number;
  /** Hard cap on run time (default 5 minutes, never more). */
  maxDurationMs?: number;
  /** How often a changing target is read again (default 100 ms). */
  refreshMs?: number;
  /** Retry a connection error once on another endpoint (default: for a service target only). */
  retry?: boolean;
}

export interface LoadResult {
  ok: number;
  failed: number;
  /** Requests that succeeded only on their retry. */
  retried: number;
  /** Distinct failure descriptions with counts, e.g. "http://127.0.0.1:3012/: ECONNRESET (×3)". */
  errors: string[];
  durationMs: number;
  /** Why the loop ended: 'stopped' or the cap that was hit. */
  endedBy: 'stopped' | 'max-requests' | 'max-duration';
}

export interface LoadRun {
  stop(): Promise<LoadResult>;
  /** Counts so far. */
  progress(): {ok: number; failed: number};
}

const HARD_CAP_MS = 5 * 60_000;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

function assertLoopback(url: string): void {
  const host = new URL(url).hostname;
  if (!LOOPBACK.has(host)) throw new Error(`startLoad only targets loopback URLs, not ${url}`);
}

function reason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === 'TimeoutError' || error.name === 'AbortError') return 'timeout';
  const cause = (error as {cause?: {code?: string; message?: string}}).cause;
  return cause?.code ?? cause?.message ?? error.message;
}

/** The target as a function giving the current URLs, or the fixed URLs. */
function urlSource(target: LoadTarget): string[] | (() => Promise<string[]>) {
  if (typeof target === 'string' || Array.isArray(target)) return [target].flat();
  if (typeof target === 'function') return async () => target();
  return async () => (await taskEndpoints(target.service, target.targetPort)).map((e) => `${e.url}/`);
}

type Attempt = {kind: 'ok'} | {kind: 'http' | 'connection'; why: string};

export function startLoad(target: LoadTarget, opts: LoadOptions = {}): LoadRun {
  const intervalMs = opts.intervalMs ?? 50;
  const requestTimeoutMs = opts.requestTimeoutMs ?? 2000;
  const maxRequests = opts.maxRequests ?? 10_000;
  const maxDurationMs = Math.min(opts.maxDurationMs ?? HARD_CAP_MS, HARD_CAP_MS);
  const refreshMs = opts.refreshMs ?? 100;
  const retry = opts.retry ?? (typeof target === 'object' && !Array.isArray(target));
  const source = urlSource(target);

  let urls: string[] = typeof source === 'function' ? [] : source;
  urls.forEach(assertLoopback);
  let ok = 0;
  let failed = 0;
  let retried = 0;
  let stopped = false;
  let endedBy: LoadResult['endedBy'] = 'stopped';
  const errorCounts = new Map<string, number>();
  const started = Date.now();
  const inFlight = new Set<Promise<void>>();

  const fail = (what: string): void => {
    failed += 1;
    errorCounts.set(what, (errorCounts.get(what) ?? 0) + 1);
  };

  const refresh = async (): Promise<void> => {
    if (typeof source !== 'function') return;
    let next: string[];
    try {
      next = await source();
    } catch {
      return; // keep the previous URLs: a failed lookup is not a failed request
    }
    next.forEach(assertLoopback);
    urls = next;
  };

  const attempt = async (url: string): Promise<Attempt> => {
    try {
      const response = await fetch(url, {signal: AbortSignal.timeout(requestTimeoutMs)});
      await response.arrayBuffer();
      return response.ok ? {kind: 'ok'} : {kind: 'http', why: `HTTP ${response.status}`};
    } catch (error) {
      return {kind: 'connection', why: reason(error)};
    }
  };

  const request = async (url: string): Promise<void> => {
    const first = await attempt(url);
    if (first.kind === 'ok') return void (ok += 1);
    if (first.kind === 'http' || !retry) return fail(`${url}: ${first.why}`);
    await refresh();
    const other = urls.find((candidate) => candidate !== url);
    if (other === undefined) return fail(`${url}: ${first.why}, no other running task`);
    const second = await attempt(other);
    if (second.kind !== 'ok') return fail(`${url}: ${first.why}, then ${second.why} on retry`);
    ok += 1;
    retried += 1;
  };

  const refresher = (async () => {
    if (typeof source !== 'function') return;
    while (!stopped) {
      await new Promise((resolve) => setTimeout(resolve, refreshMs));
      await refresh();
    }
  })();

  const loop = (async () => {
    await refresh();
    let sent = 0;
    let next = 0;
    while (!stopped) {
      if (sent >= maxRequests) {
        endedBy = 'max-requests';
        break;
      }
      if (Date.now() - started >= maxDurationMs) {
        endedBy = 'max-duration';
        break;
      }
      if (urls.length === 0) await refresh();
      const url = urls[next++ % Math.max(1, urls.length)];
      if (url === undefined) fail('no running endpoint');
      else {
        const pending = request(url).finally(() => inFlight.delete(pending));
        inFlight.add(pending);
      }
      sent += 1;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
    await Promise.all([...inFlight]);
  })();
  loop.catch(() => undefined); // surfaced by stop()
  refresher.catch(() => undefined);

  return {
    async stop() {
      stopped = true;
      await Promise.all([loop, refresher]);
      return {
        ok,
        failed,
        retried,
        errors: [...errorCounts].map(([what, count]) => (count > 1 ? `${what} (×${count})` : what)),
        durationMs: Date.now() - started,
        endedBy,
      };
    },
    progress: () => ({ok, failed}),
  };
}
