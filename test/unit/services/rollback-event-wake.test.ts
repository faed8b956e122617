/**
 * The rollout watch's wake-up: an event about the watched service (its own, or one of its
 * containers') ends the pause within a few milliseconds; anything else, or a broken event stream,
 * leaves the poll interval as it was.
 */
import {describe, expect, it} from 'vitest';
import type {DockerEvent} from '../../../source/docker/schemas.js';
import {concernsService, startEventWake} from '../../../source/services/rollback/event-wake.js';

function event(
  Type: string,
  ID: string,
  serviceId?: string,
  Action = Type === 'service' ? 'update' : 'health_status: healthy',
): DockerEvent {
  return {
    Type,
    Action,
    Actor: {ID, Attributes: serviceId ? {'com.docker.swarm.service.id': serviceId} : {}},
    time: 0,
    timeNano: 0,
  };
}

/** A gateway whose event stream the test feeds. */
function feed() {
  const queue: DockerEvent[] = [];
  let notify: (() => void) | null = null;
  let fail: Error | null = null;
  const gateway = {
    events({signal}: {signal: AbortSignal}): AsyncIterable<DockerEvent> {
      return (async function* () {
        while (!signal.aborted) {
          if (fail) throw fail;
          const next = queue.shift();
          if (next) yield next;
          else
            await new Promise<void>((resolve) => {
              notify = resolve;
              signal.addEventListener('abort', () => resolve(), {once: true});
            });
        }
      })();
    },
  };
  return {
    gateway: gateway as never,
    push(e: DockerEvent) {
      queue.push(e);
      notify?.();
    },
    break(error: Error) {
      fail = error;
      notify?.();
    },
  };
}

const timed = async (work: Promise<void>) => {
  const started = performance.now();
  await work;
  return performance.now() - started;
};

describe('concernsService', () => {
  it('matches the service itself and its containers only', () => {
    expect(concernsService(event('service', 'svc1'), 'svc1')).toBe(true);
    expect(concernsService(event('service', 'svc2'), 'svc1')).toBe(false);
    expect(concernsService(event('container', 'c1', 'svc1'), 'svc1')).toBe(true);
    expect(concernsService(event('container', 'c2', 'svc2'), 'svc1')).toBe(false);
    expect(concernsService(event('network', 'svc1'), 'svc1')).toBe(false);
  });

  it("ignores a container's health-check execs, which come every interval, but not its start, death or health", () => {
    for (const action of ['start', 'die', 'kill', 'destroy', 'health_status: unhealthy']) {
      expect(concernsService(event('container', 'c1', 'svc1', action), 'svc1')).toBe(true);
    }
    for (const action of [
      'exec_create: /bin/sh -c wget -q -O- http://127.0.0.1:8080/health',
      'exec_start: /bin/sh',
      'exec_die',
      'attach',
      'top',
    ]) {
      expect(concernsService(event('container', 'c1', 'svc1', action), 'svc1')).toBe(false);
    }
  });
});

describe('startEventWake', () => {
  it('ends a pause shortly after an event about the service, not after the full interval', async () => {
    const {gateway, push} = feed();
    const wake = startEventWake(gateway, 'svc1');
    try {
      const pausing = wake.pause(2_000);
      setTimeout(() => push(event('service', 'svc1')), 30);
      expect(await timed(pausing)).toBeLessThan(1_000);
    } finally {
      wake.stop();
    }
  });

  it('ignores events about other services', async () => {
    const {gateway, push} = feed();
    const wake = startEventWake(gateway, 'svc1');
    try {
      const pausing = wake.pause(300);
      setTimeout(() => push(event('service', 'other')), 10);
      setTimeout(() => push(event('container', 'c9', 'other')), 20);
      expect(await timed(pausing)).toBeGreaterThanOrEqual(290);
    } finally {
      wake.stop();
    }
  });

  it('remembers an event that came between two pauses: the next one is short', async () => {
    const {gateway, push} = feed();
    const wake = startEventWake(gateway, 'svc1');
    try {
      push(event('container', 'c1', 'svc1'));
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(await timed(wake.pause(2_000))).toBeLessThan(1_000);
      expect(await timed(wake.pause(200))).toBeGreaterThanOrEqual(190);
    } finally {
      wake.stop();
    }
  });

  it('keeps the poll interval when the event stream fails', async () => {
    const {gateway, break: breakStream} = feed();
    const wake = startEventWake(gateway, 'svc1');
    try {
      breakStream(new Error('permission denied'));
      expect(await timed(wake.pause(200))).toBeGreaterThanOrEqual(190);
    } finally {
      wake.stop();
    }
  });

  it('stop() ends a pause in progress', async () => {
    const {gateway} = feed();
    const wake = startEventWake(gateway, 'svc1');
    const pausing = wake.pause(5_000);
    setTimeout(() => wake.stop(), 20);
    expect(await timed(pausing)).toBeLessThan(1_000);
  });
});
