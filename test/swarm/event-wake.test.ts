/**
 * The rollout watch's wake-up against the real daemon: the events a rolling update makes (the
 * service's own, and its containers', by the label Swarm puts on them) end the watch's pause long
 * before its poll interval; another service's update does not, and neither do the health-check
 * execs every container with a health check runs (here every 250 ms): the daemon itself leaves
 * those out of what it sends the watch.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {connect, type DockerGateway} from '../../source/docker/gateway.js';
import type {DockerEvent} from '../../source/docker/schemas.js';
import {startEventWake, WAKE_EVENT_FILTERS} from '../../source/services/rollback/event-wake.js';
import {createTestService, dockerOk, testbed} from '../support/swarm.js';
import {waitFor} from '../support/wait.js';

let gateway: DockerGateway;
beforeAll(async () => {
  gateway = await connect({host: `unix://${testbed.socketPath}`, env: {}});
});
afterAll(() => gateway?.close());

const LONG_PAUSE_MS = 15_000;

async function pauseDuring(
  wake: ReturnType<typeof startEventWake>,
  change: () => Promise<unknown>,
  ms = LONG_PAUSE_MS,
): Promise<number> {
  const started = Date.now();
  const pausing = wake.pause(ms);
  await change();
  await pausing;
  return Date.now() - started;
}

describe('rollout watch wake-up on the local swarm', () => {
  it("wakes on an update of the watched service, not on another service's or on health-check execs", async () => {
    const [watched, other] = await Promise.all([
      createTestService({prefix: 'wake', env: {APP_MESSAGE: 'one'}, wait: true}),
      createTestService({prefix: 'wake-other', env: {APP_MESSAGE: 'one'}, wait: true}),
    ]);
    const wake = startEventWake(gateway, watched.id);
    // What the daemon sends a watch, seen beside it.
    const sent: DockerEvent[] = [];
    const stream = new AbortController();
    void (async () => {
      for await (const event of gateway.events({filters: WAKE_EVENT_FILTERS, signal: stream.signal})) sent.push(event);
    })().catch(() => undefined);
    try {
      // Let the event stream connect, and let a pause take whatever the start-up left pending.
      await new Promise((resolve) => setTimeout(resolve, 500));
      await wake.pause(100);
      const quiet = await pauseDuring(
        wake,
        () => dockerOk(['service', 'update', '--quiet', '--detach', '--env-add', 'APP_MESSAGE=two', other.name]),
        1_500,
      );
      expect(quiet).toBeGreaterThanOrEqual(1_450);

      const woken = await pauseDuring(wake, () =>
        dockerOk(['service', 'update', '--quiet', '--detach', '--env-add', 'APP_MESSAGE=two', watched.name]),
      );
      expect(woken).toBeLessThan(LONG_PAUSE_MS / 3);
      const ours = (event: DockerEvent) =>
        event.Actor.ID === watched.id || event.Actor.Attributes?.['com.docker.swarm.service.id'] === watched.id;
      await waitFor(() => sent.some((e) => e.Type === 'container' && ours(e) && e.Action.startsWith('health_status')), {
        timeoutMs: 15_000,
        what: "the watched service's new container's health status",
      });
      expect(sent.some((e) => e.Type === 'service' && e.Action === 'update' && ours(e))).toBe(true);
      // Both services' containers ran their health checks meanwhile: not one of those execs was sent.
      expect(sent.filter((e) => e.Action.startsWith('exec_')).map((e) => e.Action)).toEqual([]);
    } finally {
      stream.abort();
      wake.stop();
    }
  }, 60_000);
});
