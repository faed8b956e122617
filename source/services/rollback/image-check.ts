/**
 * Is the image a rollback deploys still there? Looked for in the connected node's image store (by
 * ID or digest), then, for references with a registry digest, in the registry (distribution).
 * On a multi-node swarm only the connected node's store is seen: other nodes pull by digest.
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

export async function checkImage(
  gateway: DockerGateway,
  image: string,
  registryAuth?: (host: string) => Promise<RegistryAuth | undefined>,
): Promise<ImageCheck> {
  const tried: string[] = ['local image store'];
  const local = await gateway.inspectImage(image);
  if (local) return {ok: true, where: 'local image store', detail: `${image} is in the local image store`};

  const {repository, digest} = parseImageRef(image);
  if (repository !== null && !isImageId(image)) {
    const host = registryHostOf(repository);
    tried.push(`registry ${host}`);
    const ref = digest ? `${repository}@${digest}` : image;
    try {
      const found = await gateway.distribution(ref, await registryAuth?.(host));
      if (found !== null && (digest === null || found === imageDigest(ref))) {
        return {ok: true, where: `registry ${host}`, detail: `${image} is in registry ${host}`};
      }
    } catch (error) {
      if (!(error instanceof DokrollError)) throw error;
      tried[tried.length - 1] = `registry ${host} (${error.message})`;
    }
  }
  const why = repository === null || isImageId(image) ? '; an image ID cannot be pulled from a registry' : '';
  return {ok: false, where: null, detail: `rollback image not found: ${image} (tried: ${tried.join(', ')}${why})`};
}
