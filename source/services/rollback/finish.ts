/**
 * After a rollout: re-apply the previous spec when asked to and the rollout failed, record a
 * successful rollback as a new version (source 'rollback', "rolled back to vN"), and write the
 * audit row that ends the run.
 */
import type {ServiceSpec, UpdateConfig} from '../../docker/schemas.js';
import type {HealthVerdict} from '../../domain/health-verdict.js';
import type {VersionMetrics} from '../../domain/task-metrics.js';
import {withUpdateConfig} from '../../domain/rollback-target.js';
import {specHash} from '../../domain/spec-hash.js';
import {versionHash} from '../../domain/version-identity.js';
import {DokrollError} from '../../shared/errors.js';
import {traceMark} from '../../shared/phase-trace.js';
import {captureService} from '../capture.js';
import {applyUpdate} from './apply.js';
import {foreignChange, type AppliedSpec} from './foreign-change.js';
import {appendFinished, type StartedRecord} from './journal.js';
import type {EngineDeps, RolloutEvent, RolloutOutcome, RolloutResult} from './types.js';
import {pause, pollService, watchConvergence} from './watch-rollout.js';

const SETTLE_MS = 60_000;

export interface RevertResult {
  ok: boolean;
  reasons: string[];
}

/**
 * Puts the spec that was live before back: nothing to apply when Swarm already rolled back to it,
 * otherwise an update at the current index, watched until it converges.
 */
export async function revertTo(
  deps: EngineDeps,
  serviceId: string,
  before: ServiceSpec,
  opts: {pollMs: number; timeoutMs: number; signal?: AbortSignal; onEvent?: (event: RolloutEvent) => void},
): Promise<RevertResult> {
  const now = deps.now ?? Date.now;
  const settleBy = now() + SETTLE_MS;
  let poll = await pollService(deps.gateway, serviceId);
  // Let Swarm finish a rollback of its own first: it may be going back to `before` already.
  while (poll && poll.service.UpdateStatus?.State === 'rollback_started' && now() < settleBy && !opts.signal?.aborted) {
    await pause(opts.pollMs, opts.signal);
    poll = await pollService(deps.gateway, serviceId);
  }
  if (!poll) return {ok: false, reasons: ['revert impossible: the service was removed']};
  const settled = poll.service.UpdateStatus?.State;
  if (specHash(poll.service.Spec) === specHash(before) && settled !== 'rollback_started') {
    return {ok: true, reasons: ['the previous spec is live again (Swarm rolled back to it)']};
  }
  try {
    const baseline = await applyUpdate(deps.gateway, poll.service, before, {now, what: 'revert'});
    const converged = await watchConvergence(deps.gateway, serviceId, baseline, {
      pollMs: opts.pollMs,
      timeoutMs: opts.timeoutMs,
      signal: opts.signal,
      now,
      onProgress: (progress) => opts.onEvent?.({type: 'progress', progress}),
    });
    if (converged.status === 'converged')
      return {ok: true, reasons: ['the previous spec was re-applied and converged']};
    return {ok: false, reasons: ['revert did not converge', ...converged.reasons]};
  } catch (error) {
    if (error instanceof DokrollError) return {ok: false, reasons: [`revert failed: ${error.message}`]};
    throw error;
  }
}

/**
 * Puts the version's own UpdateConfig back after the rollout converged: one more update that
 * changes no task (Swarm starts no task when only the update settings change). Only while the
 * rollout's target is still what runs: a spec someone else changed since is left alone. Returns
 * why it was not done, or null.
 */
/**
 * Puts the version's own UpdateConfig back after the rollout converged. Returns why it could not (a
 * line for the verdict) and, when the service runs the restored spec, that spec as what we applied:
 * the restore is our own update, not someone else's, for the checks that follow.
 */
export async function restoreUpdateConfig(
  deps: EngineDeps,
  record: StartedRecord,
  config: UpdateConfig | null,
): Promise<{problem: string | null; applied: AppliedSpec | null}> {
  const settings = `the update settings of v${record.toVersion}`;
  const service = await deps.gateway.findService(record.serviceId);
  if (!service) return {problem: `${settings} were not put back: the service was removed`, applied: null};
  const live = await captureService(deps.gateway, service);
  const restored = (spec: ServiceSpec, versionIndex: number): AppliedSpec => ({
    spec,
    hash: versionHash(spec, live.snapshot.image),
    image: live.snapshot.image,
    versionIndex,
  });
  if (record.finalHash !== undefined && live.hash === record.finalHash) {
    return {problem: null, applied: restored(service.Spec, service.Version.Index)};
  }
  if (live.hash !== record.targetHash) {
    return {
      problem: `${settings} were not put back: the service was changed by someone else (Version.Index ${service.Version.Index})`,
      applied: null,
    };
  }
  const spec = withUpdateConfig(service.Spec, config ?? undefined);
  try {
    const baseline = await applyUpdate(deps.gateway, service, spec, {
      now: deps.now,
      what: 'restore of the update settings',
    });
    return {problem: null, applied: restored(spec, baseline.versionIndex)};
  } catch (error) {
    if (error instanceof DokrollError)
      return {problem: `${settings} were not put back: ${error.message}`, applied: null};
    throw error;
  }
}

export interface FinishInput {
  record: StartedRecord;
  serviceName: string;
  result: Exclude<RolloutResult, 'interrupted'>;
  reasons: string[];
  errors: string[];
  verdict?: HealthVerdict;
  /** What the health watch measured of the new tasks: recorded with the new version's health. */
  metrics?: VersionMetrics;
  startedAtMs: number;
  /** What our update applied: a rollback records the live spec only while it is still that. */
  applied?: AppliedSpec | null;
}

function verdictDetail(result: RolloutResult, reasons: string[]): string {
  return `${result}${reasons.length ? `: ${reasons.join('; ')}` : ''}`;
}

/** Records the new version (successful rollbacks) and the audit row ending the run. */
export async function finishRollout(deps: EngineDeps, input: FinishInput): Promise<RolloutOutcome> {
  const {record, serviceName} = input;
  let result = input.result;
  const now = deps.now ?? Date.now;
  let recordedVersion: number | null = null;
  let reasons = [...input.reasons];
  const service =
    record.kind === 'rollback' && (result === 'healthy' || result === 'degraded')
      ? await deps.gateway.inspectService(record.serviceId)
      : null;
  const capture = service ? await captureService(deps.gateway, service) : null;
  // Someone else's update may have landed between the verdict and now: what runs is theirs, not our rollback.
  const changed =
    !service || !capture
      ? null
      : input.applied
        ? foreignChange(service, input.applied)
        : capture.hash !== record.targetHash
          ? `conflict: '${serviceName}' was changed by someone else before the rollback was recorded (Version.Index ${service.Version.Index})`
          : null;
  if (changed) {
    result = 'conflict';
    reasons = [changed];
  } else if (service && capture) {
    const suffix = record.mode === 'full' ? '' : ` (${record.mode} only)`;
    const {row} = await deps.store.versions.record({
      serviceName,
      serviceId: service.ID,
      snapshot: capture.snapshot,
      specHash: capture.hash,
      source: 'rollback',
      note: `rolled back to v${record.toVersion}${suffix}`,
      swarmVersion: service.Version.Index,
      updateStartedAt: service.UpdateStatus?.StartedAt ?? null,
    });
    recordedVersion = row.number;
    const healthReason = result === 'healthy' ? null : verdictDetail(result, input.reasons);
    await deps.store.versions
      .setHealth(row.id, result === 'healthy' ? 'good' : 'bad', healthReason, input.metrics)
      .catch(() => undefined);
  }
  const durationMs = now() - input.startedAtMs;
  const recorded = recordedVersion === null ? [] : [`recorded as v${recordedVersion}`];
  await appendFinished(deps.store, serviceName, {
    run: record.run,
    kind: record.kind,
    fromVersion: record.fromVersion,
    toVersion: record.toVersion,
    result,
    durationMs,
    detail: verdictDetail(result, [...reasons, ...input.errors.filter((e) => !reasons.includes(e)), ...recorded]),
    actor: deps.actor,
  });
  traceMark(`${serviceName}: recorded (${result})`);
  return {
    kind: record.kind,
    result,
    service: serviceName,
    from: record.fromVersion,
    to: record.toVersion,
    recordedVersion,
    durationMs,
    reasons,
    errors: input.errors,
    ...(input.verdict ? {verdict: input.verdict} : {}),
    ...(input.metrics ? {metrics: input.metrics} : {}),
  };
}
