/**
 * The rollback engine: apply a planned rollout (rollback to any recorded version, or a forced
 * redeploy), watch it to convergence, judge its health, and do the bookkeeping; or reattach to one
 * in flight after the watching process went away (`resume`).
 *
 * Watching never changes Swarm: aborting the signal only stops the watch, the update carries on,
 * and the run stays open in the audit log for `resume`.
 */
import type {Service, ServiceSpec, UpdateConfig} from '../../docker/schemas.js';
import {isTaskOnTemplate, specHash} from '../../domain/spec-hash.js';
import {isTerminalState} from '../../domain/task-state.js';
import {DokrollError, EXIT, errorText} from '../../shared/errors.js';
import {traceMark} from '../../shared/phase-trace.js';
import {captureService} from '../capture.js';
import {applyUpdate, RolloutConflictError, type UpdateBaseline} from './apply.js';
import {finishRollout, restoreUpdateConfig, revertTo} from './finish.js';
import type {AppliedSpec} from './foreign-change.js';
import {appendFinished, appendStarted, findInFlight, newRunId, NOT_APPLIED, type StartedRecord} from './journal.js';
import {runsTargetAlready} from './preflight.js';
import type {EngineDeps, RolloutOutcome, ResumeOptions, RolloutPlan, WatchOptions} from './types.js';
import {watchHealth} from './watch-health.js';
import {explainTaskFailures} from './task-errors.js';
import {watchJob} from './watch-job.js';
import {isJobSpec} from '../../domain/rollback-target.js';
import {nodeIncidents, pollService, watchConvergence} from './watch-rollout.js';

export const DEFAULT_WATCH_MS = 30_000;
export const DEFAULT_POLL_MS = 250;
export const DEFAULT_CONVERGE_TIMEOUT_MS = 15 * 60_000;

function plainOutcome(
  plan: RolloutPlan,
  result: RolloutOutcome['result'],
  reasons: string[],
  durationMs = 0,
): RolloutOutcome {
  return {
    kind: plan.kind,
    result,
    service: plan.serviceName,
    from: plan.fromVersion,
    to: plan.toVersion,
    recordedVersion: null,
    durationMs,
    reasons,
    errors: [],
  };
}

/** Runs a plan from planRollback / planRedeploy. A failed pre-flight changes nothing. */
export async function executeRollout(
  deps: EngineDeps,
  plan: RolloutPlan,
  opts: WatchOptions = {},
): Promise<RolloutOutcome> {
  const now = deps.now ?? Date.now;
  const finished = (result: RolloutOutcome['result'], detail: string, run: string | null, started: number) =>
    appendFinished(deps.store, plan.serviceName, {
      run,
      kind: plan.kind,
      fromVersion: plan.fromVersion,
      toVersion: plan.toVersion,
      result,
      durationMs: now() - started,
      detail,
      actor: deps.actor,
    });

  if (plan.failure) {
    await finished(plan.failure.kind, `${NOT_APPLIED}pre-flight: ${plan.failure.message}`, null, now());
    return plainOutcome(plan, plan.failure.kind, [plan.failure.message]);
  }
  if (runsTargetAlready(plan)) {
    const status = plan.service.UpdateStatus;
    const stuck = status?.State === 'paused' || status?.State === 'rollback_paused';
    const reason = stuck
      ? `v${plan.toVersion} is the live spec already, and its update is ${status?.State}${status?.Message ? ` (${status.Message})` : ''}: roll back to another version`
      : `already running v${plan.toVersion}: nothing to do`;
    await finished(stuck ? 'failed' : 'healthy', `${NOT_APPLIED}${reason}`, null, now());
    return plainOutcome(plan, stuck ? 'failed' : 'healthy', [reason]);
  }
  if (opts.signal?.aborted) return plainOutcome(plan, 'interrupted', ['cancelled before anything was changed']);

  const record: StartedRecord = {
    run: newRunId(),
    kind: plan.kind,
    mode: plan.mode,
    serviceId: plan.service.ID,
    fromVersion: plan.fromVersion,
    toVersion: plan.toVersion,
    versionIndex: plan.service.Version.Index,
    updateStartedAt: plan.service.UpdateStatus?.StartedAt ?? null,
    startedAtMs: now(),
    targetHash: plan.targetHash,
    ...finalUpdateConfig(plan),
    watchMs: opts.watchMs ?? DEFAULT_WATCH_MS,
    revertOnFailure: opts.revertOnFailure ?? false,
  };
  await appendStarted(deps.store, plan.serviceName, record, deps.actor);
  let baseline: UpdateBaseline;
  try {
    baseline = await applyUpdate(deps.gateway, plan.service, plan.target, {
      now,
      what: plan.kind,
      registryAuth: plan.registryAuth,
    });
  } catch (error) {
    const message = errorText(error);
    await finished(
      error instanceof RolloutConflictError ? 'conflict' : 'failed',
      `${NOT_APPLIED}${message}`,
      record.run,
      record.startedAtMs,
    );
    if (error instanceof RolloutConflictError) return plainOutcome(plan, 'conflict', [message]);
    throw error;
  }
  traceMark(`${plan.serviceName}: update applied`);
  opts.onEvent?.({
    type: 'applied',
    service: plan.serviceName,
    versionIndex: baseline.versionIndex,
    settings: plan.settings,
    notes: plan.notes,
  });
  const applied: AppliedSpec = {
    spec: plan.target,
    hash: plan.targetHash,
    image: plan.targetImage,
    versionIndex: baseline.versionIndex,
  };
  return follow(deps, {record, baseline, serviceName: plan.serviceName, before: plan.service.Spec, applied}, opts);
}

/** What the record carries to put the version's own UpdateConfig back (nothing when the rollout used it). */
function finalUpdateConfig(plan: RolloutPlan): {finalUpdateConfig?: UpdateConfig | null; finalHash?: string} {
  const final = plan.final;
  if (!final || specHash(final) === specHash(plan.target)) return {};
  return {finalUpdateConfig: final.UpdateConfig ?? null, ...(plan.finalHash ? {finalHash: plan.finalHash} : {})};
}

interface FollowInput {
  record: StartedRecord;
  baseline: UpdateBaseline;
  serviceName: string;
  /** The spec live before the update (for --revert-on-failure); null when unknown. */
  before: ServiceSpec | null;
  /** What our update applied, to notice someone else's update; null when Swarm already ended ours. */
  applied: AppliedSpec | null;
}

/** Watch → health watch → revert (if asked and failed) → bookkeeping. */
async function follow(deps: EngineDeps, input: FollowInput, opts: WatchOptions): Promise<RolloutOutcome> {
  const now = deps.now ?? Date.now;
  const {record, baseline, serviceName} = input;
  let {applied} = input;
  const pollMs = opts.pollMs ?? DEFAULT_POLL_MS;
  const timeoutMs = opts.convergeTimeoutMs ?? DEFAULT_CONVERGE_TIMEOUT_MS;
  const windowMs = opts.watchMs ?? record.watchMs;
  const interrupted = (): RolloutOutcome => ({
    kind: record.kind,
    result: 'interrupted',
    service: serviceName,
    from: record.fromVersion,
    to: record.toVersion,
    recordedVersion: null,
    durationMs: now() - record.startedAtMs,
    reasons: ['stopped watching; Swarm carries on with the update'],
    errors: [],
  });

  const current = await deps.gateway.findService(record.serviceId);
  if (current && isJobSpec(current.Spec)) {
    // A job has no update to converge: its run is judged by completion.
    const job = await watchJob(deps.gateway, record.serviceId, baseline, {pollMs, timeoutMs, signal: opts.signal, now});
    if (job.status === 'interrupted') return interrupted();
    const result = job.status === 'succeeded' ? 'healthy' : 'failed';
    return finishRollout(deps, {
      record,
      serviceName,
      result,
      reasons: job.reasons,
      errors: job.errors,
      startedAtMs: record.startedAtMs,
    });
  }
  const converged = await watchConvergence(deps.gateway, record.serviceId, baseline, {
    pollMs,
    timeoutMs,
    signal: opts.signal,
    now,
    onProgress: (progress) => opts.onEvent?.({type: 'progress', progress}),
    applied,
  });
  traceMark(`${serviceName}: rollout ${converged.status}`);
  if (converged.status === 'interrupted') return interrupted();
  const conflicted = (reason: string) =>
    finishRollout(deps, {
      record,
      serviceName,
      result: 'conflict',
      reasons: [reason],
      errors: [],
      startedAtMs: record.startedAtMs,
    });
  if (converged.status === 'conflict')
    return conflicted(converged.reasons[0] ?? 'the service was changed by someone else');
  let errors = converged.errors;

  let result: 'healthy' | 'degraded' | 'failed' = 'failed';
  let reasons = converged.reasons;
  let verdict;
  let metrics;
  if (converged.status === 'converged' && converged.last) {
    const health = await watchHealth(deps.gateway, converged.last.service, baseline, {
      windowMs,
      pollMs,
      signal: opts.signal,
      now,
      onVerdict: (elapsedMs, v) => opts.onEvent?.({type: 'health', elapsedMs, verdict: v, windowMs}),
      onMetrics: (tasks) => opts.onEvent?.({type: 'metrics', tasks}),
      applied,
    });
    traceMark(`${serviceName}: health watch ${health.verdict?.status ?? health.status}`);
    if (health.status === 'conflict') return conflicted(health.conflict ?? 'the service was changed by someone else');
    if (health.status === 'interrupted' || !health.verdict) return interrupted();
    verdict = health.verdict;
    metrics = health.metrics;
    result = verdict.status === 'pending' ? 'failed' : verdict.status;
    reasons = verdict.reasons;
    // A node lost or drained during the rollout: the service may be whole again elsewhere, but not
    // as it was asked for; the verdict says so rather than "healthy".
    // (Swarm marks a node down ~12 s after losing it: look again once the health window is over.)
    const after = await pollService(deps.gateway, converged.last.service.ID, baseline.versionIndex);
    // A node drained (or paused) by an operator is a note: its tasks went where they were sent, and
    // the verdict is that of the tasks that replaced them.
    const incidents = [...converged.incidents, ...health.incidents, ...(after ? nodeIncidents(after).values() : [])];
    const lines = [...new Set(incidents.map((i) => i.line))];
    if (lines.length > 0) {
      if (result === 'healthy' && incidents.some((i) => i.degrades)) result = 'degraded';
      reasons = [...reasons, ...lines];
    }
    if (result !== 'healthy')
      errors = [
        ...errors,
        ...(await explainHealthFailures(
          deps,
          converged.last.service,
          baseline,
          errors,
          health.failedTaskIds ?? [],
          verdict.running === 0,
        )),
      ];
  }

  let finalResult: 'healthy' | 'degraded' | 'failed' | 'reverted' = result;
  const revertOnFailure = opts.revertOnFailure ?? record.revertOnFailure;
  if (result === 'failed' && revertOnFailure) {
    opts.onEvent?.({type: 'reverting', reason: reasons[0] ?? 'the rollout failed'});
    const before = input.before;
    const reverted = before
      ? await revertTo(deps, record.serviceId, before, {pollMs, timeoutMs, signal: opts.signal, onEvent: opts.onEvent})
      : {ok: false, reasons: ['revert impossible: the spec live before is unknown']};
    if (opts.signal?.aborted) return interrupted();
    reasons = [...reasons, ...reverted.reasons];
    if (reverted.ok) finalResult = 'reverted';
  }
  if (finalResult !== 'reverted' && converged.status === 'converged' && record.finalUpdateConfig !== undefined) {
    // The rollout's own settings (order, parallelism) must not outlive it: the version's go back.
    const restored = await restoreUpdateConfig(deps, record, record.finalUpdateConfig as UpdateConfig | null);
    if (restored.problem) reasons = [...reasons, restored.problem];
    if (restored.applied) applied = restored.applied;
  }
  return finishRollout(deps, {
    record,
    serviceName,
    result: finalResult,
    reasons,
    errors,
    verdict,
    metrics,
    startedAtMs: record.startedAtMs,
    applied,
  });
}

/**
 * Task errors of the converged spec's tasks that failed or are unhealthy (for a failed or degraded
 * verdict). With none of them running (`noneRunning`), the tasks of the rollout that ended are
 * explained too: one Swarm stopped for failing its health check may have ended between two polls.
 */
async function explainHealthFailures(
  deps: EngineDeps,
  converged: Service,
  baseline: UpdateBaseline,
  known: string[],
  failedTaskIds: readonly string[],
  noneRunning: boolean,
): Promise<string[]> {
  const poll = await pollService(deps.gateway, converged.ID, baseline.versionIndex);
  if (!poll) return [];
  const ours = poll.tasks.filter((task) => isTaskOnTemplate(task, converged.Spec.TaskTemplate));
  const unhealthy = Object.entries(poll.containerHealth ?? {})
    .filter(([, health]) => health === 'unhealthy')
    .map(([id]) => id);
  // Tasks that ended `complete` after failing their health check carry no error: only their
  // containers tell why. (pollService leaves out tasks that had ended before the update, so the
  // ended ones here are the rollout's.)
  const ended = noneRunning ? ours.filter((task) => isTerminalState(task.Status.State)).map((task) => task.ID) : [];
  return explainTaskFailures(deps.gateway, ours, null, known, [...unhealthy, ...failedTaskIds, ...ended], poll.nodes);
}

export class NothingToResumeError extends DokrollError {
  constructor(service: string) {
    super(
      `nothing to resume: no rollback or redeploy of '${service}' is in progress`,
      EXIT.badInput,
      'nothing-to-resume',
    );
  }
}

const SWARM_ENDED = new Set(['paused', 'rollback_started', 'rollback_paused', 'rollback_completed']);

/** Reattaches to the rollout of this service still in flight, watches it the same way and finishes it. */
export async function resumeRollout(
  deps: EngineDeps,
  serviceNameOrId: string,
  opts: ResumeOptions = {},
): Promise<RolloutOutcome> {
  const service = await deps.gateway.findService(serviceNameOrId);
  const serviceName = service?.Spec.Name ?? serviceNameOrId;
  const record = await findInFlight(deps.store, serviceName);
  if (!record) throw new NothingToResumeError(serviceName);
  opts.onAttach?.(serviceName);
  const end = (result: 'failed' | 'conflict', reason: string) =>
    finishRollout(deps, {record, serviceName, result, reasons: [reason], errors: [], startedAtMs: record.startedAtMs});
  if (!service || service.ID !== record.serviceId) return end('failed', 'the service was removed during the rollout');

  const live = await captureService(deps.gateway, service);
  const state = service.UpdateStatus?.State;
  const ours = service.UpdateStatus?.StartedAt !== record.updateStartedAt;
  const expected =
    live.hash === record.targetHash || (record.finalHash !== undefined && live.hash === record.finalHash);
  if (!expected && !(state && SWARM_ENDED.has(state) && ours)) {
    return end(
      'conflict',
      `the service was changed by someone else after the ${record.kind} started (Version.Index ${service.Version.Index})`,
    );
  }
  const baseline: UpdateBaseline = {
    versionIndex: record.versionIndex,
    updateStartedAt: record.updateStartedAt,
    startedAtMs: record.startedAtMs,
  };
  // After our update Swarm's PreviousSpec is the spec it replaced: what a revert re-applies.
  // After the version's update settings were put back, PreviousSpec is the rollout's target: no revert then.
  const ongoing = live.hash === record.targetHash;
  const before = ongoing ? (service.PreviousSpec ?? null) : null;
  const applied: AppliedSpec | null = ongoing
    ? {spec: service.Spec, hash: record.targetHash, image: live.snapshot.image, versionIndex: record.versionIndex}
    : null;
  return follow(deps, {record, baseline, serviceName, before, applied}, opts);
}
