/**
 * Rolling a whole stack back to one of its revisions.
 *
 * Plan (reads only): for every service of the target revision, the service's own rollback pre-flight
 * (planRollback: image, secrets, configs, networks, not mid-update) — or "unchanged" when it already
 * runs that version, or "re-create" when it was removed since (from its stored spec, which keeps the
 * stack's labels, so `docker stack` still sees it; image and references checked the same way). Services
 * added since are kept by default, and removed only with `prune`. One failing check anywhere means
 * nothing changes.
 *
 * Apply: the per-service rollouts run in parallel (or one after another with `sequential`), each
 * through the rollback engine with its own rolling update, progress, health watch and bookkeeping.
 * One combined verdict: healthy only when every service is. With `revertOnFailure`, a failure of any
 * service puts EVERY service back to what ran before. The result is recorded as a new revision
 * ("rolled back to rN") with each service's new version, and in the audit log as one stack action.
 */
import type {Service, ServiceSpec} from '../../docker/schemas.js';
import {diffMembers, membersHash, stackOf, summarizeMembersDiff, type StackMembers} from '../../domain/stack.js';
import {checkReferences, describeMissing} from '../../domain/spec-references.js';
import {versionHash} from '../../domain/version-identity.js';
import type {Snapshot} from '../../domain/snapshot.js';
import {randomUUID} from 'node:crypto';
import {DokrollError, EXIT} from '../../shared/errors.js';
import {traceMark} from '../../shared/phase-trace.js';
import {defaultActor, type StackRevisionRow} from '../../store/index.js';
import {checkImage} from '../rollback/image-check.js';
import {
  executeRollout,
  findInFlight,
  planRollback,
  resumeRollout,
  runsTargetAlready,
  type PlanDeps,
  type PreflightCheck,
  type RolloutEvent,
  type RolloutOutcome,
  type RolloutPlan,
  type RolloutResult,
} from '../rollback/index.js';
import {sharingSwarmReads} from './shared-reads.js';
import {liveMembers, requireRevision} from './stack-history.js';
import {appendStackFinished, appendStackStarted, findStackInFlight, type StackStartedRecord} from './stack-journal.js';

export type StackServiceAction = 'rollback' | 'unchanged' | 'recreate' | 'remove' | 'keep';

export interface StackServicePlan {
  service: string;
  action: StackServiceAction;
  /** The version the service runs now (null: not recorded, or not running). */
  from: number | null;
  /** The version of the target revision (null for services added since). */
  to: number | null;
  /** The engine's plan, for `rollback`. */
  plan?: RolloutPlan;
  /** The spec to create, for `recreate`. */
  create?: {spec: ServiceSpec; hash: string};
  /** The live service, for `remove` / `keep`. */
  live?: Service;
  checks: PreflightCheck[];
}

export interface StackPlan {
  stack: string;
  target: StackRevisionRow;
  services: StackServicePlan[];
  ok: boolean;
  /** The first failing check, naming the service: nothing is changed when set. */
  failure: {kind: 'conflict' | 'failed'; service: string; message: string} | null;
}

export class StackRollbackInFlightError extends DokrollError {
  constructor(stack: string, detail: string) {
    super(
      `stack '${stack}' has a stack rollback in progress (${detail}); wait for it to finish`,
      EXIT.conflict,
      'conflict',
    );
  }
}

export async function planStackRollback(
  deps: PlanDeps,
  stack: string,
  revision: number,
  options: {prune?: boolean; force?: boolean} = {},
): Promise<StackPlan> {
  const target = await requireRevision(deps.store, stack, revision);
  const {services, members: live} = await liveMembers(deps.gateway, deps.store, stack);
  traceMark(`stack ${stack}: live members read`);
  const byName = new Map(services.map((s) => [s.Spec.Name, s]));
  const plans: StackServicePlan[] = [];
  // The services' pre-flights run together and share the whole-swarm reads (shared-reads.ts).
  const planDeps: PlanDeps = {...deps, gateway: sharingSwarmReads(deps.gateway)};
  await Promise.all(
    Object.entries(target.members).map(async ([service, to]) => {
      const running = byName.get(service);
      if (!running) {
        plans.push(await planRecreate(planDeps, stack, service, to));
        return;
      }
      const from = live[service] ?? null;
      const plan = await planRollback(planDeps, {
        service: running.ID,
        version: to,
        mode: 'full',
        force: options.force,
      });
      const unchanged = runsTargetAlready(plan) && plan.failure === null;
      traceMark(`${service}: pre-flight done`);
      plans.push({service, action: unchanged ? 'unchanged' : 'rollback', from, to, plan, checks: plan.report.checks});
    }),
  );
  for (const service of services) {
    if (service.Spec.Name in target.members) continue;
    plans.push({
      service: service.Spec.Name,
      action: options.prune ? 'remove' : 'keep',
      from: live[service.Spec.Name] ?? null,
      to: null,
      live: service,
      checks: [],
    });
  }
  plans.sort((a, b) => a.service.localeCompare(b.service));
  let failure: StackPlan['failure'] = null;
  for (const p of plans) {
    const failed = p.checks.find((c) => !c.ok);
    if (failed) {
      failure = {
        kind: failed.name === 'not mid-update' ? 'conflict' : 'failed',
        service: p.service,
        message: `${p.service}: ${failed.name}: ${failed.detail}`,
      };
      break;
    }
  }
  return {stack, target, services: plans, ok: failure === null, failure};
}

async function planRecreate(deps: PlanDeps, stack: string, service: string, to: number): Promise<StackServicePlan> {
  const row = await deps.store.versions.get(service, to);
  if (!row) {
    return {
      service,
      action: 'recreate',
      from: null,
      to,
      checks: [{name: 'version', ok: false, detail: `v${to} is no longer stored`}],
    };
  }
  const snapshot = row.snapshot as unknown as Snapshot;
  const spec: ServiceSpec = structuredClone(snapshot.spec) as ServiceSpec;
  if (spec.TaskTemplate.ContainerSpec) spec.TaskTemplate.ContainerSpec.Image = snapshot.image.pinned;
  const [secrets, configs, networks] = await Promise.all([
    deps.gateway.listSecrets(),
    deps.gateway.listConfigs(),
    deps.gateway.listNetworks(),
  ]);
  const refs = checkReferences(spec, {secrets, configs, networks});
  const image = await checkImage(deps.gateway, snapshot.image.pinned, deps.registryAuth);
  const checks: PreflightCheck[] = [
    {
      name: 'service',
      ok: true,
      detail: `removed since: re-created from v${to}'s stored spec (stack label ${stackOf(spec.Labels) ?? stack})`,
    },
    {name: 'image', ok: image.ok, detail: image.detail},
    {
      name: 'references',
      ok: refs.missing.length === 0,
      detail:
        refs.missing.length === 0 ? 'secrets, configs and networks found' : `missing: ${describeMissing(refs.missing)}`,
    },
  ];
  return {
    service,
    action: 'recreate',
    from: null,
    to,
    create: {spec: refs.spec, hash: versionHash(refs.spec, snapshot.image)},
    checks,
  };
}

export interface StackServiceOutcome {
  service: string;
  action: StackServiceAction;
  result: RolloutResult;
  from: number | null;
  to: number | null;
  /** The version the service runs after the rollback (recorded by the engine, or the target). */
  version: number | null;
  reasons: string[];
  outcome?: RolloutOutcome;
}

export interface StackOutcome {
  stack: string;
  result: RolloutResult;
  to: number;
  services: StackServiceOutcome[];
  /** The revision recorded for the stack afterwards (null when nothing changed or it failed). */
  recordedRevision: number | null;
  reasons: string[];
  durationMs: number;
}

export interface StackApplyOptions {
  sequential?: boolean;
  revertOnFailure?: boolean;
  watchMs?: number;
  signal?: AbortSignal;
  onEvent?: (service: string, event: RolloutEvent) => void;
}

/** Worst first, for the combined verdict. */
const RESULT_ORDER: RolloutResult[] = ['conflict', 'failed', 'reverted', 'interrupted', 'degraded', 'healthy'];

export function combinedResult(results: readonly RolloutResult[]): RolloutResult {
  for (const result of RESULT_ORDER) if (results.includes(result)) return result;
  return 'healthy';
}

/** A stack rollback whose process died does not hold the stack for ever. */
const STALE_CLAIM_MS = 30 * 60_000;

export class NothingToResumeStackError extends DokrollError {
  constructor(stack: string) {
    super(`nothing to resume: no stack rollback of '${stack}' is in progress`, EXIT.badInput, 'nothing-to-resume');
  }
}

export async function executeStackRollback(
  deps: PlanDeps,
  plan: StackPlan,
  options: StackApplyOptions = {},
): Promise<StackOutcome> {
  if (plan.failure) {
    await appendStackFinished(deps.store, plan.stack, null, {
      actor: deps.actor,
      toVersion: plan.target.number,
      result: plan.failure.kind,
      detail: `not applied: pre-flight: ${plan.failure.message}`,
    });
    return {
      stack: plan.stack,
      result: plan.failure.kind,
      to: plan.target.number,
      services: [],
      recordedRevision: null,
      reasons: [plan.failure.message],
      durationMs: 0,
    };
  }
  // One stack rollback at a time, across processes and machines sharing the history: the claim is
  // one write transaction, so of two started together exactly one proceeds.
  const run = randomUUID();
  const held = await deps.store.stacks.claim(plan.stack, run, deps.actor ?? defaultActor(), STALE_CLAIM_MS);
  if (held) throw new StackRollbackInFlightError(plan.stack, `started ${held.at.toISOString()} by ${held.holder}`);
  traceMark(`stack ${plan.stack}: claimed`);
  try {
    // The journal entry is written before anything changes: with it, --resume can finish the run.
    const record: StackStartedRecord = {
      run,
      stack: plan.stack,
      to: plan.target.number,
      before: await revisionLiveBefore(deps, plan),
      services: plan.services.map((p) => ({service: p.service, action: p.action, from: p.from, to: p.to})),
      sequential: options.sequential ?? false,
      revertOnFailure: options.revertOnFailure ?? false,
      watchMs: options.watchMs ?? null,
      startedAtMs: Date.now(),
      plan: describePlan(plan),
    };
    await appendStackStarted(deps.store, record, deps.actor);
    traceMark(`stack ${plan.stack}: journal written`);
    const byService = new Map(plan.services.map((p) => [p.service, p]));
    const outcomes = await rollEach(record, options, (entry) =>
      applyOne(deps, plan.stack, record.to, byService.get(entry.service)!, options),
    );
    return await finishStack(deps, record, outcomes, options);
  } finally {
    await deps.store.stacks.release(plan.stack, run);
  }
}

/**
 * `--resume`: the stack rollback in flight (its process was killed, or stopped watching) is finished:
 * each service's rollout still in flight is reattached to, one that ended is taken as it ended, one
 * not started yet (sequential, or killed before it was applied) is applied now; then the combined
 * verdict, revert-on-failure, the revision and the journal's end row, as if nothing had happened.
 */
export async function resumeStackRollback(
  deps: PlanDeps,
  stack: string,
  options: StackApplyOptions & {onAttach?: (stack: string) => void} = {},
): Promise<StackOutcome> {
  const record = await findStackInFlight(deps.store, stack);
  if (!record) throw new NothingToResumeStackError(stack);
  const held = await deps.store.stacks.claim(stack, record.run, deps.actor ?? defaultActor(), STALE_CLAIM_MS);
  if (held) throw new StackRollbackInFlightError(stack, `started ${held.at.toISOString()} by ${held.holder}`);
  try {
    options.onAttach?.(stack);
    const opts: StackApplyOptions = {
      ...options,
      sequential: record.sequential,
      revertOnFailure: options.revertOnFailure ?? record.revertOnFailure,
      watchMs: options.watchMs ?? record.watchMs ?? undefined,
    };
    const outcomes = await rollEach(record, opts, (entry) => resumeOne(deps, record, entry, opts));
    return await finishStack(deps, record, outcomes, opts);
  } finally {
    await deps.store.stacks.release(stack, record.run);
  }
}

type JournalEntry = StackStartedRecord['services'][number];

async function rollEach(
  record: StackStartedRecord,
  options: StackApplyOptions,
  one: (entry: JournalEntry) => Promise<StackServiceOutcome>,
): Promise<StackServiceOutcome[]> {
  if (!record.sequential) return Promise.all(record.services.map(one));
  const outcomes: StackServiceOutcome[] = [];
  for (const entry of record.services) {
    const base = {service: entry.service, action: entry.action, from: entry.from, to: entry.to};
    // Stopped watching: the services not started yet stay as they are (a resume starts them).
    if (options.signal?.aborted)
      outcomes.push({...base, result: 'interrupted', version: entry.from, reasons: ['not started yet']});
    else outcomes.push(await one(entry));
  }
  return outcomes;
}

/** The revision whose members are what ran before (null: what ran matched no recorded revision). */
async function revisionLiveBefore(deps: PlanDeps, plan: StackPlan): Promise<number | null> {
  const before: StackMembers = {};
  for (const p of plan.services) {
    if (p.from === null) {
      if (p.action !== 'recreate') return null;
      continue;
    }
    before[p.service] = p.from;
  }
  const latest = await deps.store.stacks.latest(plan.stack);
  return latest && Object.keys(before).length > 0 && membersHash(latest.members) === membersHash(before)
    ? latest.number
    : null;
}

async function applyOne(
  deps: PlanDeps,
  stack: string,
  to: number,
  p: StackServicePlan,
  options: StackApplyOptions,
): Promise<StackServiceOutcome> {
  const base = {service: p.service, action: p.action, from: p.from, to: p.to};
  if (p.action === 'unchanged' || p.action === 'keep')
    return {...base, result: 'healthy', version: p.from ?? p.to, reasons: []};
  if (p.action === 'remove') {
    await deps.gateway.removeService(p.live!.ID);
    await deps.store.audit.append({
      action: 'remove',
      serviceName: p.service,
      fromVersion: p.from,
      result: 'ok',
      detail: `removed by a rollback of stack ${stack} to r${to}`,
    });
    return {...base, result: 'healthy', version: null, reasons: ['removed']};
  }
  if (p.action === 'recreate') {
    await deps.gateway.createService(p.create!.spec);
    await deps.store.audit.append({
      action: 'recreate',
      serviceName: p.service,
      toVersion: p.to,
      result: 'ok',
      detail: `re-created by a rollback of stack ${stack} to r${to}`,
    });
    return {...base, result: 'healthy', version: p.to, reasons: []};
  }
  const outcome = await executeRollout(deps, p.plan!, {
    watchMs: options.watchMs,
    signal: options.signal,
    onEvent: (event) => options.onEvent?.(p.service, event),
  });
  return fromRollout(base, outcome);
}

/** `service: result — why` (the verdict's reason, and the first task error: the cause). */
function whyLine(o: StackServiceOutcome): string {
  const why = [...new Set([o.reasons[0], o.outcome?.errors[0]].filter((part): part is string => Boolean(part)))];
  return `${o.service}: ${o.result}${why.length > 0 ? ` — ${why.join('; ')}` : ''}`;
}

function fromRollout(
  base: Pick<StackServiceOutcome, 'service' | 'action' | 'from' | 'to'>,
  outcome: RolloutOutcome,
): StackServiceOutcome {
  const version = outcome.recordedVersion ?? (outcome.result === 'healthy' ? base.to : base.from);
  return {...base, result: outcome.result, version, reasons: outcome.reasons, outcome};
}

const RESULTS = new Set<string>(['healthy', 'degraded', 'failed', 'conflict', 'reverted', 'interrupted']);

/** One service of an interrupted stack rollback: reattach, take its end as it was, or start it. */
async function resumeOne(
  deps: PlanDeps,
  record: StackStartedRecord,
  entry: JournalEntry,
  options: StackApplyOptions,
): Promise<StackServiceOutcome> {
  const base = {service: entry.service, action: entry.action, from: entry.from, to: entry.to};
  if (entry.action === 'unchanged' || entry.action === 'keep')
    return {...base, result: 'healthy', version: entry.from ?? entry.to, reasons: []};
  const live = await deps.gateway.findService(entry.service);
  if (entry.action === 'remove') {
    if (live) return applyOne(deps, record.stack, record.to, {...base, live, checks: []}, options);
    return {...base, result: 'healthy', version: null, reasons: ['removed']};
  }
  if (entry.action === 'recreate') {
    if (live) return {...base, result: 'healthy', version: entry.to, reasons: []};
    const p = await planRecreate(deps, record.stack, entry.service, entry.to!);
    const failed = p.checks.find((c) => !c.ok);
    if (failed) return {...base, result: 'failed', version: null, reasons: [`${failed.name}: ${failed.detail}`]};
    return applyOne(deps, record.stack, record.to, p, options);
  }
  const onEvent = (event: RolloutEvent) => options.onEvent?.(entry.service, event);
  const inFlight = await findInFlight(deps.store, entry.service);
  if (inFlight && inFlight.toVersion === entry.to && inFlight.startedAtMs >= record.startedAtMs) {
    return fromRollout(
      base,
      await resumeRollout(deps, entry.service, {watchMs: options.watchMs, signal: options.signal, onEvent}),
    );
  }
  // Ended while nobody watched the stack (its own end row is in the audit log): taken as it ended.
  const rows = await deps.store.audit.list({serviceName: entry.service, limit: 50});
  const ended = rows.find(
    (row) =>
      row.action === 'rollback' &&
      row.toVersion === entry.to &&
      row.at.getTime() >= record.startedAtMs &&
      RESULTS.has(row.result),
  );
  if (ended && ended.result !== 'interrupted') {
    const result = ended.result as RolloutResult;
    return {
      ...base,
      result,
      version: result === 'healthy' ? entry.to : entry.from,
      reasons: result === 'healthy' ? [] : [ended.detail ?? result],
    };
  }
  // Not started yet: its own pre-flight, then its rollout.
  const plan = await planRollback(deps, {service: entry.service, version: entry.to!, mode: 'full'});
  if (plan.failure === null && runsTargetAlready(plan))
    return {...base, result: 'healthy', version: entry.to, reasons: []};
  return fromRollout(
    base,
    await executeRollout(deps, plan, {watchMs: options.watchMs, signal: options.signal, onEvent}),
  );
}

/** The combined verdict, revert-on-failure, the revision, and the journal's end row. */
async function finishStack(
  deps: PlanDeps,
  record: StackStartedRecord,
  outcomes: StackServiceOutcome[],
  options: StackApplyOptions,
): Promise<StackOutcome> {
  const stack = record.stack;
  outcomes.sort((a, b) => a.service.localeCompare(b.service));
  const reasons = outcomes.filter((o) => o.result !== 'healthy').map(whyLine);
  if (options.signal?.aborted || outcomes.some((o) => o.result === 'interrupted')) {
    // Stopped watching: Swarm carries on; the journal stays open for --resume.
    return {
      stack,
      result: 'interrupted',
      to: record.to,
      services: outcomes,
      recordedRevision: null,
      reasons,
      durationMs: Date.now() - record.startedAtMs,
    };
  }
  let result = combinedResult(outcomes.map((o) => o.result));
  if ((options.revertOnFailure ?? record.revertOnFailure) && (result === 'failed' || result === 'degraded')) {
    reasons.push(...(await revertStack(deps, outcomes, options)));
    result = 'reverted';
  }

  let recordedRevision: number | null = null;
  if (result === 'healthy') {
    const members: StackMembers = {};
    for (const o of outcomes) if (o.version !== null && o.action !== 'remove') members[o.service] = o.version;
    if (Object.keys(members).length > 0) {
      const {row} = await deps.store.stacks.record({
        stack,
        members,
        source: 'rollback',
        note: `rolled back to r${record.to}`,
      });
      recordedRevision = row.number;
      traceMark(`stack ${stack}: revision recorded`);
    }
  }
  const durationMs = Date.now() - record.startedAtMs;
  await appendStackFinished(deps.store, stack, record.run, {
    actor: deps.actor,
    toVersion: record.to,
    result,
    durationMs,
    detail: recordedRevision !== null ? `recorded as r${recordedRevision}` : reasons.join('; ') || result,
  });
  traceMark(`stack ${stack}: journal closed (${result})`);
  return {stack, result, to: record.to, services: outcomes, recordedRevision, reasons, durationMs};
}

/** Puts every service that changed back to the version it ran before (revert-on-failure). */
async function revertStack(
  deps: PlanDeps,
  outcomes: StackServiceOutcome[],
  options: StackApplyOptions,
): Promise<string[]> {
  const notes: string[] = [];
  await Promise.all(
    outcomes.map(async (o) => {
      if (o.action === 'recreate') {
        const service = await deps.gateway.findService(o.service);
        if (service) await deps.gateway.removeService(service.ID);
        notes.push(`${o.service}: re-created service removed again`);
        return;
      }
      if (o.action !== 'rollback' || o.from === null) return;
      const current = await deps.gateway.findService(o.service);
      if (!current) return;
      const back = await planRollback(deps, {service: current.ID, version: o.from, mode: 'full', force: true});
      if (runsTargetAlready(back)) {
        notes.push(`${o.service}: back on v${o.from}`);
        return;
      }
      const reverted = await executeRollout(deps, back, {
        watchMs: options.watchMs,
        onEvent: (event) => options.onEvent?.(o.service, event),
      });
      notes.push(`${o.service}: reverted to v${o.from} (${reverted.result})`);
    }),
  );
  return notes;
}

/** One line: what the plan does to each service. */
export function describePlan(plan: StackPlan): string {
  return plan.services
    .map((p) => {
      if (p.action === 'rollback') return `${p.service} v${p.from ?? '?'}→v${p.to}`;
      if (p.action === 'recreate') return `${p.service} re-create v${p.to}`;
      if (p.action === 'remove') return `${p.service} remove`;
      if (p.action === 'keep') return `${p.service} kept (added since)`;
      return `${p.service} unchanged v${p.to}`;
    })
    .join(', ');
}

/** What the stack changes, as members (for the dialog and --dry-run). */
export function planMembersChange(plan: StackPlan): string {
  const from: StackMembers = {};
  for (const p of plan.services) if (p.from !== null) from[p.service] = p.from;
  return summarizeMembersDiff(diffMembers(from, plan.target.members));
}
