/**
 * Structural comparison with sharing: `share(prev, next)` returns `prev` itself when the two are
 * equal as plain data, else a value equal to `next` that reuses every part of `prev` that did not
 * change. So an unchanged state keeps its identity (nothing to publish, nothing to re-render), and
 * in a changed one only the changed branches are new objects (memoized views of the others hold).
 *
 * Plain data only: objects, arrays, primitives. Dates compare by time; `undefined` members count
 * as absent, as in JSON.
 */
export function share<T>(prev: T, next: T): T {
  return shareAny(prev, next) as T;
}

export function structurallyEqual(a: unknown, b: unknown): boolean {
  return shareAny(a, b) === a;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function shareAny(prev: unknown, next: unknown): unknown {
  if (Object.is(prev, next)) return prev;
  if (prev instanceof Date && next instanceof Date) return prev.getTime() === next.getTime() ? prev : next;
  if (Array.isArray(prev) && Array.isArray(next)) return shareArray(prev, next);
  if (isPlainObject(prev) && isPlainObject(next)) return shareObject(prev, next);
  return next;
}

function shareArray(prev: unknown[], next: unknown[]): unknown[] {
  let same = prev.length === next.length;
  const out = next.map((item, i) => {
    const shared = i < prev.length ? shareAny(prev[i], item) : item;
    if (i >= prev.length || shared !== prev[i]) same = false;
    return shared;
  });
  return same ? prev : out;
}

function definedKeys(value: Record<string, unknown>): string[] {
  return Object.keys(value).filter((key) => value[key] !== undefined);
}

function shareObject(prev: Record<string, unknown>, next: Record<string, unknown>): Record<string, unknown> {
  const nextKeys = definedKeys(next);
  let same = nextKeys.length === definedKeys(prev).length;
  const out: Record<string, unknown> = {};
  for (const key of nextKeys) {
    const had = Object.prototype.hasOwnProperty.call(prev, key) && prev[key] !== undefined;
    const shared = had ? shareAny(prev[key], next[key]) : next[key];
    if (!had || shared !== prev[key]) same = false;
    out[key] = shared;
  }
  return same ? prev : out;
}
