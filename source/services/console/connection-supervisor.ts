/**
 * Keeps the console connected: opens a gateway through the factory, checks it is a swarm manager,
 * runs a session on it until the session reports the connection lost (or the console closes), then
 * starts over with backoff. Nothing here throws to the caller; every failure becomes a status.
 */
import {errorText} from '../../shared/errors.js';
import {DaemonUnreachableError, NotSwarmManagerError} from '../../docker/errors.js';
import type {DockerGateway, SwarmInfo} from '../../docker/gateway.js';
import {abortableSleep} from '../../shared/abortable-sleep.js';

export type GatewayFactory = () => Promise<DockerGateway>;

export type SupervisorStatus =
  {status: 'connected'; gateway: DockerGateway; info: SwarmInfo} | {status: 'lost'; error: string};

export interface SessionContext {
  gateway: DockerGateway;
  info: SwarmInfo;
  /** Aborted when the session ends (connection lost or console closed). */
  signal: AbortSignal;
  /** The session's loops call this when the daemon no longer answers. */
  lost(error: unknown): void;
}

export interface SupervisorOptions {
  factory: GatewayFactory;
  onStatus(status: SupervisorStatus): void;
  /** Starts the session's loops; they must end when ctx.signal aborts. */
  startSession(ctx: SessionContext): void;
  /** First retry delay (default 500 ms), doubled per failure up to maxBackoffMs (default 5 s). */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
}

/** Errors that mean the daemon is gone (or no longer a manager): the session ends, reconnection starts. */
export function isConnectionLoss(error: unknown): boolean {
  return error instanceof DaemonUnreachableError || error instanceof NotSwarmManagerError;
}

/** Runs until `signal` aborts. */
export async function superviseConnection(opts: SupervisorOptions, signal: AbortSignal): Promise<void> {
  const initial = opts.initialBackoffMs ?? 500;
  const max = opts.maxBackoffMs ?? 5_000;
  let delay = initial;
  while (!signal.aborted) {
    let gateway: DockerGateway | undefined;
    let info: SwarmInfo;
    try {
      gateway = await opts.factory();
      info = await gateway.assertManager();
    } catch (error) {
      gateway?.close();
      if (signal.aborted) return;
      opts.onStatus({status: 'lost', error: errorText(error)});
      await abortableSleep(delay, signal);
      delay = Math.min(delay * 2, max);
      continue;
    }
    if (signal.aborted) {
      gateway.close();
      return;
    }
    delay = initial;
    const lostError = await runSession(opts, gateway, info, signal);
    gateway.close();
    if (lostError === null) return;
    opts.onStatus({status: 'lost', error: lostError});
    await abortableSleep(delay, signal);
  }
}

/** Resolves with the reason the connection was lost, or null when the console closed. */
function runSession(
  opts: SupervisorOptions,
  gateway: DockerGateway,
  info: SwarmInfo,
  signal: AbortSignal,
): Promise<string | null> {
  const session = new AbortController();
  return new Promise<string | null>((resolve) => {
    const finish = (reason: string | null) => {
      signal.removeEventListener('abort', onAbort);
      if (!session.signal.aborted) session.abort();
      resolve(reason);
    };
    const onAbort = () => finish(null);
    signal.addEventListener('abort', onAbort, {once: true});
    opts.onStatus({status: 'connected', gateway, info});
    try {
      opts.startSession({
        gateway,
        info,
        signal: session.signal,
        lost: (error) => {
          if (!session.signal.aborted) finish(errorText(error));
        },
      });
    } catch (error) {
      finish(errorText(error));
    }
  });
}
