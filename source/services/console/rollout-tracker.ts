/**
 * The console's side of the rollback engine: starts rollbacks and redeploys in the background and
 * mirrors their progress, health watch and result into state.rollouts[service], where they stay
 * after the operator leaves the panel (and after the rollout ended, until the next one). A confirmed
 * rollback applies the plan its pre-flight showed (no second pre-flight). Pre-flight asks the
 * rollback registry where a version's image comes from (pushed digest, local tag), and the service
 * update carries that registry's credentials, as `dokroll-tui rollback` does.
 */
import type {DockerGateway} from '../../docker/gateway.js';
import type {RolloutProgress} from '../../domain/rollout-progress.js';
import {DokrollError, EXIT, errorText} from '../../shared/errors.js';
import type {Store} from '../../store/index.js';
import type {
  ConsoleState,
  InterruptedRollout,
  PreflightReport,
  RollbackMode,
  ConsoleRolloutHandle,
  RolloutEnd,
  RolloutView,
} from '../console-model.js';
import type {RegistrySetup} from '../registry/setup.js';
import {
  planRedeploy,
  planRollback,
  resumeRollout,
  startRollout,
  type RolloutEvent,
  type RolloutOutcome,
  type RolloutPlan,
} from '../rollback/index.js';
import {isConnectionLoss} from './connection-supervisor.js';
import type {StatePublisher} from './state-publisher.js';
import {RolloutLogs} from './rollout-logs.js';

export class RolloutBusyError extends DokrollError {
  constructor(service: string) {
    super(`a rollback or redeploy of '${service}' is still running`, EXIT.conflict, 'rollout-busy');
  }
}

export interface TrackerDeps {
  store: Store;
  publisher: StatePublisher<ConsoleState>;
  /** The connected gateway; throws when there is none. */
  gateway(): DockerGateway;
  /** The rollback registry (image source and credentials of a rollback). */
  registry: RegistrySetup;
  /** Why the rollback registry was left out of a rollback (its credentials do not resolve). */
  warn(message: string): void;
  /** Health watch after convergence. */
  watchMs?: number;
  pollMs: number;
  /** A rollout ended or changed the history (recorded a version). */
  onFinished(service: string): void;
}

export function initialProgress(): RolloutProgress {
  return {
    phase: 'preparing',
    updateState: null,
    slotsDone: 0,
    slotsTotal: 0,
    slots: [],
    elapsedMs: 0,
    etaMs: null,
    message: null,
    converged: false,
    errors: [],
  };
}

export class RolloutTracker {
  /** Services with a rollout started here and not finished: name → service ID (once planned). */
  private readonly active = new Map<string, string | null>();
  /** Rollouts whose watch lost the daemon after the update was applied: resumed on reconnection. */
  private readonly orphans = new Map<string, (result: RolloutEnd) => void>();
  /** The plans behind the pre-flight reports handed out, until one is confirmed (or forgotten). */
  private readonly planned = new WeakMap<
    PreflightReport,
    {service: string; version: number; mode: RollbackMode; plan: RolloutPlan}
  >();
  /** The log tail of each rollout under way. */
  private readonly tails = new Map<string, RolloutLogs>();

  constructor(private readonly deps: TrackerDeps) {}

  /** Whether this console is rolling the service (name or ID) out right now. */
  isActive(serviceNameOrId: string): boolean {
    return this.active.has(serviceNameOrId) || [...this.active.values()].includes(serviceNameOrId);
  }

  async preflight(service: string, version: number, mode: RollbackMode): Promise<PreflightReport> {
    const plan = await planRollback(this.engineDeps(), {service, version, mode});
    this.planned.set(plan.report, {service, version, mode, plan});
    return plan.report;
  }

  /**
   * `shown`: the report preflight() gave for the same service, version and mode: its plan is applied
   * (once) instead of planning again. The update sends the Version.Index the plan read, so a service
   * changed since ends in conflict with nothing applied.
   */
  rollback(
    service: string,
    version: number,
    mode: RollbackMode,
    from: number | null,
    shown?: PreflightReport,
    opts: {revertOnFailure?: boolean} = {},
  ): ConsoleRolloutHandle {
    const planned = shown ? this.planned.get(shown) : undefined;
    const reuse =
      planned && planned.service === service && planned.version === version && planned.mode === mode
        ? planned.plan
        : null;
    if (reuse && shown) this.planned.delete(shown);
    return this.start(
      service,
      {kind: 'rollback', from, to: version},
      () => (reuse ? Promise.resolve(reuse) : planRollback(this.engineDeps(), {service, version, mode})),
      opts.revertOnFailure === true,
    );
  }

  redeploy(service: string, live: number | null): ConsoleRolloutHandle {
    return this.start(service, {kind: 'redeploy', from: live, to: live}, () =>
      planRedeploy(this.engineDeps(), service),
    );
  }

  /**
   * Reattaches to a rollout left open in the journal (its console closed mid-rollout): watched to
   * its verdict and finished as `rollback --resume` does, in state.rollouts[service] like any other.
   */
  resume(service: string, interrupted: InterruptedRollout): ConsoleRolloutHandle {
    if (this.active.has(service)) throw new RolloutBusyError(service);
    this.active.set(service, null);
    this.deps.publisher.update((s) => {
      const {[service]: _reattached, ...rest} = s.interrupted ?? {};
      return {...s, interrupted: rest};
    });
    const {kind, from, to} = interrupted;
    this.set(service, () => ({kind, from, to, progress: initialProgress(), done: false}));
    const controller = new AbortController();
    const run = async (): Promise<RolloutEnd> => {
      try {
        const outcome = await resumeRollout(this.engineDeps(), service, {
          ...this.watchOptions(),
          signal: controller.signal,
          onEvent: (event) => this.onEvent(service, event),
        });
        return this.finish(service, toResult(outcome));
      } catch (error) {
        if (isConnectionLoss(error)) return this.orphan(service);
        return this.finish(service, {result: 'failed', error: errorText(error)});
      }
    };
    return {done: run(), cancelWatch: () => controller.abort()};
  }

  /**
   * A rollout another engine runs (a service of a stack rollback): shown in state.rollouts[service]
   * like this tracker's own, and counted as active until `finish`.
   */
  track(
    service: string,
    view: Pick<RolloutView, 'kind' | 'from' | 'to'>,
  ): {onEvent(event: RolloutEvent): void; finish(end: RolloutEnd): RolloutEnd} {
    if (this.active.has(service)) throw new RolloutBusyError(service);
    this.active.set(service, null);
    this.set(service, () => ({...view, progress: initialProgress(), startedAt: Date.now(), done: false}));
    return {onEvent: (event) => this.onEvent(service, event), finish: (end) => this.finish(service, end)};
  }

  engineDeps() {
    const gateway = this.deps.gateway();
    return {gateway, store: this.deps.store, ...this.deps.registry.rollbackDeps(gateway, this.deps.warn)};
  }

  private start(
    service: string,
    view: Pick<RolloutView, 'kind' | 'from' | 'to'>,
    plan: () => Promise<RolloutPlan>,
    revertOnFailure = false,
  ): ConsoleRolloutHandle {
    if (this.active.has(service)) throw new RolloutBusyError(service);
    this.active.set(service, null);
    this.set(service, () => ({...view, progress: initialProgress(), startedAt: Date.now(), done: false}));
    let cancelled = false;
    let cancel = () => {
      cancelled = true;
    };
    const run = async (): Promise<RolloutEnd> => {
      let applied = false;
      try {
        const planned = await plan();
        this.active.set(service, planned.service.ID);
        this.set(service, (r) => ({...r, from: planned.fromVersion, to: planned.toVersion}));
        if (cancelled) return this.finish(service, {result: 'failed', error: 'cancelled before anything was changed'});
        const handle = startRollout(this.engineDeps(), planned, {
          ...this.watchOptions(),
          ...(revertOnFailure ? {revertOnFailure} : {}),
          onEvent: (event) => {
            if (event.type === 'applied') applied = true;
            this.onEvent(service, event);
          },
        });
        cancel = handle.cancelWatch;
        return this.finish(service, toResult(this.keepCauses(service, await handle.done)));
      } catch (error) {
        if (applied && isConnectionLoss(error)) return this.orphan(service);
        return this.finish(service, {result: 'failed', error: errorText(error)});
      }
    };
    return {done: run(), cancelWatch: () => cancel()};
  }

  /** Called when the console is connected again: watches orphaned rollouts to their end. */
  reattach(): void {
    for (const [service, resolve] of [...this.orphans]) {
      this.orphans.delete(service);
      this.set(service, ({error: _lost, ...r}) => r);
      const resumed = Promise.resolve().then(() =>
        resumeRollout(this.engineDeps(), service, {
          ...this.watchOptions(),
          onEvent: (event) => this.onEvent(service, event),
        }),
      );
      resumed.then(
        (outcome) => resolve(this.finish(service, toResult(this.keepCauses(service, outcome)))),
        (error: unknown) => {
          if (isConnectionLoss(error)) this.orphan(service).then(resolve, () => undefined);
          else resolve(this.finish(service, {result: 'failed', error: errorText(error)}));
        },
      );
    }
  }

  private orphan(service: string): Promise<RolloutEnd> {
    this.tails.get(service)?.stop();
    this.tails.delete(service);
    this.set(service, (r) => ({
      ...r,
      error: 'lost the Docker daemon during the rollout: watching again once it answers',
    }));
    return new Promise((resolve) => this.orphans.set(service, resolve));
  }

  private watchOptions() {
    return {pollMs: this.deps.pollMs, ...(this.deps.watchMs !== undefined ? {watchMs: this.deps.watchMs} : {})};
  }

  private onEvent(service: string, event: RolloutEvent): void {
    switch (event.type) {
      case 'progress':
        this.tail(service).track(event.progress.slots);
        return this.set(service, (r) => ({...r, progress: event.progress, progressAt: Date.now()}));
      case 'health':
        return this.set(service, (r) => ({
          ...r,
          verdict: event.verdict,
          watch: {elapsedMs: event.elapsedMs, windowMs: event.windowMs, at: Date.now()},
        }));
      case 'reverting':
        return this.set(service, (r) => ({...r, error: `reverting: ${event.reason}`}));
      case 'metrics':
        return this.set(service, (r) => ({...r, metrics: event.tasks}));
      case 'applied':
        return;
    }
  }

  /** The task errors the rollback found (the health check's last output among them), for the panel. */
  private keepCauses(service: string, outcome: RolloutOutcome): RolloutOutcome {
    if (outcome.errors.length > 0) this.set(service, (r) => ({...r, causes: outcome.errors}));
    return outcome;
  }

  /** The rollout's log tail, started with its first progress (lines of an earlier rollout are dropped). */
  private tail(service: string): RolloutLogs {
    let tail = this.tails.get(service);
    if (!tail) {
      tail = new RolloutLogs(
        () => this.deps.gateway(),
        (edit) => this.set(service, edit),
      );
      this.tails.set(service, tail);
      this.set(service, ({logs: _earlier, ...r}) => r);
    }
    return tail;
  }

  private finish(service: string, result: RolloutEnd): RolloutEnd {
    this.active.delete(service);
    this.tails.get(service)?.stop();
    this.tails.delete(service);
    this.set(service, (r) => {
      const {error: _previous, ...rest} = r;
      const next: RolloutView = {...rest, done: true, endedAt: Date.now(), result: result.result};
      if (result.error) next.error = result.error;
      return next;
    });
    this.deps.onFinished(service);
    return result;
  }

  private set(service: string, change: (rollout: RolloutView) => RolloutView): void {
    this.deps.publisher.update((s) => {
      const current = s.rollouts[service] ?? {
        kind: 'rollback',
        from: null,
        to: null,
        progress: initialProgress(),
        done: false,
      };
      return {...s, rollouts: {...s.rollouts, [service]: change(current)}};
    });
  }
}

function toResult(outcome: RolloutOutcome): RolloutEnd {
  const version = outcome.recordedVersion ?? outcome.to;
  if (outcome.result === 'interrupted') {
    return {result: 'failed', version, error: outcome.reasons.join('; ') || 'stopped watching'};
  }
  const result: RolloutEnd = {result: outcome.result, version};
  if (outcome.result !== 'healthy' && outcome.reasons.length > 0) result.error = outcome.reasons.join('; ');
  return result;
}
