/**
 * One HTTP request to a registry's API, over node:http or node:https (so that TLS verification can
 * be turned off for an `insecure: true` registry without touching the process's global agent).
 * Bodies are capped; headers are never logged (they carry credentials).
 */
import http from 'node:http';
import https from 'node:https';
import {DokrollError, EXIT} from '../../shared/errors.js';

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface HttpOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  tlsVerify?: boolean;
  timeoutMs?: number;
}

const MAX_BODY = 1024 * 1024;
export const DEFAULT_REGISTRY_TIMEOUT_MS = 10_000;

/** The registry could not be reached or answered something unusable. Exit 1: retrying may help. */
export class RegistryApiError extends DokrollError {
  constructor(
    message: string,
    readonly status: number | null = null,
  ) {
    super(message, EXIT.failed, 'registry-api');
  }
}

export function httpRequest(url: string, opts: HttpOptions = {}): Promise<HttpResponse> {
  const target = new URL(url);
  const client = target.protocol === 'https:' ? https : http;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_REGISTRY_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    const request = client.request(
      target,
      {
        method: opts.method ?? 'GET',
        headers: {'User-Agent': 'dokroll-tui', ...opts.headers},
        ...(target.protocol === 'https:' ? {rejectUnauthorized: opts.tlsVerify ?? true} : {}),
        timeout: timeoutMs,
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= MAX_BODY) chunks.push(chunk);
        });
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no answer within ${Math.round(timeoutMs / 1000)} s`)));
    request.on('error', reject);
    request.end(opts.body);
  });
}

/** `Bearer realm="https://auth.example/token",service="registry",scope="…"` → scheme and parameters. */
export function parseChallenge(header: string | undefined): {scheme: string; params: Record<string, string>} | null {
  if (!header) return null;
  const match = /^\s*(\w+)\s*(.*)$/s.exec(header);
  if (!match) return null;
  const params: Record<string, string> = {};
  for (const part of match[2]!.matchAll(/(\w+)\s*=\s*(?:"([^"]*)"|([^,\s]*))/g)) {
    params[part[1]!.toLowerCase()] = part[2] ?? part[3] ?? '';
  }
  return {scheme: match[1]!.toLowerCase(), params};
}

/** A one-line reason for a failed request, naming the registry. */
const CODE_WORDS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  ETIMEDOUT: 'timed out',
  EHOSTUNREACH: 'host unreachable',
};

export function unreachable(host: string, error: unknown): RegistryApiError {
  const err = error as NodeJS.ErrnoException;
  const words = err.code ? CODE_WORDS[err.code] : undefined;
  const reason = words ? `${words} (${err.code})` : (err.message ?? String(error));
  return new RegistryApiError(`cannot reach registry ${host}: ${reason}`);
}

/** The registry's own error message from a JSON error body (`{"errors":[{"message":…}]}`), if any. */
export function registryMessage(body: string): string | null {
  try {
    const parsed = JSON.parse(body) as {errors?: {code?: string; message?: string}[]};
    const first = parsed.errors?.[0];
    if (!first) return null;
    return [first.code, first.message].filter(Boolean).join(': ') || null;
  } catch {
    return null;
  }
}
