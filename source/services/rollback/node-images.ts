/**
 * Can every node that may run the target get its image? The image check (image-check.ts) looks in
 * the connected node's image store, and a registry. An image found only in that store is the
 * "no such image on the other node" trap: tasks scheduled elsewhere are Rejected and the update
 * stops. Refused by default when another node may run the tasks, unless the operator says the
 * image was loaded everywhere (allowLocalImage).
 */
import type {DockerGateway, RegistryAuth} from '../../docker/gateway.js';
import type {NodeEligibility} from '../../domain/placement.js';
import {findInRegistry, type ImageCheck} from './image-check.js';
import type {PreflightCheck} from './types.js';

export interface NodeImageInput {
  /** The image reference the target deploys. */
  ref: string;
  /** The connected node's (or the rollback registry's) answer. */
  image: ImageCheck;
  eligible: readonly NodeEligibility[];
  /** Swarm node ID of the node we are connected to. */
  connectedNodeId: string;
  connectedName: string;
  allowLocalImage: boolean;
  registryAuth?: (host: string) => Promise<RegistryAuth | undefined>;
}

export const ALLOW_LOCAL_IMAGE_FLAG = '--allow-local-image';

export async function checkImageOnNodes(gateway: DockerGateway, input: NodeImageInput): Promise<PreflightCheck> {
  const {image, ref, connectedName} = input;
  if (!image.ok || image.where !== 'local image store') {
    return {
      name: 'image',
      ok: image.ok,
      detail: image.ok ? `${image.detail} (every node pulls it from there)` : image.detail,
    };
  }
  const others = input.eligible.filter((n) => n.id !== input.connectedNodeId).map((n) => n.name);
  const here = `${ref} is in the local image store of ${connectedName}`;
  if (others.length === 0) return {name: 'image', ok: true, detail: `${here}, the only node that may run it`};
  const registry = await findInRegistry(gateway, ref, input.registryAuth);
  if (registry.found)
    return {name: 'image', ok: true, detail: `${here}; ${others.join(', ')} pull it from ${registry.found}`};
  if (input.allowLocalImage) {
    return {
      name: 'image',
      ok: true,
      detail: `${here} only; ${ALLOW_LOCAL_IMAGE_FLAG}: assumed loaded on ${others.join(', ')} too`,
    };
  }
  return {
    name: 'image',
    ok: false,
    detail:
      `${ref} is only in the local image store of ${connectedName} (no registry has it): ` +
      `${others.join(', ')} may run the tasks and cannot get it — push it to a rollback registry ` +
      `('dokroll-tui push SERVICE vN', see 'Rollback registry' in README), or pass ${ALLOW_LOCAL_IMAGE_FLAG} ` +
      'if you loaded it on every node yourself',
  };
}
