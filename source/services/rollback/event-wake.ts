/**
 * Wakes a rollout watch as soon as the daemon reports something about the service: a service
 * event (Swarm changed its UpdateStatus: updating, completed, paused…) or an event of one of its
 * containers on the connected node (start, health status, die). Tasks themselves emit no events,
 * so the watch still polls; this only cuts the wait short, so "completed" is seen within
 * milliseconds instead of up to a poll interval later. If the event stream fails, the watch simply
 * keeps its poll interval.
 */
import type {DockerGateway} from '../../docker/gateway.js';
import type {DockerEvent} from '../../docker/schemas.js';

/** Events about other services and containers arrive too on a busy node: only ours wake. */
export function concernsService(event: DockerEvent, serviceId: string): boolean {
  if (event.Type === 'service') return event.Actor.ID === serviceId;
  if (event.Type === 'container') return event.Actor.Attributes?.['com.docker.swarm.service.id'] === serviceId;
  return false;
}

export interface EventWake {
  /** Resolves after `ms`, at once when the signal aborts, or shortly after an event about the service. */
  pause(ms: number, signal?: AbortSignal): Promise<void>;
  stop(): void;
}

/** Events within this long of each other wake the watch once (a rolling slot emits several). */
const COALESCE_MS = 20;

export function startEventWake(gateway: Pick<DockerGateway, 'events'>, serviceId: string): EventWake {
  const controller = new AbortController();
  // What an event does now: wake the pause in progress, or make the next pause short.
  const state: {wake: (() => void) | null; pending: boolean} = {wake: null, pending: false};
  void (async () => {
    try {
      for await (const event of gateway.events({
        filters: {type: ['service', 'container']},
        signal: controller.signal,
        maxBackoffMs: 2_000,
      })) {
        if (!concernsService(event, serviceId)) continue;
        if (state.wake) state.wake();
        else state.pending = true;
      }
    } catch {
      // No events: the poll interval it is.
    }
  })();
  return {
    pause(ms, signal) {
      return new Promise((resolve) => {
        if (signal?.aborted) return resolve();
        let timer: NodeJS.Timeout;
        const done = () => {
          clearTimeout(timer);
          state.wake = null;
          signal?.removeEventListener('abort', done);
          resolve();
        };
        timer = setTimeout(done, state.pending ? Math.min(ms, COALESCE_MS) : ms);
        state.pending = false;
        state.wake = () => {
          clearTimeout(timer);
          state.wake = null;
          timer = setTimeout(done, COALESCE_MS);
        };
        signal?.addEventListener('abort', done, {once: true});
      });
    },
    stop() {
      controller.abort();
      state.wake?.();
    },
  };
}
