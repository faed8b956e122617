/**
 * Where each version's image is, for history and the console: `registry` (pushed by us, or the
 * image's own registry digest), `local` (only in the connected node's image store, named: `local
 * only on web-1`), or `missing`. With a connection the local store is looked at now (one image list
 * request, and the node's name from the Engine); offline, the state stored at the last push attempt
 * is shown, without a node: which one held it then is not known.
 */
import type {DockerGateway} from '../../docker/gateway.js';
import {formatBytes} from '../../domain/format.js';
import type {ImageLocation, PushState, VersionRow} from '../../store/index.js';

export interface ImagePlace {
  location: ImageLocation | null;
  /** Bytes, when known. */
  size: number | null;
  pushState: PushState;
  pushError: string | null;
  /** The rollback tag made for the version. */
  ref: string | null;
  digest: string | null;
  /**
   * The nodes whose image store holds the image, for `local`: only the connected node's store is
   * looked at (other nodes' Engines answer only on their own sockets). Empty when not known.
   */
  nodes: string[];
}

export interface LocalImageIndex {
  /** Hostname of the node whose image store this is (the connected one); null when it did not say. */
  node: string | null;
  /** image ID, tag or repo digest → size in bytes */
  sizes: Map<string, number | null>;
}

export async function localImageIndex(gateway: DockerGateway): Promise<LocalImageIndex> {
  const sizes = new Map<string, number | null>();
  const [images, info] = await Promise.all([gateway.listImages(), gateway.swarmInfo().catch(() => null)]);
  for (const image of images) {
    const size = image.Size ?? null;
    sizes.set(image.Id, size);
    for (const tag of image.RepoTags ?? []) sizes.set(tag, size);
    for (const digest of image.RepoDigests ?? []) sizes.set(digest, size);
  }
  return {sizes, node: info?.hostname || null};
}

/** Where the version's image is; `local` null means offline (use what was stored). */
export function placeOf(row: VersionRow, local: LocalImageIndex | null): ImagePlace {
  const stored = row.rollbackImage;
  const base = {
    pushState: stored?.pushState ?? 'none',
    pushError: stored?.error ?? null,
    ref: stored?.ref ?? null,
    digest: stored?.digest ?? null,
    nodes: [] as string[],
  };
  const image = row.snapshot.image;
  if (stored?.pushState === 'pushed') return {...base, location: 'registry', size: stored.size};
  if (!local) {
    const location = stored?.location ?? (image.repoDigest ? 'registry' : null);
    return {...base, location, size: stored?.size ?? null};
  }
  for (const key of [image.imageId, stored?.ref, image.repoDigest, image.pinned]) {
    if (key && local.sizes.has(key)) {
      return {
        ...base,
        location: 'local',
        size: local.sizes.get(key) ?? stored?.size ?? null,
        nodes: local.node ? [local.node] : [],
      };
    }
  }
  if (image.repoDigest) return {...base, location: 'registry', size: stored?.size ?? null};
  return {...base, location: 'missing', size: null};
}

/** `registry 2.1MiB`, `local only on web-1 2.1MiB (push failed)`, `missing`, `?` (offline, never looked at). */
export function describePlace(place: ImagePlace): string {
  const where =
    place.location === 'local'
      ? `local only${place.nodes.length ? ` on ${place.nodes.join(', ')}` : ''}`
      : (place.location ?? '?');
  const size = place.size !== null && place.location !== 'missing' ? ` ${formatBytes(place.size)}` : '';
  const failed = place.pushState === 'push_failed' ? ' (push failed)' : '';
  return `${where}${size}${failed}`;
}
