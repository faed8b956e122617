/**
 * The recorder's stability window measures the version it judges: a deployment made with the docker
 * CLI is recorded, and when it is found good its mean CPU %, memory per task and restarts are stored
 * with that health, for history to compare with the next version.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {DockerGateway} from '../../source/docker/gateway.js';
import {Recorder} from '../../source/services/recorder.js';
import type {Store} from '../../source/store/index.js';
import {openHistoryBed, type HistoryBed} from '../support/history-bed.js';
import {createTestService, dockerOk, waitFor} from '../support/swarm.js';

let bed: HistoryBed;
let gateway: DockerGateway;
let store: Store;

beforeAll(async () => {
  bed = await openHistoryBed('rec-metrics');
  ({gateway, store} = bed);
});
afterAll(() => bed?.close());

describe('metrics recorded by the stability window', () => {
  it('stores mean CPU %, memory per task and restarts with the health of each version it judges', async () => {
    const svc = await createTestService({
      prefix: 'rec-metrics',
      replicas: 2,
      health: false,
      publish: false,
      wait: true,
    });
    const stop = new AbortController();
    const recorder = new Recorder(gateway, store, {
      stabilityWindowMs: 3_000,
      tickMs: 200,
      include: (name) => name === svc.name,
      log: () => undefined,
    });
    const run = recorder.run(stop.signal);
    try {
      const judged = (n: number) =>
        waitFor(
          async () => {
            const row = await store.versions.get(svc.name, n);
            return row && row.health !== 'pending' ? row : null;
          },
          {timeoutMs: 60_000, intervalMs: 200, what: `v${n} judged`},
        );
      const v1 = await judged(1);
      expect(v1.health).toBe('good');
      expect(v1.metrics?.restarts).toBe(0);
      expect(v1.metrics?.samples).toBeGreaterThan(2);
      expect(v1.metrics?.memoryBytes).toBeGreaterThan(100_000);
      expect(v1.metrics?.cpuPercent).toBeGreaterThanOrEqual(0);

      await dockerOk(['service', 'update', '--quiet', '--detach=false', '--env-add', 'NEXT=two', svc.name]);
      const v2 = await judged(2);
      expect(v2.health).toBe('good');
      expect(v2.metrics?.memoryBytes).toBeGreaterThan(100_000);
    } finally {
      stop.abort();
      await run;
    }
  }, 120_000);
});
