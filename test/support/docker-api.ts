/**
 * Minimal read-only Docker Engine API client over the local socket, for fast polling in tests
 * (a CLI call costs ~50 ms of CPU; this costs ~1 ms). Independent of the product's gateway on purpose.
 */
import http from 'node:http';

export const DOCKER_SOCKET = '/var/run/docker.sock';
const API_VERSION = 'v1.41';

export class DockerApiError extends Error {
  constructor(
    message: string,
    readonly statusCode: number,
  ) {
    super(message);
  }
}

/** GET /v1.41{path} and parse the JSON answer. Throws DockerApiError for non-2xx answers. */
export function dockerApiGet<T = unknown>(path: string, timeoutMs = 10_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const request = http.get(
      {socketPath: DOCKER_SOCKET, path: `/${API_VERSION}${path}`, timeout: timeoutMs},
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          const status = response.statusCode ?? 0;
          if (status < 200 || status >= 300) {
            let message = body.trim();
            try {
              message = (JSON.parse(body) as {message?: string}).message ?? message;
            } catch {
              // keep the raw body
            }
            reject(new DockerApiError(`GET ${path}: HTTP ${status}: ${message}`, status));
            return;
          }
          try {
            resolve(JSON.parse(body) as T);
          } catch (error) {
            reject(error);
          }
        });
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error(`GET ${path}: timed out after ${timeoutMs} ms`)));
    request.on('error', reject);
  });
}

/** `?filters=` query string for the Engine API. */
export function filtersQuery(filters: Record<string, string[]>): string {
  return `filters=${encodeURIComponent(JSON.stringify(filters))}`;
}

export interface ApiTask {
  ID: string;
  ServiceID: string;
  Slot?: number;
  NodeID?: string;
  DesiredState: string;
  CreatedAt: string;
  Status: {
    State: string;
    Message?: string;
    Err?: string;
    ContainerStatus?: {ContainerID?: string; ExitCode?: number};
    PortStatus?: {Ports?: {TargetPort: number; PublishedPort?: number; Protocol?: string; PublishMode?: string}[]};
  };
}

export interface ApiService {
  ID: string;
  CreatedAt: string;
  Version: {Index: number};
  Spec: {
    Name: string;
    Labels?: Record<string, string>;
    Mode: {Replicated?: {Replicas?: number}; Global?: object};
  };
  UpdateStatus?: {State?: string; StartedAt?: string; CompletedAt?: string; Message?: string} | null;
}

/** Tasks of one service (404 from the daemon for an unknown service becomes an empty list). */
export async function serviceTasks(service: string, desiredState?: string): Promise<ApiTask[]> {
  const filters: Record<string, string[]> = {service: [service]};
  if (desiredState) filters['desired-state'] = [desiredState];
  try {
    return await dockerApiGet<ApiTask[]>(`/tasks?${filtersQuery(filters)}`);
  } catch (error) {
    if (error instanceof DockerApiError && error.statusCode === 404) return [];
    throw error;
  }
}

/** Service by ID or name, or null when it does not exist. */
export async function inspectServiceOrNull(idOrName: string): Promise<ApiService | null> {
  try {
    return await dockerApiGet<ApiService>(`/services/${encodeURIComponent(idOrName)}`);
  } catch (error) {
    if (error instanceof DockerApiError && error.statusCode === 404) return null;
    throw error;
  }
}
