/** The console's store that opens after the first frame: calls wait for it, failures carry its error. */
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {deferStore} from '../../../source/store/deferred-store.js';
import {openStore, resolveDbLocation, StoreError, type Store} from '../../../source/store/index.js';
import {makeTempDir, removeDir} from '../../support/store.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) removeDir(dir);
  dir = undefined;
});

describe('deferStore', () => {
  it('opens on the first call, once, and answers through the real store', async () => {
    dir = makeTempDir('dokroll-deferred-');
    const file = path.join(dir, 'history.db');
    let opened = 0;
    let real: Store | undefined;
    const store = deferStore(
      async () => {
        opened += 1;
        real = await openStore({url: file});
        return real;
      },
      resolveDbLocation({url: file}),
    );
    expect(opened).toBe(0);
    expect(fs.existsSync(file)).toBe(false);
    expect(store.location).toEqual({kind: 'file', display: file});
    const [services, latest] = await Promise.all([store.versions.services(), store.versions.latest('web')]);
    expect(services).toEqual([]);
    expect(latest).toBeNull();
    await store.audit.list();
    expect(opened).toBe(1);
    expect(await store.ready()).toBe(real);
    real?.close();
  });

  it('rejects every call with the opening error, and ready() says why', async () => {
    dir = makeTempDir('dokroll-deferred-');
    const file = path.join(dir, 'not-a-history.db');
    fs.writeFileSync(file, 'this is not a database, and must stay as it is');
    const store = deferStore(() => openStore({url: file}), resolveDbLocation({url: file}));
    await expect(store.ready()).rejects.toBeInstanceOf(StoreError);
    await expect(store.versions.list('web')).rejects.toBeInstanceOf(StoreError);
    expect(fs.readFileSync(file, 'utf8')).toBe('this is not a database, and must stay as it is');
  });
});
