/**
 * Errors the Docker gateway throws, and the one place that turns dockerode / docker-modem / ssh2
 * failures into them. Every message is one line meant for the operator.
 */
import {DokrollError, EXIT} from '../shared/errors.js';
import {PayloadError} from './schemas.js';

const HOST_HINT = '(set DOCKER_HOST or --host)';

export class DaemonUnreachableError extends DokrollError {
  constructor(
    readonly endpoint: string,
    readonly causeText: string,
    hint = `is dockerd running? ${HOST_HINT}`,
  ) {
    super(`cannot reach the Docker daemon at ${endpoint}: ${causeText} — ${hint}`, EXIT.failed, 'daemon-unreachable');
  }
}

export class NotSwarmManagerError extends DokrollError {
  constructor(
    readonly endpoint: string,
    readonly nodeState: string,
  ) {
    super(
      `the Docker daemon at ${endpoint} is not a swarm manager (node state: ${nodeState}) — run on a manager node`,
      EXIT.failed,
      'not-swarm-manager',
    );
  }
}

export class ServiceNotFoundError extends DokrollError {
  constructor(readonly service: string) {
    super(`unknown service '${service}'`, EXIT.badInput, 'service-not-found');
  }
}

export class UpdateOutOfSequenceError extends DokrollError {
  constructor(readonly service: string | undefined) {
    super(
      `service${service ? ` '${service}'` : ''} was changed by someone else while we were updating it ` +
        '(update out of sequence) — inspect it again and retry',
      EXIT.conflict,
      'update-out-of-sequence',
    );
  }
}

/** HTTP 409 from the daemon, e.g. a service name that is already taken. */
export class DockerConflictError extends DokrollError {
  constructor(readonly daemonMessage: string) {
    super(`conflict reported by the Docker daemon: ${daemonMessage}`, EXIT.conflict, 'docker-conflict');
  }
}

/** Any other HTTP error from the daemon; keeps the status so callers can branch on it. */
export class DockerApiError extends DokrollError {
  constructor(
    readonly statusCode: number,
    readonly daemonMessage: string,
    readonly endpoint: string,
  ) {
    super(`the Docker daemon at ${endpoint} answered HTTP ${statusCode}: ${daemonMessage}`, EXIT.failed, 'docker-api');
  }
}

/** Socket-level failures that mean "the daemon is not reachable there" (TLS failures: see below). */
const UNREACHABLE_CODES = new Set([
  'ENOENT',
  'ECONNREFUSED',
  'EACCES',
  'EPERM',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNRESET',
  'EPIPE',
  'ENOTSOCK',
  'ECONNABORTED',
]);

export interface ErrorContext {
  /** The service the request was about, for not-found and out-of-sequence messages. */
  service?: string;
}

type LooseError = Error & {code?: unknown; level?: unknown; statusCode?: unknown; json?: unknown};

/** One line, no trailing blanks, bounded length. */
export function oneLine(text: string, max = 300): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** The daemon's own message from a docker-modem HTTP error (`{"message": …}` body). */
export function daemonMessage(err: LooseError): string {
  const json = err.json;
  if (json && typeof json === 'object' && typeof (json as {message?: unknown}).message === 'string') {
    return oneLine((json as {message: string}).message);
  }
  if (typeof json === 'string' && json.trim()) return oneLine(json);
  if (Buffer.isBuffer(json) && json.length) return oneLine(json.toString('utf8'));
  // docker-modem's own text: "(HTTP code 404) no such service - service x not found "
  return oneLine(err.message.replace(/^\(HTTP code \d+\)\s*[^-]*-\s*/, ''));
}

function unreachableHint(err: LooseError, endpoint: string): string | undefined {
  const code = typeof err.code === 'string' ? err.code : undefined;
  const level = typeof err.level === 'string' ? err.level : undefined;
  if (level === 'client-authentication') {
    return 'ssh authentication failed: load your key into ssh-agent (SSH_AUTH_SOCK) or set DOKROLL_SSH_KEY';
  }
  if (level === 'host-key') return 'refusing to connect to an unverified ssh host';
  if (level === 'dial-stdio') return 'is the docker CLI installed and allowed to reach dockerd on the remote host?';
  if (level !== undefined) return `is sshd reachable there? ${HOST_HINT}`;
  const tls = code !== undefined && /^ERR_(SSL|TLS)_|CERT|^EPROTO$/.test(code);
  if (code === undefined || (!UNREACHABLE_CODES.has(code) && !tls)) return undefined;
  if (code === 'EACCES' || code === 'EPERM') {
    return 'permission denied on the Docker socket: run as root or as a member of the docker group';
  }
  if (tls) {
    return 'TLS handshake failed: check DOCKER_CERT_PATH and DOCKER_TLS_VERIFY';
  }
  if (endpoint.startsWith('unix://')) return `is dockerd running? ${HOST_HINT}`;
  return `is dockerd listening there? ${HOST_HINT}`;
}

function nodeStateFrom(message: string): string {
  if (/swarm init|swarm join/i.test(message)) return 'inactive';
  if (/worker/i.test(message)) return 'worker';
  return 'unknown';
}

export function isAbortError(err: unknown): boolean {
  return err instanceof Error && (err.name === 'AbortError' || (err as LooseError).code === 'ABORT_ERR');
}

/**
 * Maps a failure from dockerode, docker-modem or the ssh transport to a gateway error. Errors that
 * are already ours (DokrollError, PayloadError) and aborts are returned unchanged; anything not
 * recognised is returned unchanged too (it is a bug, and should surface as one).
 */
export function toGatewayError(err: unknown, endpoint: string, context: ErrorContext = {}): Error {
  if (!(err instanceof Error)) return new Error(String(err));
  if (err instanceof DokrollError || err instanceof PayloadError || isAbortError(err)) return err;
  const e = err as LooseError;

  if (typeof e.statusCode === 'number') {
    const status = e.statusCode;
    const message = daemonMessage(e);
    if (/update out of sequence/i.test(message)) return new UpdateOutOfSequenceError(context.service);
    if (status === 503 || /not a swarm manager/i.test(message)) {
      return new NotSwarmManagerError(endpoint, nodeStateFrom(message));
    }
    const missingService = /^service (.+) not found$/i.exec(message)?.[1];
    if (status === 404 && missingService !== undefined) {
      return new ServiceNotFoundError(context.service ?? missingService);
    }
    if (status === 409) return new DockerConflictError(message);
    return new DockerApiError(status, message, endpoint);
  }

  const hint = unreachableHint(e, endpoint);
  if (hint !== undefined) return new DaemonUnreachableError(endpoint, oneLine(e.message), hint);
  return err;
}
