/**
 * Turn a live service into what the history stores: its snapshot (full spec + normalized view + the
 * image pinned by digest or local ID) and its identity hash.
 */
import type {DockerGateway} from '../docker/gateway.js';
import type {Service} from '../docker/schemas.js';
import {makeSnapshot, type Snapshot} from '../domain/snapshot.js';
import {versionHash} from '../domain/version-identity.js';

export interface Capture {
  snapshot: Snapshot;
  hash: string;
}

export async function captureService(gateway: DockerGateway, service: Service): Promise<Capture> {
  const ref = service.Spec.TaskTemplate.ContainerSpec?.Image ?? '';
  const image = await gateway.resolveImage(ref);
  const snapshot = makeSnapshot(service.Spec, image);
  return {snapshot, hash: versionHash(service.Spec, image)};
}
