/**
 * A stored version: the complete spec as Swarm returned it (what a rollback re-applies), the image
 * it resolved to, and a normalized view of the parts people compare (what `diff` and the console
 * show). The view is derived from the spec only; nothing here talks to Docker.
 */
import type {ServiceSpec} from '../docker/schemas.js';
import {nsToMs} from './format.js';
import {imageDigest, isImageId, withoutDigest} from './image-ref.js';

export {imageDigest, imageRepo, imageTag, isImageId, parseImageRef, pinImageRef, withoutDigest} from './image-ref.js';
export type {ImageRefParts} from './image-ref.js';

/** What a reference resolved to when the version was recorded (the gateway's ResolvedImage fields). */
export interface ImagePin {
  /** The reference as the spec gives it. */
  ref: string;
  /** `repo@sha256:…` from the image's RepoDigests or the registry. */
  repoDigest?: string;
  /** `sha256:…` of the local image. */
  imageId?: string;
  /** repoDigest ?? imageId ?? ref: what a rollback deploys. */
  pinned: string;
}

export interface Snapshot {
  spec: ServiceSpec;
  view: SnapshotView;
  image: ImagePin;
}

export type ServiceModeName = 'replicated' | 'global' | 'replicated-job' | 'global-job';

export interface ResourcesView {
  cpus?: number;
  memoryBytes?: number;
}

export interface FileRefView {
  /** Secret or config name. */
  name: string;
  /** File it is mounted as (File.Name: relative to /run/secrets for secrets). */
  target: string;
}

export interface PortView {
  target: number;
  published?: number;
  protocol: string;
  mode: string;
}

export interface MountView {
  type: string;
  source: string;
  target: string;
  readOnly: boolean;
}

export interface HealthcheckView {
  test: string[];
  /** null: the engine default. */
  intervalMs: number | null;
  timeoutMs: number | null;
  retries: number | null;
  startPeriodMs: number | null;
}

export interface UpdateConfigView {
  parallelism: number | null;
  delayMs: number | null;
  failureAction: string | null;
  monitorMs: number | null;
  maxFailureRatio: number | null;
  order: string | null;
}

export interface SnapshotView {
  name: string;
  /** The reference without its digest (`app:1.2`), or the image ID for ID-only references. */
  image: string;
  /** The content digest the service runs: from the reference, else the pinned registry digest, else the local ID. */
  imageDigest?: string;
  env: Record<string, string>;
  secrets: FileRefView[];
  configs: FileRefView[];
  limits: ResourcesView;
  reservations: ResourcesView;
  command: string[] | null;
  args: string[] | null;
  ports: PortView[];
  mounts: MountView[];
  networks: string[];
  healthcheck: HealthcheckView | null;
  mode: ServiceModeName;
  replicas: number | null;
  labels: Record<string, string>;
  containerLabels: Record<string, string>;
  placement: string[];
  updateConfig: UpdateConfigView | null;
  rollbackConfig: UpdateConfigView | null;
  stopGracePeriodMs: number | null;
}

export interface ViewOptions {
  /** Network ID -> name, to show names where the spec only holds IDs. */
  networkNames?: Record<string, string>;
}

/** `KEY=value` entries as a map, split on the first '='; a bare `KEY` maps to ''. Later entries win. */
export function envToMap(env: readonly string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of env ?? []) {
    const eq = entry.indexOf('=');
    if (eq === -1) out[entry] = '';
    else out[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return out;
}

function modeOf(spec: ServiceSpec): ServiceModeName {
  const mode = spec.Mode;
  if (mode?.Global) return 'global';
  if (mode?.ReplicatedJob) return 'replicated-job';
  if (mode?.GlobalJob) return 'global-job';
  return 'replicated';
}

function resourcesView(set: {NanoCPUs?: number; MemoryBytes?: number} | undefined): ResourcesView {
  const out: ResourcesView = {};
  if (set?.NanoCPUs) out.cpus = set.NanoCPUs / 1e9;
  if (set?.MemoryBytes) out.memoryBytes = set.MemoryBytes;
  return out;
}

function updateConfigView(config: ServiceSpec['UpdateConfig']): UpdateConfigView | null {
  if (!config) return null;
  return {
    parallelism: config.Parallelism ?? null,
    delayMs: nsToMs(config.Delay),
    failureAction: config.FailureAction ?? null,
    monitorMs: nsToMs(config.Monitor),
    maxFailureRatio: config.MaxFailureRatio ?? null,
    order: config.Order ?? null,
  };
}

function fileRefs(
  refs: {SecretName?: string; ConfigName?: string; File?: {Name?: string}}[] | undefined,
): FileRefView[] {
  return (refs ?? []).map((ref) => {
    const name = ref.SecretName ?? ref.ConfigName ?? '';
    return {name, target: ref.File?.Name ?? name};
  });
}

function imageFields(ref: string, pin: ImagePin | undefined): {image: string; imageDigest?: string} {
  const image = withoutDigest(ref);
  const digest =
    (isImageId(ref.trim()) ? null : imageDigest(ref)) ??
    (pin?.repoDigest ? imageDigest(pin.repoDigest) : null) ??
    (pin?.imageId && pin.imageId !== image ? pin.imageId : null);
  return digest ? {image, imageDigest: digest} : {image};
}

/** The normalized view of a spec (see SnapshotView); `image` adds the digest it resolved to. */
export function viewOf(spec: ServiceSpec, image?: ImagePin, options: ViewOptions = {}): SnapshotView {
  const template = spec.TaskTemplate ?? {};
  const container = template.ContainerSpec ?? {};
  const names = options.networkNames ?? {};
  const mode = modeOf(spec);
  const health = container.Healthcheck;
  const networks = template.Networks?.length ? template.Networks : (spec.Networks ?? []);
  return {
    name: spec.Name,
    ...imageFields(container.Image ?? image?.ref ?? '', image),
    env: envToMap(container.Env),
    secrets: fileRefs(container.Secrets),
    configs: fileRefs(container.Configs),
    limits: resourcesView(template.Resources?.Limits),
    reservations: resourcesView(template.Resources?.Reservations),
    command: container.Command ? [...container.Command] : null,
    args: container.Args ? [...container.Args] : null,
    ports: (spec.EndpointSpec?.Ports ?? []).map((port) => ({
      target: port.TargetPort ?? 0,
      ...(port.PublishedPort ? {published: port.PublishedPort} : {}),
      protocol: port.Protocol ?? 'tcp',
      mode: port.PublishMode ?? 'ingress',
    })),
    mounts: (container.Mounts ?? []).map((mount) => ({
      type: mount.Type ?? 'volume',
      source: mount.Source ?? '',
      target: mount.Target ?? '',
      readOnly: mount.ReadOnly ?? false,
    })),
    networks: networks.map((network) => names[network.Target] ?? network.Target),
    healthcheck: health
      ? {
          test: [...(health.Test ?? [])],
          intervalMs: nsToMs(health.Interval),
          timeoutMs: nsToMs(health.Timeout),
          retries: health.Retries ?? null,
          startPeriodMs: nsToMs(health.StartPeriod),
        }
      : null,
    mode,
    replicas: mode === 'replicated' ? (spec.Mode?.Replicated?.Replicas ?? 1) : null,
    labels: {...spec.Labels},
    containerLabels: {...container.Labels},
    placement: [...(template.Placement?.Constraints ?? [])],
    updateConfig: updateConfigView(spec.UpdateConfig),
    rollbackConfig: updateConfigView(spec.RollbackConfig),
    stopGracePeriodMs: nsToMs(container.StopGracePeriod),
  };
}

/** A version to store: the spec as Swarm returned it, its view, and the image it resolved to. */
export function makeSnapshot(spec: ServiceSpec, image: ImagePin, options: ViewOptions = {}): Snapshot {
  const pin: ImagePin = {ref: image.ref, pinned: image.pinned};
  if (image.repoDigest !== undefined) pin.repoDigest = image.repoDigest;
  if (image.imageId !== undefined) pin.imageId = image.imageId;
  return {spec: structuredClone(spec), view: viewOf(spec, pin, options), image: pin};
}
