/**
 * The console's live-version lookups: an idle overview must not query the history for every
 * service on every refresh, yet a version recorded by another process sharing the history shows
 * up within the cache's lifetime, and anything recorded, deleted or changed here shows at once.
 */
import {describe, expect, it} from 'vitest';
import type {DockerGateway} from '../../../../source/docker/gateway.js';
import type {Service} from '../../../../source/docker/schemas.js';
import {LIVE_VERSION_TTL_MS, VersionCatalog} from '../../../../source/services/console/version-catalog.js';
import type {Store, VersionRow} from '../../../../source/store/index.js';

function service(name: string, index: number): Service {
  return {
    ID: `id-${name}`,
    Version: {Index: index},
    Spec: {Name: name, TaskTemplate: {ContainerSpec: {Image: 'app:1'}}, Mode: {Replicated: {Replicas: 1}}},
  } as unknown as Service;
}

const gateway = {
  async resolveImage(ref: string) {
    return {ref, imageId: 'sha256:' + 'b'.repeat(64), pinned: 'sha256:' + 'b'.repeat(64), where: 'local'};
  },
} as unknown as DockerGateway;

function fakeStore() {
  const rows = new Map<string, VersionRow>();
  const lookups: string[] = [];
  const store = {
    versions: {
      async findByHash(name: string) {
        lookups.push(name);
        return rows.get(name) ?? null;
      },
    },
  } as unknown as Store;
  return {store, rows, lookups};
}

describe('VersionCatalog.liveVersion', () => {
  it('looks each service up once per Version.Index while nothing changes', async () => {
    const {store, rows, lookups} = fakeStore();
    rows.set('web', {number: 3} as VersionRow);
    let now = 1_000;
    const catalog = new VersionCatalog(store, () => now);
    for (let tick = 0; tick < 10; tick++) {
      expect((await catalog.liveVersion(gateway, service('web', 7)))?.number).toBe(3);
      now += 2_000;
    }
    expect(lookups).toEqual(['web']);
    // A new spec (Version.Index moved) is looked up at once.
    await catalog.liveVersion(gateway, service('web', 8));
    expect(lookups).toEqual(['web', 'web']);
  });

  it('sees a version another process recorded once the not-found answer expires', async () => {
    const {store, rows, lookups} = fakeStore();
    let now = 0;
    const catalog = new VersionCatalog(store, () => now);
    expect(await catalog.liveVersion(gateway, service('api', 5))).toBeNull();
    rows.set('api', {number: 1} as VersionRow);
    now += LIVE_VERSION_TTL_MS.notFound - 1;
    expect(await catalog.liveVersion(gateway, service('api', 5))).toBeNull();
    now += 2;
    expect((await catalog.liveVersion(gateway, service('api', 5)))?.number).toBe(1);
    expect(lookups).toHaveLength(2);
  });

  it('forgets a service at once when told its history changed', async () => {
    const {store, rows} = fakeStore();
    const catalog = new VersionCatalog(store, () => 0);
    rows.set('db', {number: 1} as VersionRow);
    expect((await catalog.liveVersion(gateway, service('db', 2)))?.number).toBe(1);
    rows.set('db', {number: 2} as VersionRow);
    expect((await catalog.liveVersion(gateway, service('db', 2)))?.number).toBe(1);
    catalog.historyChanged('db');
    expect((await catalog.liveVersion(gateway, service('db', 2)))?.number).toBe(2);
    rows.set('db', {number: 4} as VersionRow);
    catalog.historyChanged();
    expect((await catalog.liveVersion(gateway, service('db', 2)))?.number).toBe(4);
  });

  it('does not keep a failed lookup', async () => {
    let fail = true;
    const store = {
      versions: {
        async findByHash() {
          if (fail) throw new Error('database is locked');
          return {number: 9} as VersionRow;
        },
      },
    } as unknown as Store;
    const catalog = new VersionCatalog(store, () => 0);
    await expect(catalog.liveVersion(gateway, service('q', 1))).rejects.toThrow('locked');
    fail = false;
    expect((await catalog.liveVersion(gateway, service('q', 1)))?.number).toBe(9);
  });
});
