/**
 * A Store usable before the database is open: every repository call waits for the real store, and
 * fails with its opening error when it could not be opened. The console draws its first frame
 * while libSQL loads and the file is opened and migrated, instead of after.
 */
import {describeLocation, type DbLocation} from './db-location.js';
import type {Store} from './open-store.js';

type Repo = 'versions' | 'audit' | 'rollbackImages' | 'stacks';

export interface DeferredStore extends Store {
  /** Opens the store now (idempotent); resolves when it is open, rejects with why it cannot be. */
  ready(): Promise<Store>;
}

function deferredRepo<R extends Repo>(ready: () => Promise<Store>, repo: R): Store[R] {
  return new Proxy({} as Store[R], {
    get(_target, method) {
      if (typeof method !== 'string' || method === 'then') return undefined;
      return async (...args: unknown[]) => {
        const target = (await ready())[repo] as unknown as Record<string, (...a: unknown[]) => unknown>;
        const fn = target[method];
        if (typeof fn !== 'function') throw new TypeError(`store.${repo}.${method} is not a function`);
        return fn.apply(target, args);
      };
    },
  });
}

/** `open` runs on the first repository call or ready(), once. */
export function deferStore(open: () => Promise<Store>, location: DbLocation): DeferredStore {
  let opening: Promise<Store> | undefined;
  const ready = () => (opening ??= open());
  return {
    ready,
    location: describeLocation(location),
    versions: deferredRepo(ready, 'versions'),
    audit: deferredRepo(ready, 'audit'),
    rollbackImages: deferredRepo(ready, 'rollbackImages'),
    stacks: deferredRepo(ready, 'stacks'),
    close() {
      opening?.then((store) => store.close()).catch(() => undefined);
    },
  };
}
