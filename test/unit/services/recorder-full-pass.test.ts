/**
 * The recorder's periodic full pass against a fake gateway: it looks again only at services that
 * changed (Swarm's Version.Index moved) since they were last examined, so an idle swarm costs one
 * service list per pass, not requests per service.
 */
import {PassThrough} from 'node:stream';
import {afterEach, describe, expect, it} from 'vitest';
import type {DockerGateway} from '../../../source/docker/gateway.js';
import type {Service} from '../../../source/docker/schemas.js';
import {Recorder} from '../../../source/services/recorder.js';
import {openStore, type Store} from '../../../source/store/index.js';
import {makeTempDir, removeDir} from '../../support/store.js';
import {waitFor} from '../../support/wait.js';

function service(id: string, index: number, env: string): Service {
  return {
    ID: id,
    Version: {Index: index},
    CreatedAt: '2024-01-01T00:00:00Z',
    UpdatedAt: '2024-01-01T00:00:00Z',
    Spec: {
      Name: `svc-${id}`,
      TaskTemplate: {ContainerSpec: {Image: 'app@sha256:' + 'a'.repeat(64), Env: [env]}},
      Mode: {Replicated: {Replicas: 1}},
    },
    UpdateStatus: {State: 'completed', StartedAt: '2024-01-01T00:00:00Z', CompletedAt: '2024-01-01T00:00:01Z'},
  } as unknown as Service;
}

/** Just what the recorder calls, counting the per-service lookups. */
function fakeGateway(services: Map<string, Service>) {
  const calls = {listServices: 0, findService: new Map<string, number>()};
  const gateway = {
    async listServices() {
      calls.listServices += 1;
      return [...services.values()];
    },
    async findService(id: string) {
      calls.findService.set(id, (calls.findService.get(id) ?? 0) + 1);
      return services.get(id) ?? null;
    },
    async listTasks() {
      return [];
    },
    async resolveImage(ref: string) {
      return {ref, pinned: ref, repoDigest: ref, where: 'registry' as const};
    },
    async openEventStream({signal}: {signal: AbortSignal}) {
      const stream = new PassThrough();
      signal.addEventListener('abort', () => stream.destroy(), {once: true});
      return stream;
    },
  };
  return {gateway: gateway as unknown as DockerGateway, calls};
}

let dir: string | null = null;
let store: Store | null = null;
afterEach(() => {
  store?.close();
  if (dir) removeDir(dir);
  store = null;
  dir = null;
});

describe('the recorder full pass', () => {
  it('examines again only the service whose Version.Index changed, and records its new spec', async () => {
    dir = makeTempDir('dokroll-recorder-');
    store = await openStore({url: `${dir}/history.db`, env: {}});
    const services = new Map([
      ['a', service('a', 10, 'A=1')],
      ['b', service('b', 11, 'B=1')],
    ]);
    const {gateway, calls} = fakeGateway(services);
    const recorder = new Recorder(gateway, store, {tickMs: 5, fullPassMs: 0});
    const controller = new AbortController();
    const running = recorder.run(controller.signal);
    try {
      await waitFor(() => calls.listServices >= 5, {what: 'several full passes', intervalMs: 5});
      expect(calls.findService.get('a')).toBe(1);
      expect(calls.findService.get('b')).toBe(1);
      expect((await store.versions.list('svc-a')).map((v) => v.number)).toEqual([1]);

      services.set('a', service('a', 20, 'A=2'));
      const passes = calls.listServices;
      await waitFor(() => calls.listServices >= passes + 5, {what: 'more full passes', intervalMs: 5});
      expect(calls.findService.get('a')).toBe(2);
      expect(calls.findService.get('b')).toBe(1);
      expect((await store.versions.list('svc-a')).map((v) => v.number)).toEqual([2, 1]);
    } finally {
      controller.abort();
      await running;
    }
  });
});
