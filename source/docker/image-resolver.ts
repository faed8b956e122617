/**
 * Pins an image reference to something immutable: a registry digest (`repo@sha256:…`) when one is
 * known, else the local image ID. Order: a reference that already carries a digest is used as is;
 * then the local image (its RepoDigests for the same repository, and its ID); then the registry
 * (`GET /distribution/{ref}/json`). Registry failures give `where: 'missing'` with the reason
 * instead of an error, so recording history never fails because a registry is down.
 */
import {DockerApiError} from './errors.js';
import {
  distribution,
  inspectImage,
  isImageId,
  parseImageRef,
  type GatewayCore,
  type RegistryAuth,
} from './image-ops.js';

export interface ResolvedImage {
  /** The reference as given. */
  ref: string;
  /** repo@sha256:… from the local RepoDigests, the reference itself, or the registry. */
  repoDigest?: string;
  /** sha256:… of the local image, when it is present on the connected node. */
  imageId?: string;
  /** repoDigest ?? imageId ?? ref */
  pinned: string;
  where: 'registry' | 'local' | 'missing';
  /** Why the registry could not be asked, when where is 'missing' because of an error. */
  reason?: string;
}

/** `docker.io/library/nginx` and `nginx` name the same repository. */
export function familiarRepository(repository: string): string {
  return repository.replace(/^(docker\.io|index\.docker\.io)\//, '').replace(/^library\//, '');
}

/** The RepoDigest of the same repository as `repository`, if any. */
export function pickRepoDigest(
  repoDigests: readonly string[] | null | undefined,
  repository: string,
): string | undefined {
  const wanted = familiarRepository(repository);
  return (repoDigests ?? []).find((entry) => familiarRepository(parseImageRef(entry).repository) === wanted);
}

export async function resolveImage(
  core: GatewayCore,
  ref: string,
  opts: {registryAuth?: RegistryAuth} = {},
): Promise<ResolvedImage> {
  if (ref.trim() === '') return {ref, pinned: ref, where: 'missing', reason: 'no image reference'};
  if (isImageId(ref)) {
    const local = await inspectImage(core, ref);
    return local ? {ref, imageId: local.Id, pinned: local.Id, where: 'local'} : {ref, pinned: ref, where: 'missing'};
  }
  const parts = parseImageRef(ref);
  const local = await inspectImage(core, ref);

  if (parts.digest) {
    const repoDigest = `${parts.repository}@${parts.digest}`;
    return {ref, repoDigest, ...(local ? {imageId: local.Id} : {}), pinned: repoDigest, where: 'registry'};
  }
  if (local) {
    const repoDigest = pickRepoDigest(local.RepoDigests, parts.repository);
    return repoDigest
      ? {ref, repoDigest, imageId: local.Id, pinned: repoDigest, where: 'registry'}
      : {ref, imageId: local.Id, pinned: local.Id, where: 'local'};
  }
  try {
    const digest = await distribution(core, ref, opts.registryAuth);
    if (digest === null) return {ref, pinned: ref, where: 'missing'};
    const repoDigest = `${parts.repository}@${digest}`;
    return {ref, repoDigest, pinned: repoDigest, where: 'registry'};
  } catch (err) {
    if (err instanceof DockerApiError) return {ref, pinned: ref, where: 'missing', reason: err.daemonMessage};
    throw err;
  }
}
