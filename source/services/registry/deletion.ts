/**
 * Deleting one rollback point everywhere: the registry tag (manifest delete by digest), the local
 * tag, then the database row, with one audit entry. The registry goes first: if it cannot be
 * reached the row stays, so a later prune or delete can finish the job (nothing left orphaned).
 * A manifest another version also points to is not deleted (a delete by digest removes every tag
 * of it); a registry that refuses deletes (a 4xx answer: Docker Hub, GHCR, storage.delete off)
 * keeps the tag and says so, and the row is deleted.
 */
import type {DockerGateway} from '../../docker/gateway.js';
import {DockerApiError, DockerConflictError} from '../../docker/errors.js';
import {parseImageRef} from '../../domain/image-ref.js';
import {DokrollError, EXIT} from '../../shared/errors.js';
import type {Store, VersionRow} from '../../store/index.js';
import {requireVersion, versionsWithLive} from '../history-query.js';
import {RegistryApiError} from './registry-api.js';
import {protectedVersions} from './retention.js';
import {apiFor, isRemote, repositoryPath, scrub, versionTag, type RegistryTarget} from './targets.js';

export interface DeletionResult {
  serviceName: string;
  version: number;
  /** True when the database row was deleted. */
  deleted: boolean;
  /** What happened to the registry tag (`none` when the version was never pushed). */
  registry: string;
  /** What happened to the local tag. */
  localTag: string;
  /** Set when the deletion stopped (the row is kept). */
  error: string | null;
}

export interface DeleteOptions {
  /** Why, for the audit log: `delete`, `prune --keep 3`, `retention (keep 10)`. */
  reason: string;
  actor?: string;
}

export class ProtectedVersionError extends DokrollError {
  constructor(service: string, version: number, why: string) {
    super(
      `v${version} of '${service}' cannot be deleted: it is ${why === 'live' ? 'the live version' : why.startsWith('the ') ? why : `the ${why}`} ` +
        '(the live version and the one before it are always kept)',
      EXIT.badInput,
      'protected-version',
    );
  }
}

/**
 * The rules of a deletion by hand (`delete`, the console): the version exists (UnknownVersionError)
 * and is neither the live version nor the one before it (ProtectedVersionError), both exit 2.
 * Returns its row (`row.serviceName` is the name history is kept under).
 */
export async function deletableVersion(
  gateway: DockerGateway,
  store: Store,
  nameOrId: string,
  number: number,
): Promise<VersionRow> {
  const {serviceName, rows, live} = await versionsWithLive(gateway, store, nameOrId);
  const row = await requireVersion(store, serviceName, number);
  const why = protectedVersions(rows, live).get(number);
  if (why) throw new ProtectedVersionError(serviceName, number, why);
  return row;
}

/** One line: what was deleted where, or why the version was kept. */
export function describeDeletion(result: DeletionResult): string {
  if (!result.deleted) return `v${result.version} kept: ${result.error}`;
  return `deleted v${result.version}: registry ${result.registry}; local ${result.localTag}`;
}

async function deleteRegistryTag(
  store: Store,
  target: RegistryTarget,
  row: VersionRow,
): Promise<{text: string; fatal: boolean}> {
  const image = row.rollbackImage;
  if (!image?.ref || image.pushState !== 'pushed') return {text: 'none (never pushed)', fatal: false};
  const {repository, tag} = parseImageRef(image.ref);
  if (!isRemote(target) || !repository || repository !== target.repository || !tag) {
    return {text: `kept ${image.ref} (not in the configured registry ${target.host ?? 'local'})`, fatal: false};
  }
  const api = apiFor(target)!;
  const path = repositoryPath(target);
  try {
    const digest = await api.manifestDigest(path, tag);
    if (!digest) return {text: `${image.ref} already absent`, fatal: false};
    const sharing = (await store.rollbackImages.sharingDigest(digest, row.id)).filter(
      (other) => other.rollbackImage?.ref && parseImageRef(other.rollbackImage.ref).repository === repository,
    );
    if (sharing.length > 0) {
      const others = sharing.map((o) => `v${o.number}`).join(', ');
      return {
        text: `kept ${image.ref}: same manifest as ${others} (a delete by digest would remove their tags too)`,
        fatal: false,
      };
    }
    await api.deleteManifest(path, digest);
    return {text: `deleted ${image.ref} (${digest})`, fatal: false};
  } catch (error) {
    // The registry refuses (deletes disabled, unsupported, not allowed): retrying will not help.
    const status = error instanceof RegistryApiError ? error.status : null;
    if (status !== null && status >= 400 && status < 500 && status !== 408 && status !== 429) {
      return {text: `kept ${image.ref}: ${scrub(target, (error as Error).message)}`, fatal: false};
    }
    return {text: scrub(target, (error as Error).message), fatal: true};
  }
}

async function deleteLocalTag(gateway: DockerGateway, ref: string): Promise<string> {
  try {
    return (await gateway.removeImage(ref)) ? `removed ${ref}` : `${ref} not present`;
  } catch (error) {
    if (error instanceof DockerConflictError || (error instanceof DockerApiError && error.statusCode === 409)) {
      return `kept ${ref} (in use by a container)`;
    }
    return `kept ${ref} (${(error as Error).message})`;
  }
}

export async function deleteRollbackPoint(
  gateway: DockerGateway,
  store: Store,
  target: RegistryTarget,
  row: VersionRow,
  opts: DeleteOptions,
): Promise<DeletionResult> {
  const started = Date.now();
  const registry = await deleteRegistryTag(store, target, row);
  const result: DeletionResult = {
    serviceName: row.serviceName,
    version: row.number,
    deleted: false,
    registry: registry.text,
    localTag: 'kept',
    error: null,
  };
  if (registry.fatal) {
    result.error = `registry tag not deleted: ${registry.text}; v${row.number} kept (retry later)`;
  } else {
    const tags = new Set([row.rollbackImage?.ref, versionTag(target, row.number)].filter((t): t is string => !!t));
    const outcomes: string[] = [];
    for (const tag of tags) outcomes.push(await deleteLocalTag(gateway, tag));
    result.localTag = outcomes.join('; ');
    result.deleted = await store.versions.remove(row.serviceName, row.number);
    if (!result.deleted) result.error = `v${row.number} was already deleted`;
  }
  await store.audit.append({
    action: 'delete_version',
    serviceName: row.serviceName,
    fromVersion: row.number,
    toVersion: null,
    result: result.deleted ? 'ok' : 'failed',
    detail: `${opts.reason}: ${result.deleted ? 'row deleted' : (result.error ?? 'row kept')}; local tag: ${result.localTag}; registry: ${result.registry}`,
    durationMs: Date.now() - started,
    ...(opts.actor ? {actor: opts.actor} : {}),
  });
  return result;
}
