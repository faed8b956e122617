/**
 * Keeping one version's image: tag it `<repository>:v<n>` on the connected node and, for a remote
 * registry, push that tag and record the digest the registry reported. `local`: the tag alone keeps
 * the image from being dangling, so `docker image prune` (without -a) leaves it alone.
 * A failure never loses the version: it is stored as push_failed with the reason, for a retry.
 */
import {dockerCredentialsFor} from '../../config/credentials.js';
import type {DockerGateway} from '../../docker/gateway.js';
import {parseImageRef} from '../../domain/image-ref.js';
import type {ImageLocation, PushState, Store, VersionRow} from '../../store/index.js';
import {authOf, isRemote, scrub, versionTag, type RegistryTarget} from './targets.js';
import {registryHostOf} from './hosts.js';

export interface PushOutcome {
  serviceName: string;
  version: number;
  state: PushState;
  location: ImageLocation;
  /** The tag made (`127.0.0.1:5000/rollbacks/web:v3`, `dokroll/web:v3`); null when none was needed. */
  ref: string | null;
  digest: string | null;
  error: string | null;
  size: number | null;
  durationMs: number;
}

export interface PushOptions {
  env?: NodeJS.ProcessEnv;
  now?: () => number;
}

/** The local image the version ran: by ID, by digest, by reference, or by the tag made earlier. */
async function findLocalImage(gateway: DockerGateway, row: VersionRow, ref: string) {
  const image = row.snapshot.image;
  const candidates = [image.imageId, image.repoDigest, ref, row.rollbackImage?.ref, image.pinned, image.ref];
  for (const candidate of new Set(candidates)) {
    if (!candidate) continue;
    const found = await gateway.inspectImage(candidate);
    if (found) return found;
  }
  return null;
}

/** Pulls the version's image by its registry digest when it is not on this node (e.g. recorded elsewhere). */
async function pullByDigest(
  gateway: DockerGateway,
  row: VersionRow,
  env: NodeJS.ProcessEnv | undefined,
): Promise<void> {
  const repoDigest = row.snapshot.image.repoDigest;
  const repository = repoDigest ? parseImageRef(repoDigest).repository : null;
  if (!repoDigest || !repository) return;
  const auth = await dockerCredentialsFor(registryHostOf(repository), {env}).catch(() => null);
  await gateway.pullImage(repoDigest, auth?.toJSON());
}

export async function keepVersionImage(
  gateway: DockerGateway,
  store: Store,
  target: RegistryTarget,
  row: VersionRow,
  opts: PushOptions = {},
): Promise<PushOutcome> {
  const now = opts.now ?? Date.now;
  const started = now();
  const ref = versionTag(target, row.number);
  const outcome = (state: PushState, location: ImageLocation, extra: Partial<PushOutcome> = {}): PushOutcome => ({
    serviceName: row.serviceName,
    version: row.number,
    state,
    location,
    ref,
    digest: null,
    error: null,
    size: null,
    durationMs: now() - started,
    ...extra,
  });
  const save = async (result: PushOutcome): Promise<PushOutcome> => {
    await store.rollbackImages.set(row.id, {
      pushState: result.state,
      location: result.location,
      ref: result.ref,
      digest: result.digest,
      error: result.error,
      size: result.size,
    });
    return result;
  };

  let local;
  try {
    local = await findLocalImage(gateway, row, ref);
    // Not on this node but in its own registry: local mode has nothing to protect here; a remote
    // registry needs the image to push it, so it is pulled by its digest first.
    if (!local && row.snapshot.image.repoDigest) {
      if (!isRemote(target)) return save(outcome('local', 'registry', {ref: null}));
      await pullByDigest(gateway, row, opts.env);
      local = await findLocalImage(gateway, row, ref);
    }
  } catch (error) {
    return save(
      outcome('push_failed', 'missing', {error: scrub(target, `image lookup failed: ${(error as Error).message}`)}),
    );
  }
  if (!local) {
    const what = row.snapshot.image.imageId ?? row.snapshot.image.pinned ?? row.imageRef;
    return save(
      outcome('push_failed', row.snapshot.image.repoDigest ? 'registry' : 'missing', {
        error: `image ${what} is not in the image store of ${gateway.endpoint}`,
      }),
    );
  }
  const size = local.Size ?? null;
  const repository = ref.slice(0, ref.lastIndexOf(':'));
  try {
    // Never move a tag another history on this node made for its own v<n> (two databases, each with
    // its own numbering, against one swarm): that would unprotect the other history's image.
    const holder = await gateway.inspectImage(ref);
    if (holder && holder.Id !== local.Id) {
      return save(
        outcome('push_failed', 'local', {
          size,
          error: `tag ${ref} already names another image (${holder.Id.slice(0, 19)}), probably from another history database on this node; left as it is`,
        }),
      );
    }
    await gateway.tagImage(local.Id, repository, `v${row.number}`);
  } catch (error) {
    return save(
      outcome('push_failed', 'local', {
        size,
        error: scrub(target, `tagging ${ref} failed: ${(error as Error).message}`),
      }),
    );
  }
  if (!isRemote(target)) return save(outcome('local', 'local', {size}));
  try {
    const digest = await gateway.pushImage(ref, authOf(target));
    return save(outcome('pushed', 'registry', {size, digest}));
  } catch (error) {
    return save(outcome('push_failed', 'local', {size, error: scrub(target, (error as Error).message)}));
  }
}

/** One line for logs and the CLI (never a credential). */
export function describePush(result: PushOutcome): string {
  const took = `${(result.durationMs / 1000).toFixed(2)} s`;
  const name = `${result.serviceName} v${result.version}`;
  switch (result.state) {
    case 'pushed':
      return `pushed ${name} as ${result.ref} (${result.digest}) in ${took}`;
    case 'local':
      return result.ref
        ? `tagged ${name} locally as ${result.ref} (no registry configured)`
        : `${name} needs no local tag: its image is not on this node, its own registry has it`;
    default:
      return `push of ${name} to ${result.ref} failed: ${result.error}`;
  }
}
