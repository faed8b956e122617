/**
 * "Requests to the service" on a machine without the routing mesh.
 *
 * Swarm's routing mesh (IPVS) does not work on the test machines, so a service's tasks are reached
 * on host-mode ephemeral ports (`--publish mode=host,target=8080`), read from each task's
 * Status.PortStatus. This loop stands in for the load balancer a real deployment has in front:
 *   - every ~100 ms it refreshes the list of endpoints: tasks meant to run (desired state running)
 *     that are running, as a load balancer drops a task from its pool once Swarm shuts it down;
 *   - it sends one request every `intervalMs` to the next endpoint of the list (round robin);
 *   - on a connection error (reset, refused, timeout) it re-reads the endpoints and retries once on
 *     a different running endpoint, as load balancers retry idempotent requests;
 *   - a request FAILS when no running endpoint answered it (or the answer was not HTTP 2xx).
 * So a rolling update with zero downtime shows 0 failures, and a stop-first update of a single
 * replica (a gap with no running task) shows failures.
 */
import {serviceTasks} from './docker-api.js';

export interface BalancedLoadOptions {
  /** Pause between request starts (default 50 ms). */
  intervalMs?: number;
  /** How often the endpoint list is refreshed (default 100 ms). */
  refreshMs?: number;
  /** Per-attempt timeout (default 2 s). */
  requestTimeoutMs?: number;
  /** The container port published in host mode (default 8080). */
  targetPort?: number;
  /** Hard cap on run time (default 3 minutes). */
  maxDurationMs?: number;
}

export interface BalancedLoadResult {
  ok: number;
  failed: number;
  /** Requests that succeeded only on their retry. */
  retried: number;
  /** Distinct failure reasons with counts. */
  errors: string[];
  durationMs: number;
}

export interface BalancedLoad {
  stop(): Promise<BalancedLoadResult>;
  progress(): {ok: number; failed: number};
}

/** URLs of the service's running tasks on their host-mode published `targetPort`. */
export async function runningEndpoints(service: string, targetPort = 8080): Promise<string[]> {
  const tasks = await serviceTasks(service, 'running');
  const urls: string[] = [];
  for (const task of tasks) {
    if (task.Status.State !== 'running') continue;
    const port = task.Status.PortStatus?.Ports?.find((p) => p.TargetPort === targetPort)?.PublishedPort;
    if (port) urls.push(`http://127.0.0.1:${port}/`);
  }
  return urls.sort();
}

function reason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === 'TimeoutError' || error.name === 'AbortError') return 'timeout';
  const cause = (error as {cause?: {code?: string; message?: string}}).cause;
  return cause?.code ?? cause?.message ?? error.message;
}

export function startBalancedLoad(service: string, opts: BalancedLoadOptions = {}): BalancedLoad {
  const intervalMs = opts.intervalMs ?? 50;
  const refreshMs = opts.refreshMs ?? 100;
  const timeoutMs = opts.requestTimeoutMs ?? 2000;
  const port = opts.targetPort ?? 8080;
  const maxDurationMs = opts.maxDurationMs ?? 180_000;
  const started = Date.now();
  let endpoints: string[] = [];
  let stopped = false;
  let ok = 0;
  let failed = 0;
  let retried = 0;
  let next = 0;
  const errors = new Map<string, number>();
  const inFlight = new Set<Promise<void>>();

  const fail = (why: string) => {
    failed += 1;
    errors.set(why, (errors.get(why) ?? 0) + 1);
  };
  const refresh = async () => {
    try {
      endpoints = await runningEndpoints(service, port);
    } catch {
      // keep the previous list: a failed lookup is not a failed request
    }
  };
  /** 'ok', an HTTP failure (no retry), or a connection error (retry elsewhere). */
  const attempt = async (url: string): Promise<{kind: 'ok'} | {kind: 'http' | 'connection'; why: string}> => {
    try {
      const response = await fetch(url, {signal: AbortSignal.timeout(timeoutMs)});
      await response.arrayBuffer();
      return response.ok ? {kind: 'ok'} : {kind: 'http', why: `HTTP ${response.status}`};
    } catch (error) {
      return {kind: 'connection', why: reason(error)};
    }
  };
  const request = async (url: string | undefined) => {
    if (url === undefined) {
      await refresh();
      url = endpoints[0];
      if (url === undefined) return fail('no running task');
    }
    const first = await attempt(url);
    if (first.kind === 'ok') return void (ok += 1);
    if (first.kind === 'http') return fail(first.why);
    await refresh();
    const other = endpoints.find((candidate) => candidate !== url);
    if (other === undefined) return fail(`${first.why}, no other running task`);
    const second = await attempt(other);
    if (second.kind === 'ok') {
      ok += 1;
      retried += 1;
    } else fail(`${first.why}, then ${second.why} on retry`);
  };

  const refresher = (async () => {
    while (!stopped) {
      await refresh();
      await new Promise((resolve) => setTimeout(resolve, refreshMs));
    }
  })();
  const loop = (async () => {
    await refresh();
    while (!stopped && Date.now() - started < maxDurationMs) {
      const url = endpoints.length ? endpoints[next++ % endpoints.length] : undefined;
      const pending = request(url).finally(() => inFlight.delete(pending));
      inFlight.add(pending);
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
    await Promise.all([...inFlight]);
  })();

  return {
    async stop() {
      stopped = true;
      await Promise.all([loop, refresher]);
      return {
        ok,
        failed,
        retried,
        errors: [...errors].map(([why, count]) => `${why} (×${count})`),
        durationMs: Date.now() - started,
      };
    },
    progress: () => ({ok, failed}),
  };
}
