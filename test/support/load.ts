/**
 * A bounded HTTP request loop against loopback URLs, for zero-downtime checks: one request every
 * intervalMs, round-robin over the URLs, until stop() or a hard cap on count and time.
 */

export type UrlSource = string | string[] | (() => string[] | Promise<string[]>);

export interface LoadOptions {
  /** Pause between request starts (default 50 ms). */
  intervalMs?: number;
  /** Per-request timeout (default 2 s). */
  requestTimeoutMs?: number;
  /** Hard cap on requests (default 10 000). */
  maxRequests?: number;
  /** Hard cap on run time (default 5 minutes, never more). */
  maxDurationMs?: number;
  /** With a function source: how often to ask it for the current URLs (default 250 ms). */
  refreshMs?: number;
}

export interface LoadResult {
  ok: number;
  failed: number;
  /** Distinct failure descriptions with counts, e.g. "http://127.0.0.1:3012: ECONNRESET (×3)". */
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

function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as {cause?: {code?: string; message?: string}}).cause;
  if (error.name === 'TimeoutError' || error.name === 'AbortError') return 'timeout';
  return cause?.code ?? cause?.message ?? error.message;
}

export function startLoad(source: UrlSource, opts: LoadOptions = {}): LoadRun {
  const intervalMs = opts.intervalMs ?? 50;
  const requestTimeoutMs = opts.requestTimeoutMs ?? 2000;
  const maxRequests = opts.maxRequests ?? 10_000;
  const maxDurationMs = Math.min(opts.maxDurationMs ?? HARD_CAP_MS, HARD_CAP_MS);
  const refreshMs = opts.refreshMs ?? 250;

  let urls: string[] = typeof source === 'function' ? [] : [source].flat();
  urls.forEach(assertLoopback);
  let lastRefresh = 0;
  let ok = 0;
  let failed = 0;
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
    if (typeof source !== 'function' || Date.now() - lastRefresh < refreshMs) return;
    lastRefresh = Date.now();
    try {
      const next = await source();
      next.forEach(assertLoopback);
      urls = next;
    } catch (error) {
      if (String(error).includes('loopback')) throw error;
      // keep the previous URLs; a failed lookup is not a failed request
    }
  };

  const request = async (url: string): Promise<void> => {
    try {
      const response = await fetch(url, {signal: AbortSignal.timeout(requestTimeoutMs)});
      await response.arrayBuffer();
      if (response.ok) ok += 1;
      else fail(`${url}: HTTP ${response.status}`);
    } catch (error) {
      fail(`${url}: ${errorText(error)}`);
    }
  };

  const loop = (async () => {
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
      await refresh();
      if (urls.length === 0) fail('no URL to request');
      else {
        const url = urls[next % urls.length];
        next += 1;
        const pending = request(url).finally(() => inFlight.delete(pending));
        inFlight.add(pending);
      }
      sent += 1;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
    await Promise.all([...inFlight]);
  })();
  loop.catch(() => undefined); // surfaced by stop()

  return {
    async stop() {
      stopped = true;
      await loop;
      return {
        ok,
        failed,
        errors: [...errorCounts].map(([what, count]) => (count > 1 ? `${what} (×${count})` : what)),
        durationMs: Date.now() - started,
        endedBy,
      };
    },
    progress: () => ({ok, failed}),
  };
}
