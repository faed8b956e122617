/**
 * A unix-socket proxy in front of the Docker socket (test/support/socket-proxy.ts) that counts the Engine API requests going
 * through it (one per HTTP request line, keep-alive connections included) and remembers each
 * request's method, path (query left out) and time. Point a client at it with
 * DOCKER_HOST=unix://<path>.
 */
import {performance} from 'node:perf_hooks';
import {startSocketProxy} from '../test/support/socket-proxy.js';

export interface ProxiedRequest {
  /** performance.now() when the request line arrived. */
  at: number;
  method: string;
  /** Path without the API version prefix and without the query string, IDs replaced by {id}. */
  path: string;
  /** The request target as sent. */
  raw: string;
}

export interface CountingProxy {
  path: string;
  url: string;
  requests: ProxiedRequest[];
  /** Requests since `sinceMs` (performance.now()), grouped as "GET /services" → count. */
  breakdown(sinceMs?: number, untilMs?: number): Map<string, number>;
  close(): Promise<void>;
}

// Unanchored at the start: a request right after a body without a trailing CRLF shares its line.
const REQUEST_LINE = /(GET|POST|PUT|DELETE|HEAD|PATCH) (\/\S*) HTTP\/1\.[01]$/;

/** "/v1.41/containers/abc123/json?x" → "/containers/{id}/json". */
export function normalizePath(raw: string): string {
  const path = raw.split('?')[0]!.replace(/^\/v\d+\.\d+/, '');
  return path
    .replace(/^\/(services|tasks|nodes|containers|images|networks|secrets|configs|distribution)\/[^/]+/, '/$1/{id}')
    .replace(/^\/images\/\{id\}.*\/(json|push|tag)$/, '/images/{id}/$1');
}

export async function startCountingProxy(path: string, target = '/var/run/docker.sock'): Promise<CountingProxy> {
  const requests: ProxiedRequest[] = [];
  const proxy = await startSocketProxy(path, {
    target,
    // Request lines end a CRLF-terminated line of the client's stream; bodies (JSON) never do that.
    onConnection: () => {
      let pending = '';
      return (chunk) => {
        pending += chunk.toString('latin1');
        const lines = pending.split('\r\n');
        pending = lines.pop() ?? '';
        if (pending.length > 8192) pending = pending.slice(-8192);
        for (const line of lines) {
          const match = REQUEST_LINE.exec(line);
          if (match)
            requests.push({at: performance.now(), method: match[1]!, path: normalizePath(match[2]!), raw: match[2]!});
        }
      };
    },
  });
  return {
    path,
    url: proxy.url,
    requests,
    breakdown(sinceMs = 0, untilMs = Infinity) {
      const counts = new Map<string, number>();
      for (const r of requests) {
        if (r.at < sinceMs || r.at > untilMs) continue;
        const key = `${r.method} ${r.path}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      return new Map([...counts].sort((a, b) => b[1] - a[1]));
    },
    close: () => proxy.close(),
  };
}
