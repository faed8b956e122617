import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {openStore, type Store} from '../../../source/store/index.js';
import {makeTempDir, recordInput, removeDir} from '../../support/store.js';

let dir: string;
let store: Store;
beforeEach(async () => {
  dir = makeTempDir();
  store = await openStore({url: path.join(dir, 'h.db')});
});
afterEach(() => {
  store.close();
  removeDir(dir);
});

describe('rollback image of each version', () => {
  it('starts as not tagged, with nothing known about where the image is', async () => {
    const {row} = await store.versions.record(recordInput('web', 'h1'));
    expect(row.rollbackImage).toEqual({
      pushState: 'none',
      location: null,
      ref: null,
      digest: null,
      error: null,
      attemptedAt: null,
      size: null,
    });
  });

  it('stores a push, a failure with its reason, and keeps the tag and size across a later failure', async () => {
    const {row} = await store.versions.record(recordInput('web', 'h1'));
    expect(
      await store.rollbackImages.set(row.id, {
        pushState: 'push_failed',
        location: 'local',
        ref: 'reg:5000/web:v1',
        error: 'unauthorized:\n  authentication required',
        size: 2048,
      }),
    ).toBe(true);
    let stored = (await store.versions.get('web', 1))!.rollbackImage!;
    expect(stored).toMatchObject({
      pushState: 'push_failed',
      location: 'local',
      ref: 'reg:5000/web:v1',
      error: 'unauthorized: authentication required',
      size: 2048,
    });
    expect(stored.attemptedAt).toBeInstanceOf(Date);

    await store.rollbackImages.set(row.id, {pushState: 'pushed', location: 'registry', digest: 'sha256:abc'});
    stored = (await store.versions.get('web', 1))!.rollbackImage!;
    expect(stored).toMatchObject({
      pushState: 'pushed',
      location: 'registry',
      ref: 'reg:5000/web:v1',
      digest: 'sha256:abc',
      error: null,
      size: 2048,
    });
    expect(await store.rollbackImages.set(9999, {pushState: 'local', location: 'local'})).toBe(false);
  });

  it('lists versions still to tag or push, oldest first, for all services or one', async () => {
    const web1 = (await store.versions.record(recordInput('web', 'h1'))).row;
    const web2 = (await store.versions.record(recordInput('web', 'h2'))).row;
    const api1 = (await store.versions.record(recordInput('api', 'h1'))).row;
    await store.rollbackImages.set(web1.id, {pushState: 'pushed', location: 'registry', digest: 'sha256:1'});
    await store.rollbackImages.set(api1.id, {pushState: 'push_failed', location: 'local', error: 'down'});
    expect((await store.rollbackImages.pending()).map((r) => `${r.serviceName} v${r.number}`)).toEqual([
      'api v1',
      'web v2',
    ]);
    expect((await store.rollbackImages.pending({serviceName: 'web'})).map((r) => r.id)).toEqual([web2.id]);
  });

  it('finds the other versions pushed with the same manifest digest', async () => {
    const v1 = (await store.versions.record(recordInput('web', 'h1'))).row;
    const v2 = (await store.versions.record(recordInput('web', 'h2'))).row;
    const v3 = (await store.versions.record(recordInput('web', 'h3'))).row;
    await store.rollbackImages.set(v1.id, {
      pushState: 'pushed',
      location: 'registry',
      ref: 'r/web:v1',
      digest: 'sha256:same',
    });
    await store.rollbackImages.set(v2.id, {
      pushState: 'pushed',
      location: 'registry',
      ref: 'r/web:v2',
      digest: 'sha256:same',
    });
    await store.rollbackImages.set(v3.id, {
      pushState: 'pushed',
      location: 'registry',
      ref: 'r/web:v3',
      digest: 'sha256:other',
    });
    expect((await store.rollbackImages.sharingDigest('sha256:same', v1.id)).map((r) => r.number)).toEqual([2]);
    expect(await store.rollbackImages.sharingDigest('sha256:other', v3.id)).toEqual([]);
  });
});
