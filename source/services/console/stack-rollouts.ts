/**
 * The console's side of the stack rollback engine (stacks/stack-rollback.ts, the one `stack
 * rollback` runs): plans a stack rollback for the dialog, applies the plan the operator confirmed,
 * and mirrors it into state.stackRollouts[stack] (one row per service, the combined verdict) and each
 * rolled-back service's own rollout into state.rollouts[service] (the per-slot panel), through the
 * RolloutTracker. Journal, claim, revision and audit are the engine's, so `stack rollback --resume`
 * finishes a console's stack rollback as it finishes the CLI's.
 */
import {errorText} from '../../shared/errors.js';
import type {
  ConsoleRolloutHandle,
  ConsoleState,
  RolloutEnd,
  RolloutResultKind,
  StackPlanReport,
  StackRolloutView,
} from '../console-model.js';
import type {PlanDeps, RolloutEvent, RolloutResult} from '../rollback/index.js';
import {
  executeStackRollback,
  planStackRollback,
  StackRollbackInFlightError,
  type StackPlan,
} from '../stacks/stack-rollback.js';
import type {RolloutTracker} from './rollout-tracker.js';
import type {StatePublisher} from './state-publisher.js';

export interface StackRolloutDeps {
  publisher: StatePublisher<ConsoleState>;
  rollouts: RolloutTracker;
  /** The engine's dependencies on the connected gateway; throws when there is none. */
  engineDeps(): PlanDeps;
  /** Health watch after each service converged. */
  watchMs?: number;
}

/** The plan as the dialog shows it. */
export function planReport(plan: StackPlan): StackPlanReport {
  return {
    stack: plan.stack,
    revision: plan.target.number,
    services: plan.services.map(({service, action, from, to, checks}) => ({service, action, from, to, checks})),
    ok: plan.ok,
    failure: plan.failure?.message ?? null,
  };
}

/** A console rollout never ends 'interrupted': the console keeps watching (what stopped it is a failure). */
const consoleResult = (result: RolloutResult): RolloutResultKind => (result === 'interrupted' ? 'failed' : result);

export class StackRollouts {
  /** The plans behind the reports handed out, until one is confirmed. */
  private readonly planned = new WeakMap<StackPlanReport, StackPlan>();
  private readonly active = new Set<string>();

  constructor(private readonly deps: StackRolloutDeps) {}

  async preflight(stack: string, revision: number): Promise<StackPlanReport> {
    const plan = await planStackRollback(this.deps.engineDeps(), stack, revision);
    const report = planReport(plan);
    this.planned.set(report, plan);
    return report;
  }

  rollback(
    stack: string,
    revision: number,
    shown?: StackPlanReport,
    opts: {revertOnFailure?: boolean} = {},
  ): ConsoleRolloutHandle {
    if (this.active.has(stack)) throw new StackRollbackInFlightError(stack, 'started in this console');
    const planned = shown ? this.planned.get(shown) : undefined;
    const reuse = planned && planned.stack === stack && planned.target.number === revision ? planned : null;
    if (reuse && shown) this.planned.delete(shown);
    this.active.add(stack);
    const controller = new AbortController();
    const run = async (): Promise<RolloutEnd> => {
      const mirrors = new Map<string, ReturnType<RolloutTracker['track']>>();
      try {
        const deps = this.deps.engineDeps();
        const plan = reuse ?? (await planStackRollback(deps, stack, revision));
        this.set(stack, () => ({
          to: revision,
          services: plan.services.map(({service, action, from, to}) => ({service, action, from, to})),
          startedAt: Date.now(),
          done: false,
        }));
        if (plan.ok) {
          for (const p of plan.services)
            if (p.action === 'rollback')
              mirrors.set(p.service, this.deps.rollouts.track(p.service, {kind: 'rollback', from: p.from, to: p.to}));
        }
        const outcome = await executeStackRollback(deps, plan, {
          ...(this.deps.watchMs !== undefined ? {watchMs: this.deps.watchMs} : {}),
          ...(opts.revertOnFailure ? {revertOnFailure: true} : {}),
          signal: controller.signal,
          onEvent: (service: string, event: RolloutEvent) => mirrors.get(service)?.onEvent(event),
        });
        const byService = new Map(outcome.services.map((o) => [o.service, o]));
        for (const [service, mirror] of mirrors) {
          const o = byService.get(service);
          mirror.finish({
            result: consoleResult(o?.result ?? 'failed'),
            version: o?.version,
            ...(o && o.reasons.length > 0 ? {error: o.reasons.join('; ')} : {}),
          });
        }
        mirrors.clear();
        const result = consoleResult(outcome.result);
        this.set(stack, (r) => ({
          ...r,
          services: r.services.map((s) => {
            const o = byService.get(s.service);
            return o ? {...s, result: consoleResult(o.result), reasons: o.reasons} : s;
          }),
          done: true,
          endedAt: Date.now(),
          result,
          reasons: outcome.reasons,
          recordedRevision: outcome.recordedRevision,
        }));
        return {result, ...(outcome.reasons.length > 0 ? {error: outcome.reasons.join('; ')} : {})};
      } catch (error) {
        // Another stack rollback holds the stack (this console's, or a `stack rollback` anywhere): nothing was changed.
        const result: RolloutResultKind = error instanceof StackRollbackInFlightError ? 'conflict' : 'failed';
        for (const mirror of mirrors.values()) mirror.finish({result, error: errorText(error)});
        this.set(stack, (r) => ({...r, done: true, endedAt: Date.now(), result, reasons: [errorText(error)]}));
        return {result, error: errorText(error)};
      } finally {
        this.active.delete(stack);
      }
    };
    return {done: run(), cancelWatch: () => controller.abort()};
  }

  private set(stack: string, change: (view: StackRolloutView) => StackRolloutView): void {
    this.deps.publisher.update((s) => {
      const current = s.stackRollouts?.[stack] ?? {to: 0, services: [], startedAt: Date.now(), done: false};
      return {...s, stackRollouts: {...s.stackRollouts, [stack]: change(current)}};
    });
  }
}
