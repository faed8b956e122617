/**
 * How a version's snapshot is kept in `versions.snapshot_json`: the spec as Swarm returned it and
 * the image it resolved to, and only what the view cannot be derived from (the names of the
 * networks the spec names by ID). Read back, the view is derived from the spec again (viewOf), so
 * each version is stored once instead of twice. A view that is not what the spec derives to (a row
 * written by another build, a view made otherwise) is kept whole, so nothing recorded is lost.
 */
import {isDeepStrictEqual} from 'node:util';
import type {ServiceSpec} from '../docker/schemas.js';
import {viewOf, type ImagePin, type Snapshot, type SnapshotView} from '../domain/snapshot.js';

/** What snapshot_json holds: {spec, image, networkNames?}, or {spec, view, image} when the view is kept whole. */
export interface StoredSnapshot {
  spec: Record<string, unknown>;
  image: ImagePin;
  view?: Record<string, unknown>;
  networkNames?: Record<string, string>;
}

/** The derived view as JSON would give it back (no undefined members), to compare with a stored one. */
function derived(spec: Record<string, unknown>, image: ImagePin, networkNames?: Record<string, string>): unknown {
  return JSON.parse(JSON.stringify(viewOf(spec as ServiceSpec, image, networkNames ? {networkNames} : {})));
}

/** The network names a view shows in place of the IDs the spec holds, if that is how it differs. */
function namesShown(plain: unknown, view: Record<string, unknown>): Record<string, string> | undefined {
  const ids = (plain as {networks?: unknown}).networks;
  const shown = view.networks;
  if (!Array.isArray(ids) || !Array.isArray(shown) || ids.length !== shown.length) return undefined;
  const names: Record<string, string> = {};
  ids.forEach((id, index) => {
    const name = shown[index];
    if (typeof id === 'string' && typeof name === 'string' && name !== id) names[id] = name;
  });
  return Object.keys(names).length > 0 ? names : undefined;
}

/** The form to store: without the view when the spec derives exactly that view. */
export function compactSnapshot(snapshot: {
  spec: object;
  view?: object;
  image: ImagePin;
  networkNames?: Record<string, string>;
}): StoredSnapshot {
  const spec = snapshot.spec as Record<string, unknown>;
  const view = snapshot.view as Record<string, unknown> | undefined;
  const base: StoredSnapshot = {spec, image: snapshot.image};
  if (view === undefined) return snapshot.networkNames ? {...base, networkNames: snapshot.networkNames} : base;
  try {
    const stored = JSON.parse(JSON.stringify(view)) as Record<string, unknown>;
    const plain = derived(spec, snapshot.image);
    if (isDeepStrictEqual(plain, stored)) return base;
    const networkNames = namesShown(plain, stored);
    if (networkNames && isDeepStrictEqual(derived(spec, snapshot.image, networkNames), stored))
      return {...base, networkNames};
  } catch {
    // A spec the view cannot be derived from: the view is kept as it is.
  }
  return {...base, view};
}

/** The snapshot as the rest of the program sees it, its view derived when it was not stored. */
export function expandSnapshot(stored: StoredSnapshot): Snapshot {
  const view =
    stored.view ??
    viewOf(stored.spec as ServiceSpec, stored.image, stored.networkNames ? {networkNames: stored.networkNames} : {});
  return {spec: stored.spec as ServiceSpec, view: view as unknown as SnapshotView, image: stored.image};
}
