/**
 * What makes two deployments "the same version": the spec Swarm runs, with the image replaced by
 * what it resolves to (registry digest or local image ID) and ForceUpdate ignored. So re-pushing a
 * tag and force-updating is a new version, while a plain forced restart is not.
 */
import type {ServiceSpec} from '../docker/schemas.js';
import {specHash} from './spec-hash.js';

export interface PinnedImage {
  ref: string;
  pinned: string;
}

export function withImage(spec: ServiceSpec, image: string): ServiceSpec {
  const template = spec.TaskTemplate;
  return {
    ...spec,
    TaskTemplate: {...template, ContainerSpec: {...template.ContainerSpec, Image: image}},
  };
}

export function versionHash(spec: ServiceSpec, image: PinnedImage): string {
  const pinned = image.pinned || spec.TaskTemplate.ContainerSpec?.Image || '';
  return specHash(withImage(spec, pinned));
}
