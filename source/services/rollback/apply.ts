/**
 * Applying a spec as a normal service update at the Version.Index it was read with. A stale index
 * ("update out of sequence") means someone changed the service in between: that is reported as a
 * conflict naming what changed, never retried over their change.
 */
import type {DockerGateway, RegistryAuth} from '../../docker/gateway.js';
import {UpdateOutOfSequenceError} from '../../docker/errors.js';
import type {Service, ServiceSpec} from '../../docker/schemas.js';
import {diffSnapshots, summarizeDiff} from '../../domain/diff.js';
import {DokrollError, EXIT} from '../../shared/errors.js';

export class RolloutConflictError extends DokrollError {
  constructor(message: string) {
    super(message, EXIT.conflict, 'conflict');
  }
}

/** What identifies the update we start, for rolloutProgress's `baseline`. */
export interface UpdateBaseline {
  /** Version.Index read with the replaced spec. */
  versionIndex: number;
  /** UpdateStatus.StartedAt before the call (the previous update's), or null. */
  updateStartedAt: string | null;
  /** Epoch ms just before the call. */
  startedAtMs: number;
}

/** One line naming what another writer changed between `read` and `now`. */
export function describeChange(read: Service, now: Service | null): string {
  if (!now) return 'the service was removed';
  const summary = summarizeDiff(diffSnapshots({spec: read.Spec}, {spec: now.Spec}));
  const status = now.UpdateStatus?.State;
  const parts = [
    summary === 'no changes' ? 'its spec is unchanged' : `changed: ${summary}`,
    `Version.Index ${read.Version.Index} → ${now.Version.Index}`,
  ];
  if (status)
    parts.push(`update ${status}${now.UpdateStatus?.StartedAt ? ` since ${now.UpdateStatus.StartedAt}` : ''}`);
  return parts.join(', ');
}

export async function applyUpdate(
  gateway: DockerGateway,
  read: Service,
  spec: ServiceSpec,
  opts: {now?: () => number; registryAuth?: RegistryAuth; what?: string} = {},
): Promise<UpdateBaseline> {
  const baseline: UpdateBaseline = {
    versionIndex: read.Version.Index,
    updateStartedAt: read.UpdateStatus?.StartedAt ?? null,
    startedAtMs: (opts.now ?? Date.now)(),
  };
  try {
    await gateway.updateService(read.ID, read.Version.Index, spec, {registryAuth: opts.registryAuth});
  } catch (error) {
    if (!(error instanceof UpdateOutOfSequenceError)) throw error;
    const now = await gateway.findService(read.ID);
    throw new RolloutConflictError(
      `conflict: service '${read.Spec.Name}' was changed by someone else after we read it (${describeChange(read, now)}) — ` +
        `nothing was applied; look at it again and retry${opts.what ? ` the ${opts.what}` : ''}`,
    );
  }
  return baseline;
}
