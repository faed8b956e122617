/**
 * Pre-flight: everything a rollout decides and checks before it changes anything. Reads only.
 *   - the service exists (else ServiceNotFoundError, exit 2) and the version exists (exit 2);
 *   - it is not mid-update by someone else (unless force): a conflict;
 *   - some node may run the target (placement.ts: availability, state, constraints, platform,
 *     reservations, max_replicas_per_node), else it is refused naming why for each node;
 *   - the target image is in the local image store or a reachable registry, and every node that may
 *     run it can get it (node-images.ts);
 *   - the secrets, configs and networks the target refers to exist (by ID, or by name → current ID).
 */
import type {SwarmInfo} from '../../docker/gateway.js';
import type {Service} from '../../docker/schemas.js';
import {diffSnapshots} from '../../domain/diff.js';
import {
  buildTargetSpec,
  redeploySpec,
  settingsOf,
  withUpdateConfig,
  type RollbackMode,
  type UpdateOverrides,
} from '../../domain/rollback-target.js';
import type {Snapshot} from '../../domain/snapshot.js';
import {
  checkReferences,
  describeMissing,
  type RecreatedReference,
  type ReferenceCheck,
  type ReferenceKind,
} from '../../domain/spec-references.js';
import {judgePlacement, nodeName, type PlacementVerdict} from '../../domain/placement.js';
import {versionHash} from '../../domain/version-identity.js';
import {captureService} from '../capture.js';
import {requireVersion} from '../history-query.js';
import type {RollbackImageChoice, RollbackImageInput} from '../registry/image-source.js';
import {checkImage} from './image-check.js';
import {findInFlight} from './journal.js';
import {checkImageOnNodes} from './node-images.js';
import type {EngineDeps, PreflightCheck, RolloutPlan} from './types.js';

export interface RollbackRequest {
  /** Service name or ID. */
  service: string;
  version: number;
  mode?: RollbackMode;
  overrides?: UpdateOverrides;
  /** Proceed even when the service is mid-update. */
  force?: boolean;
  /** The operator loaded a local-only image on every node: do not refuse it (node-images.ts). */
  allowLocalImage?: boolean;
  /** `service` as the caller has just inspected it: not read again. */
  inspected?: Service;
}

export interface PlanDeps extends EngineDeps {
  registryAuth?: Parameters<typeof checkImage>[2];
  /**
   * The rollback registry's choice of image source (pushed digest, local tag, or not found) for a
   * version; null leaves the check to checkImage. See services/registry/image-source.ts.
   */
  rollbackImage?: (input: RollbackImageInput) => Promise<RollbackImageChoice | null>;
  /** The connected daemon's swarm facts, when the caller has them already (assertManager): not asked again. */
  info?: SwarmInfo;
}

const IN_PROGRESS = new Set(['updating', 'rollback_started']);

async function updateCheck(deps: PlanDeps, service: Service, force: boolean): Promise<PreflightCheck> {
  const status = service.UpdateStatus;
  if (!status?.State || !IN_PROGRESS.has(status.State)) {
    return {
      name: 'not mid-update',
      ok: true,
      detail: status?.State ? `last update ${status.State}` : 'no update in progress',
    };
  }
  const since = status.StartedAt ? ` since ${status.StartedAt}` : '';
  if (force) return {name: 'not mid-update', ok: true, detail: `${status.State}${since}: superseded (--force)`};
  const ours = await findInFlight(deps.store, service.Spec.Name);
  const hint = ours
    ? `a ${ours.kind} recorded in this history is in progress (if its command was interrupted, reattach with ` +
      `'dokroll-tui ${ours.kind} ${service.Spec.Name} --resume')`
    : 'wait for it to finish, or pass --force to supersede it';
  return {
    name: 'not mid-update',
    ok: false,
    detail: `service '${service.Spec.Name}' is mid-update by someone else (${status.State}${since}) — ${hint}`,
  };
}

function referenceChecks(refs: ReferenceCheck): PreflightCheck[] {
  const kinds: [ReferenceKind, string][] = [
    ['secret', 'secrets'],
    ['config', 'configs'],
    ['network', 'networks'],
  ];
  return kinds.map(([kind, name]) => {
    const missing = refs.missing.filter((m) => m.kind === kind);
    const remapped = refs.remapped.filter((line) => line.startsWith(`${kind} `));
    if (missing.length > 0) return {name, ok: false, detail: `missing: ${describeMissing(missing)}`};
    const count = refs.counts[kind];
    const found = count === 0 ? 'none referenced' : `${count} found`;
    return {name, ok: true, detail: remapped.length ? `${found} (${remapped.join('; ')})` : found};
  });
}

/** A secret or config created again under the same name: the version gets the new one, maybe with other content. */
function recreatedWarning(ref: RecreatedReference, version: number): string {
  return (
    `${ref.kind} '${ref.name}' was created again since v${version} was recorded: its ID ${ref.currentId.slice(0, 12)} ` +
    `differs from the version's ${ref.specId.slice(0, 12)}, so its content may differ`
  );
}

function placementCheck(verdict: PlacementVerdict): PreflightCheck {
  if (verdict.problem) return {name: 'placement', ok: false, detail: verdict.problem};
  const excluded = verdict.nodes.filter((n) => !n.eligible).map((n) => `${n.name}: ${n.reasons.join(', ')}`);
  const detail =
    `${verdict.eligible.length} of ${verdict.nodes.length} node(s) may run it: ${verdict.eligible.map((n) => n.name).join(', ')}` +
    (excluded.length ? ` (not ${excluded.join('; ')})` : '');
  return {name: 'placement', ok: true, detail};
}

function serviceCheck(service: Service): PreflightCheck {
  return {
    name: 'service',
    ok: true,
    detail: `exists (ID ${service.ID.slice(0, 12)}, Version.Index ${service.Version.Index})`,
  };
}

function failureOf(checks: PreflightCheck[]): RolloutPlan['failure'] {
  const failed = checks.find((c) => !c.ok);
  if (!failed) return null;
  return {kind: failed.name === 'not mid-update' ? 'conflict' : 'failed', message: failed.detail};
}

/**
 * The service runs the plan's target already: its live spec equals the spec the rollback would
 * leave (the target with the version's own update settings), not the spec it rolls out with.
 */
export function runsTargetAlready(plan: RolloutPlan): boolean {
  return plan.kind === 'rollback' && (plan.finalHash ?? plan.targetHash) === plan.liveHash;
}

export async function planRollback(deps: PlanDeps, request: RollbackRequest): Promise<RolloutPlan> {
  const {gateway, store} = deps;
  const mode = request.mode ?? 'full';
  const service = request.inspected ?? (await gateway.inspectService(request.service));
  const serviceName = service.Spec.Name;
  // Independent reads go out together: the pre-flight is on the path of every rollback.
  const [row, live, [secrets, configs, networks], update, nodes, info] = await Promise.all([
    requireVersion(store, serviceName, request.version),
    captureService(gateway, service),
    Promise.all([gateway.listSecrets(), gateway.listConfigs(), gateway.listNetworks()]),
    updateCheck(deps, service, request.force ?? false),
    gateway.listNodes(),
    deps.info ?? gateway.swarmInfo(),
  ]);
  const snapshot = row.snapshot as unknown as Snapshot;
  const built = buildTargetSpec({mode, snapshot, live: service.Spec, overrides: request.overrides});
  const refs = checkReferences(built.spec, {secrets, configs, networks});
  // Rollback registry: prefer the digest pushed for the version, then its local tag (registry/).
  const chosen =
    mode === 'config' || !deps.rollbackImage
      ? null
      : await deps.rollbackImage({row, image: built.image, spec: refs.spec, pin: snapshot.image, liveHash: live.hash});
  const [image, fromRow] = await Promise.all([
    chosen?.check ?? checkImage(gateway, built.image, deps.registryAuth),
    store.versions.findByHash(serviceName, live.hash),
  ]);
  const targetImage = chosen?.pin ?? (mode === 'config' ? live.snapshot.image : snapshot.image);
  const target = chosen?.spec ?? refs.spec;
  const final = withUpdateConfig(target, built.final.UpdateConfig);
  const networkNames = Object.fromEntries(networks.map((network) => [network.id, network.name]));
  const placement = judgePlacement(target, nodes);
  const connected = nodes.find((n) => n.ID === info.nodeId);
  // --config-only keeps the live image, which the nodes running the service already have.
  const imageCheck =
    mode === 'config'
      ? {name: 'image', ok: image.ok, detail: image.detail}
      : await checkImageOnNodes(gateway, {
          ref: target.TaskTemplate.ContainerSpec?.Image ?? built.image,
          image,
          eligible: placement.eligible,
          connectedNodeId: info.nodeId,
          connectedName: connected ? nodeName(connected) : info.hostname || 'the connected node',
          allowLocalImage: request.allowLocalImage ?? false,
          registryAuth: deps.registryAuth,
        });

  const checks = [serviceCheck(service), update, placementCheck(placement), imageCheck, ...referenceChecks(refs)];
  return {
    kind: 'rollback',
    serviceName,
    service,
    mode,
    fromVersion: fromRow?.number ?? null,
    toVersion: row.number,
    target,
    final,
    targetImage,
    targetHash: versionHash(target, targetImage),
    finalHash: versionHash(final, targetImage),
    liveHash: live.hash,
    settings: built.settings,
    notes: built.notes,
    report: {
      ok: checks.every((c) => c.ok),
      checks,
      diff: diffSnapshots(live.snapshot, {spec: final, image: targetImage}, {networkNames}),
      warnings: refs.recreated.map((ref) => recreatedWarning(ref, row.number)),
    },
    failure: failureOf(checks),
    ...(chosen?.registryAuth ? {registryAuth: chosen.registryAuth} : {}),
  };
}

/** A forced rolling restart of the live spec (no new version). */
export async function planRedeploy(deps: PlanDeps, serviceNameOrId: string, force = false): Promise<RolloutPlan> {
  const {gateway, store} = deps;
  const service = await gateway.inspectService(serviceNameOrId);
  const serviceName = service.Spec.Name;
  const live = await captureService(gateway, service);
  const target = redeploySpec(service.Spec);
  const image = await checkImage(gateway, target.TaskTemplate.ContainerSpec?.Image ?? '', deps.registryAuth);
  const checks = [
    serviceCheck(service),
    await updateCheck(deps, service, force),
    {name: 'image', ok: image.ok, detail: image.detail.replace('rollback image', 'redeploy image')},
  ];
  const fromRow = await store.versions.findByHash(serviceName, live.hash);
  return {
    kind: 'redeploy',
    serviceName,
    service,
    mode: 'full',
    fromVersion: fromRow?.number ?? null,
    toVersion: fromRow?.number ?? null,
    target,
    final: target,
    targetImage: live.snapshot.image,
    targetHash: live.hash,
    finalHash: live.hash,
    liveHash: live.hash,
    settings: settingsOf(target),
    notes: [],
    report: {ok: checks.every((c) => c.ok), checks, diff: diffSnapshots(live.snapshot, live.snapshot), warnings: []},
    failure: failureOf(checks),
  };
}
