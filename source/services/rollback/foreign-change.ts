/**
 * Telling our update from someone else's while a rollout runs: once we applied a spec, a service
 * whose spec no longer hashes to it (and whose Version.Index moved past ours) was changed by another
 * writer — unless Swarm itself is rolling our update back, which the watch reports as a failure.
 * The description names what the other update changed, by key (values can be secrets).
 */
import type {Service, ServiceSpec} from '../../docker/schemas.js';
import {diffSnapshots, type SnapshotDiff} from '../../domain/diff.js';
import {viewOf, type ImagePin} from '../../domain/snapshot.js';
import {versionHash} from '../../domain/version-identity.js';

/** What we applied: the spec sent, its version hash, and the image pin that hash was made with. */
export interface AppliedSpec {
  spec: ServiceSpec;
  hash: string;
  image: ImagePin;
  /** Version.Index the update was applied at (the read index; ours is the next one). */
  versionIndex: number;
}

const SWARM_ROLLING_BACK = new Set(['rollback_started', 'rollback_paused', 'rollback_completed']);
const MAX_KEYS = 6;

/** `env +OOB; image ~image` — at most a few keys, then how many more. */
export function namedChanges(diff: SnapshotDiff): string {
  const named = diff.sections.flatMap(({section, changes}) =>
    changes.map((c) => `${section} ${c.kind === 'added' ? '+' : c.kind === 'removed' ? '-' : '~'}${c.key}`),
  );
  const more = named.length > MAX_KEYS ? ` and ${named.length - MAX_KEYS} more` : '';
  return named.slice(0, MAX_KEYS).join(', ') + more;
}

/**
 * Null while the service still runs what we applied (or Swarm is rolling it back by itself);
 * otherwise one line: who changed what, at which index.
 */
export function foreignChange(service: Service, applied: AppliedSpec): string | null {
  if (service.Version.Index <= applied.versionIndex) return null;
  const state = service.UpdateStatus?.State;
  if (state && SWARM_ROLLING_BACK.has(state)) return null;
  const image = service.Spec.TaskTemplate.ContainerSpec?.Image;
  const sameImage = image === applied.spec.TaskTemplate.ContainerSpec?.Image;
  if (sameImage && versionHash(service.Spec, applied.image) === applied.hash) return null;
  const diff = diffSnapshots(viewOf(applied.spec), viewOf(service.Spec));
  const what = diff.changed ? namedChanges(diff) : 'settings outside the compared fields';
  return (
    `conflict: '${service.Spec.Name}' was changed by someone else during the rollout ` +
    `(Version.Index ${applied.versionIndex} → ${service.Version.Index}; their update changed ${what}) — ` +
    'stopped watching; their update stands and is not recorded as ours'
  );
}
