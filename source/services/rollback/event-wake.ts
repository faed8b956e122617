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
import {abortableSleep} from '../../shared/abortable-sleep.js';

/**
 * What a container does that can change its task's state or health. Not exec_*: a health check
 * runs one exec per interval in every container, which would wake the watch all the time.
 */
const CONTAINER_ACTIONS = ['create', 'start', 'restart', 'die', 'kill', 'oom', 'stop', 'destroy', 'health_status'];
const CONTAINER_CHANGES = new RegExp(`^(${CONTAINER_ACTIONS.join('|')})\\b`);

/**
 * What the daemon sends the watch: service events and the container actions above. The daemon
 * leaves the health checks' exec_* events out itself (with health_status among the actions it
 * matches action prefixes, and no action above starts an exec_* one): ten containers checked
 * every 500 ms are 60 such events a second, to every watch of a stack rollback.
 */
export const WAKE_EVENT_FILTERS = {
  type: ['service', 'container'],
  event: [...new Set(['create', 'update', 'remove', ...CONTAINER_ACTIONS])],
};

/** Events about other services and containers arrive too on a busy node: only ours wake. */
export function concernsService(event: DockerEvent, serviceId: string): boolean {
  if (event.Type === 'service') return event.Actor.ID === serviceId;
  if (event.Type === 'container') {
    return (
      event.Actor.Attributes?.['com.docker.swarm.service.id'] === serviceId && CONTAINER_CHANGES.test(event.Action)
    );
  }
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
  // The pause in progress (aborting it ends it), and whether an event came while none was.
  let current: AbortController | null = null;
  let pending = false;
  const wake = () => {
    const pause = current;
    if (!pause) pending = true;
    else setTimeout(() => pause.abort(), COALESCE_MS);
  };
  void (async () => {
    try {
      for await (const event of gateway.events({
        filters: WAKE_EVENT_FILTERS,
        signal: controller.signal,
        maxBackoffMs: 2_000,
      })) {
        if (concernsService(event, serviceId)) wake();
      }
    } catch {
      // No events: the poll interval it is.
    }
  })();
  return {
    async pause(ms, signal) {
      const pause = new AbortController();
      const end = () => pause.abort();
      signal?.addEventListener('abort', end, {once: true});
      current = pause;
      const wait = pending ? Math.min(ms, COALESCE_MS) : ms;
      pending = false;
      await abortableSleep(signal?.aborted ? 0 : wait, pause.signal);
      signal?.removeEventListener('abort', end);
      if (current === pause) current = null;
    },
    stop() {
      controller.abort();
      current?.abort();
    },
  };
}
