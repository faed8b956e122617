/**
 * The spec a rollback (or redeploy) applies, built from a stored snapshot and the live spec. Pure.
 *
 * Modes:
 *   full   — the snapshot's whole spec, its image replaced by the pinned reference (registry digest
 *            or local image ID) so exactly the recorded content runs again;
 *   image  — the live spec with the snapshot's pinned image;
 *   config — the snapshot's spec with the live image reference.
 *
 * The update that performs the rollback is governed by the target spec's UpdateConfig (Swarm has no
 * per-update settings), so the rules below end up in the applied spec:
 *   Order       — flag, else start-first (the service stays available), except when the spec
 *                 publishes a fixed host-mode port: one task per node can bind it, so start-first
 *                 would never finish there — then stop-first, and a note says so.
 *   Parallelism — flag, else 1.
 *   Delay       — flag, else the snapshot's.
 * Fields that already say the same are left as they are, so a version whose update settings follow
 * these rules is restored byte for byte (and keeps its version hash).
 *   Monitor, FailureAction, MaxFailureRatio — the snapshot's (Swarm's defaults when unset:
 *                 monitor 5 s, failure action pause).
 * RollbackConfig is the snapshot's. TaskTemplate.ForceUpdate keeps the live value (it only grows).
 *
 * These settings only govern the rollback's own update: `final` is the target with the version's own
 * UpdateConfig (the live one for image-only), which the engine puts back once the rollout has
 * converged (an update that changes no task), so the next plain `docker service update` runs with
 * the settings the version chose, not the rollback's.
 *
 * Jobs (replicated-job, global-job) have no UpdateConfig (the Engine refuses one): their target has
 * none, and their tasks simply run again to completion.
 *
 * A stack's `com.docker.stack.image` label names the image the target deploys (the version's for
 * image-only, the live one for config-only), so a later `docker stack deploy --resolve-image
 * changed` sees an image change when the compose file names another image.
 */
import type {ServiceSpec, UpdateConfig} from '../docker/schemas.js';
import {imageDigest, parseImageRef, pinImageRef, withoutDigest} from './image-ref.js';
import type {ImagePin} from './snapshot.js';

export type RollbackMode = 'full' | 'image' | 'config';
export type UpdateOrder = 'start-first' | 'stop-first';

export interface UpdateOverrides {
  parallelism?: number;
  order?: UpdateOrder;
  delayMs?: number;
}

export interface RolloutSettings {
  order: UpdateOrder;
  parallelism: number;
  delayMs: number;
  /** null: Swarm's default (5 s). */
  monitorMs: number | null;
  /** null: Swarm's default (pause). */
  failureAction: string | null;
}

export interface TargetSpec {
  /** The spec the rollback's update applies (with the rollout's UpdateConfig). */
  spec: ServiceSpec;
  /** The spec the rollback leaves: `spec` with the version's own UpdateConfig. */
  final: ServiceSpec;
  /** The image reference the target deploys. */
  image: string;
  settings: RolloutSettings;
  /** Decisions the operator should know about (one line each). */
  notes: string[];
}

export interface TargetInput {
  mode: RollbackMode;
  /** The stored version's spec and image pin. */
  snapshot: {spec: ServiceSpec; image: ImagePin};
  /** The live service's spec. */
  live: ServiceSpec;
  overrides?: UpdateOverrides;
}

const MS = 1e6;

/**
 * The reference that deploys exactly what the snapshot recorded: the registry digest (keeping the
 * tag for readability: `app:1.2@sha256:…`), else the local image ID, else the reference as given.
 */
export function pinnedImageRef(image: ImagePin): string {
  if (image.repoDigest) {
    const digest = imageDigest(image.repoDigest);
    const sameRepo = parseImageRef(image.ref).repository === parseImageRef(image.repoDigest).repository;
    return digest && sameRepo ? pinImageRef(image.ref, digest) : image.repoDigest;
  }
  return image.imageId ?? (image.pinned || image.ref);
}

/** Published ports that bind a fixed port on every node running a task (`mode=host,published=N`). */
export function fixedHostPorts(spec: ServiceSpec): {published: number; target: number; protocol: string}[] {
  return (spec.EndpointSpec?.Ports ?? [])
    .filter((port) => port.PublishMode === 'host' && (port.PublishedPort ?? 0) > 0)
    .map((port) => ({published: port.PublishedPort!, target: port.TargetPort ?? 0, protocol: port.Protocol ?? 'tcp'}));
}

/** The UpdateConfig of the rollback's update (see the rules at the top of this file). */
export function rolloutUpdateConfig(
  base: UpdateConfig | undefined,
  spec: ServiceSpec,
  overrides: UpdateOverrides = {},
): {config: UpdateConfig; settings: RolloutSettings; notes: string[]} {
  const notes: string[] = [];
  const fixed = fixedHostPorts(spec);
  const fixedText = fixed.map((p) => `${p.published}:${p.target}/${p.protocol}`).join(', ');
  let order: UpdateOrder = overrides.order ?? 'start-first';
  if (fixed.length > 0 && overrides.order === undefined) {
    order = 'stop-first';
    notes.push(
      `order stop-first: the spec publishes fixed host-mode port ${fixedText}, which only one task per node can ` +
        'bind, so a start-first update could not finish (expect a short outage per slot)',
    );
  } else if (fixed.length > 0 && order === 'start-first') {
    notes.push(
      `warning: start-first with fixed host-mode port ${fixedText} only works where a free node can take the new task`,
    );
  }
  const parallelism = overrides.parallelism ?? 1;
  const delayNs = overrides.delayMs !== undefined ? Math.round(overrides.delayMs * MS) : (base?.Delay ?? 0);
  const config: UpdateConfig = {...base, Parallelism: parallelism, Order: order};
  // Delay only when it says something: an absent Delay is 0, and adding it would change the version.
  if (overrides.delayMs !== undefined || base?.Delay !== undefined) config.Delay = delayNs;
  const monitorMs = base?.Monitor ? base.Monitor / MS : null;
  return {
    config,
    settings: {order, parallelism, delayMs: delayNs / MS, monitorMs, failureAction: base?.FailureAction ?? null},
    notes,
  };
}

/** Docker's label on a stack's services naming the image the compose file gave. */
export const STACK_IMAGE_LABEL = 'com.docker.stack.image';

/** Whether the spec is a job (its tasks run to completion; no UpdateConfig allowed). */
export function isJobSpec(spec: ServiceSpec): boolean {
  return Boolean(spec.Mode?.ReplicatedJob || spec.Mode?.GlobalJob);
}

/** `spec` with `config` as its UpdateConfig (none when undefined). `spec` is not modified. */
export function withUpdateConfig(spec: ServiceSpec, config: UpdateConfig | undefined): ServiceSpec {
  const {UpdateConfig: _replaced, ...rest} = spec;
  return config === undefined ? rest : {...rest, UpdateConfig: structuredClone(config)};
}

function withContainerImage(spec: ServiceSpec, image: string): ServiceSpec {
  const template = spec.TaskTemplate;
  return {...spec, TaskTemplate: {...template, ContainerSpec: {...template.ContainerSpec, Image: image}}};
}

/** Builds the spec a rollback applies. Neither input is modified. */
export function buildTargetSpec(input: TargetInput): TargetSpec {
  const live = structuredClone(input.live);
  const stored = structuredClone(input.snapshot.spec);
  const liveImage = live.TaskTemplate.ContainerSpec?.Image ?? '';
  const storedImage = pinnedImageRef(input.snapshot.image);
  const notes: string[] = [];
  if (input.mode !== 'config' && storedImage === input.snapshot.image.ref && !parseImageRef(storedImage).digest) {
    notes.push(`the image ${storedImage} was not pinned to a digest when recorded: its current content is deployed`);
  }

  let spec: ServiceSpec;
  if (input.mode === 'image') {
    spec = withContainerImage(live, storedImage);
  } else {
    spec = withContainerImage(stored, input.mode === 'full' ? storedImage : liveImage);
    spec.Name = live.Name;
    const force = live.TaskTemplate.ForceUpdate;
    const {ForceUpdate: _stored, ...template} = spec.TaskTemplate;
    spec.TaskTemplate = force === undefined ? template : {...template, ForceUpdate: force};
  }
  keepStackImageLabel(spec, input.mode === 'image' ? stored : live, input.mode, input.snapshot.image.ref, liveImage);
  const image = spec.TaskTemplate.ContainerSpec?.Image ?? '';
  if (isJobSpec(spec)) {
    const job = withUpdateConfig(spec, undefined);
    const jobNotes = [...notes, 'a job has no update settings: its tasks run again, to completion'];
    return {spec: job, final: job, image, settings: settingsOf(job), notes: jobNotes};
  }
  const final = structuredClone(spec);
  const rollout = rolloutUpdateConfig(spec.UpdateConfig, spec, input.overrides);
  spec.UpdateConfig = rollout.config;
  return {spec, final, image, settings: rollout.settings, notes: [...notes, ...rollout.notes]};
}

/**
 * The stack image label of `spec` set to name the image it deploys: taken from `source` (the spec
 * whose image is deployed: the version's for image-only, the live one for config-only), else that
 * image's reference. A spec without the label (not from a stack) is left alone.
 */
function keepStackImageLabel(
  spec: ServiceSpec,
  source: ServiceSpec,
  mode: RollbackMode,
  storedRef: string,
  liveImage: string,
): void {
  if (mode === 'full' || spec.Labels?.[STACK_IMAGE_LABEL] === undefined) return;
  const named = source.Labels?.[STACK_IMAGE_LABEL] ?? (mode === 'image' ? storedRef : withoutDigest(liveImage));
  spec.Labels = {...spec.Labels, [STACK_IMAGE_LABEL]: named};
}

/** A forced rolling restart of the live spec: the same spec with TaskTemplate.ForceUpdate + 1. */
export function redeploySpec(live: ServiceSpec): ServiceSpec {
  const spec = structuredClone(live);
  spec.TaskTemplate = {...spec.TaskTemplate, ForceUpdate: (spec.TaskTemplate.ForceUpdate ?? 0) + 1};
  return spec;
}

/** The settings a spec's own UpdateConfig gives an update (for redeploy, which changes nothing else). */
export function settingsOf(spec: ServiceSpec): RolloutSettings {
  const config = spec.UpdateConfig;
  return {
    order: config?.Order === 'start-first' ? 'start-first' : 'stop-first',
    parallelism: config?.Parallelism ?? 1,
    delayMs: (config?.Delay ?? 0) / MS,
    monitorMs: config?.Monitor ? config.Monitor / MS : null,
    failureAction: config?.FailureAction ?? null,
  };
}
