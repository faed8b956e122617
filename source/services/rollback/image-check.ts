/**
 * Is the image a rollback deploys still there? Looked for in the connected node's image store (by
 * ID or digest), then, for references with a registry digest, in the registry (distribution).
 * On a multi-node swarm only the connected node's store is seen: node-images.ts says which of the
 * other nodes can get it.
 */
import type {DockerGateway, RegistryAuth} from '../../docker/gateway.js';
import {DokrollError} from '../../shared/errors.js';
import {imageDigest, isImageId, parseImageRef} from '../../domain/image-ref.js';

export interface ImageCheck {
  ok: boolean;
  /** 'local image store' or 'registry HOST' when found. */
  where: string | null;
  detail: string;
}

/** The registry host a repository lives in (`docker.io` for familiar names like `nginx`). */
export function registryHostOf(repository: string): string {
  const first = repository.split('/')[0] ?? '';
  const isHost = repository.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  return isHost ? first : 'docker.io';
}

/**
 * Is a pullable reference (repository, with or without a digest) in its registry? Returns the
 * registry's name when found, else null, with why in `tried`.
 */
export async function findInRegistry(
  gateway: DockerGateway,
  image: string,
  registryAuth?: (host: string) => Promise<RegistryAuth | undefined>,
): Promise<{found: string | null; tried: string | null}> {
  const {repository, digest} = parseImageRef(image);
  if (repository === null || isImageId(image)) return {found: null, tried: null};
  const host = registryHostOf(repository);
  const ref = digest ? `${repository}@${digest}` : image;
  try {
    const found = await gateway.distribution(ref, await registryAuth?.(host));
    if (found !== null && (digest === null || found === imageDigest(ref)))
      return {found: `registry ${host}`, tried: `registry ${host}`};
    return {found: null, tried: `registry ${host}`};
  } catch (error) {
    if (!(error instanceof DokrollError)) throw error;
    return {found: null, tried: `registry ${host} (${error.message})`};
  }
}

export async function checkImage(
  gateway: DockerGateway,
  image: string,
  registryAuth?: (host: string) => Promise<RegistryAuth | undefined>,
): Promise<ImageCheck> {
  const tried: string[] = ['local image store'];
  const local = await gateway.inspectImage(image);
  if (local) return {ok: true, where: 'local image store', detail: `${image} is in the local image store`};

  const registry = await findInRegistry(gateway, image, registryAuth);
  if (registry.found) return {ok: true, where: registry.found, detail: `${image} is in ${registry.found}`};
  if (registry.tried) tried.push(registry.tried);
  const {repository} = parseImageRef(image);
  const why = repository === null || isImageId(image) ? '; an image ID cannot be pulled from a registry' : '';
  return {ok: false, where: null, detail: `rollback image not found: ${image} (tried: ${tried.join(', ')}${why})`};
}
