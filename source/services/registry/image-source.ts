/**
 * Where a rollback's image comes from, in order of preference:
 *   1. the rollback registry, by the digest pushed for the version (reaches every node; the service
 *      update then carries the registry's credentials so nodes can pull);
 *   2. the connected node's image store: the recorded image, or the local tag made for the version;
 *   3. nowhere: "rollback image not found", naming the registry and tags tried.
 * The engine's own check (the image's original registry) is asked when neither 1 nor 2 has it.
 */
import type {DockerGateway, RegistryAuth} from '../../docker/gateway.js';
import type {ServiceSpec} from '../../docker/schemas.js';
import {parseImageRef} from '../../domain/image-ref.js';
import type {ImagePin} from '../../domain/snapshot.js';
import {versionHash, withImage} from '../../domain/version-identity.js';
import type {VersionRow} from '../../store/index.js';
import {registryHostOf} from './hosts.js';
import {authOf, isRemote, scrub, versionTag, type RegistryTarget} from './targets.js';

export interface ImageSourceCheck {
  ok: boolean;
  where: string | null;
  detail: string;
}

export interface RollbackImageInput {
  row: VersionRow;
  /** The image reference the target spec deploys (the recorded pin). */
  image: string;
  spec: ServiceSpec;
  pin: ImagePin;
  liveHash: string;
}

export interface RollbackImageChoice {
  check: ImageSourceCheck;
  spec: ServiceSpec;
  pin: ImagePin;
  registryAuth?: RegistryAuth;
}

/** The engine's own image check (local store, then the image's own registry). */
export type FallbackCheck = (image: string) => Promise<ImageSourceCheck>;

function fromRegistry(
  input: RollbackImageInput,
  target: RegistryTarget,
  digest: string,
  ref: string,
): RollbackImageChoice {
  const {repository, tag} = parseImageRef(ref);
  const image = `${repository}:${tag}@${digest}`;
  const repoDigest = `${repository}@${digest}`;
  return {
    check: {ok: true, where: `registry ${target.host}`, detail: `${image} is in registry ${target.host}`},
    spec: withImage(input.spec, image),
    pin: {ref: image, repoDigest, pinned: repoDigest},
    registryAuth: authOf(target),
  };
}

export async function chooseRollbackImage(
  gateway: DockerGateway,
  target: RegistryTarget,
  input: RollbackImageInput,
  fallback: FallbackCheck,
): Promise<RollbackImageChoice> {
  const {row} = input;
  const stored = row.rollbackImage;
  const tag = stored?.ref ?? versionTag(target, row.number);
  const tried: string[] = [];
  const unchanged = (check: ImageSourceCheck): RollbackImageChoice => ({check, spec: input.spec, pin: input.pin});

  // Rolling back to what runs already: keep the recorded reference, so the engine sees "nothing to do".
  const alreadyLive = versionHash(input.spec, input.pin) === input.liveHash;

  if (isRemote(target) && !alreadyLive) {
    if (stored?.pushState === 'pushed' && stored.ref && stored.digest) {
      const {repository, tag: version} = parseImageRef(stored.ref);
      const ref = `${repository}:${version}@${stored.digest}`;
      try {
        const found = await gateway.distribution(ref, authOf(target));
        if (found === stored.digest) return fromRegistry(input, target, stored.digest, stored.ref);
        tried.push(
          `registry ${target.host} (${stored.ref}: ${found ? `now ${found}, not ${stored.digest}` : 'not found'})`,
        );
      } catch (error) {
        tried.push(`registry ${target.host} (${stored.ref}: ${scrub(target, (error as Error).message)})`);
      }
    } else {
      const why =
        stored?.pushState === 'push_failed' ? `push failed: ${stored.error ?? 'unknown reason'}` : 'never pushed';
      tried.push(`registry ${target.host} (${tag}: ${why})`);
    }
  }

  const local = await gateway.inspectImage(input.image);
  if (local) {
    return unchanged({ok: true, where: 'local image store', detail: `${input.image} is in the local image store`});
  }
  const tagged = tag === input.image ? null : await gateway.inspectImage(tag);
  if (tagged) {
    return {
      check: {ok: true, where: 'local image store', detail: `${input.image} is in the local image store as ${tag}`},
      spec: withImage(input.spec, tagged.Id),
      pin: input.pin,
    };
  }
  tried.push(`local image store (${input.image}${tag !== input.image ? `, tag ${tag}` : ''})`);

  const repository = parseImageRef(input.image).repository;
  if (repository !== null) {
    const origin = await fallback(input.image);
    if (origin.ok) return unchanged(origin);
    tried.push(`its own registry ${registryHostOf(repository)}`);
  }
  return unchanged({
    ok: false,
    where: null,
    detail: `rollback image not found: ${row.serviceName} v${row.number} (${input.image}); tried: ${tried.join(', ')}`,
  });
}
