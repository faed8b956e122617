/**
 * A ConsoleModel for UI tests: state set by the test, calls recorded, async answers controllable.
 */
import type {
  ConsoleModel,
  ConsoleState,
  EventRow,
  LogsTarget,
  TaskDetail,
  PreflightReport,
  RollbackMode,
  ConsoleRolloutHandle,
  RolloutProgress,
  RolloutEnd,
  RolloutView,
  ServiceSummary,
  SnapshotDiff,
  StackDiff,
  StackHistory,
  StackPlanReport,
  TaskRow,
  HistoryRow,
  VersionRow,
} from '../../source/services/console-model.js';
import type {Snapshot, SnapshotView} from '../../source/domain/snapshot.js';

export interface Call {
  method: string;
  args: unknown[];
}

export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return {promise, resolve, reject};
}

export const NOW = Date.now();

export function service(overrides: Partial<ServiceSummary> & {name: string}): ServiceSummary {
  return {
    id: `id-${overrides.name}`,
    mode: 'replicated',
    running: 3,
    desired: 3,
    liveVersion: 3,
    image: `registry.local/${overrides.name}:1.0@sha256:${'ab'.repeat(32)}`,
    updateState: 'completed',
    health: 'healthy',
    ...overrides,
  };
}

export function task(overrides: Partial<TaskRow> & {id: string}): TaskRow {
  return {
    slot: 1,
    node: 'node-1',
    version: 3,
    desiredState: 'running',
    state: 'running',
    since: NOW - 90_000,
    ...overrides,
  };
}

/** A stored snapshot with only the view fields a test cares about (the diff reads views defensively). */
export function snapshotOf(view: Partial<SnapshotView>): Snapshot {
  return {
    spec: {} as Snapshot['spec'],
    view: view as SnapshotView,
    image: {ref: view.image ?? '', pinned: view.image ?? ''},
  };
}

export function version(overrides: Partial<VersionRow> & {number: number}): VersionRow {
  const n = overrides.number;
  return {
    id: n,
    serviceName: 'web',
    serviceId: 'id-web',
    snapshot: snapshotOf({}),
    specHash: `hash-${n}`,
    imageRef: `registry.local/web:1.${n}`,
    imageDigest: null,
    source: 'recorded',
    note: null,
    health: 'good',
    healthReason: null,
    healthCheckedAt: null,
    recordedAt: new Date(NOW - (10 - n) * 3_600_000),
    swarmVersion: n * 10,
    updateStartedAt: null,
    ...overrides,
  };
}

export const SAMPLE_DIFF: SnapshotDiff = {
  changed: true,
  sections: [
    {section: 'image', title: 'Image', changes: [{kind: 'changed', key: 'image', old: 'web:1.1', new: 'web:1.3'}]},
    {
      section: 'env',
      title: 'Environment',
      changes: [
        {kind: 'added', key: 'FEATURE_X', new: 'on'},
        {kind: 'removed', key: 'OLD_FLAG', old: '1'},
        {kind: 'changed', key: 'DB_PASSWORD', old: '********', new: '********'},
      ],
    },
  ],
};

export function emptyState(overrides: Partial<ConsoleState> = {}): ConsoleState {
  return {
    connection: {
      status: 'connected',
      endpoint: 'unix:///var/run/docker.sock',
      swarmId: 'k3v9x0q2m7n4p1r8s5t6',
      nodeHostname: 'manager-1',
      isManager: true,
    },
    services: [],
    tasks: {},
    events: {},
    rollouts: {},
    servicesLoaded: true,
    ...overrides,
  };
}

export class FakeConsoleModel implements ConsoleModel {
  readonly calls: Call[] = [];
  readonly readOnly: boolean;
  history: Record<string, HistoryRow[]> = {};
  stackHistory: Record<string, StackHistory> = {};
  diffFor: (service: string, a: number | 'live', b: number | 'live', showSecrets: boolean) => SnapshotDiff = (
    _service,
    _a,
    _b,
    showSecrets,
  ) => (showSecrets ? revealed(SAMPLE_DIFF) : SAMPLE_DIFF);
  preflightReport: PreflightReport = {
    ok: true,
    checks: [
      {name: 'image available', ok: true, detail: 'registry.local/web:1.1'},
      {name: 'no update in progress', ok: true, detail: ''},
    ],
    diff: SAMPLE_DIFF,
  };
  /** Settle these to finish a rollback / redeploy. */
  readonly rollouts: Deferred<RolloutEnd>[] = [];
  private state: ConsoleState;
  private readonly listeners = new Set<() => void>();

  private readonly readOnlyServices: ReadonlySet<string>;

  /** `readOnlyServices`: services read-only by configuration (`services.<name>.readOnly`). */
  constructor(state: Partial<ConsoleState> = {}, opts: {readOnly?: boolean; readOnlyServices?: string[]} = {}) {
    this.state = emptyState(state);
    this.readOnly = opts.readOnly ?? false;
    this.readOnlyServices = new Set(opts.readOnlyServices ?? []);
  }

  readOnlyReason(serviceName: string | null): string | null {
    if (this.readOnly) return 'the console was started with --read-only';
    return serviceName !== null && this.readOnlyServices.has(serviceName)
      ? `services.${serviceName}.readOnly is true in config.json`
      : null;
  }

  getState = (): ConsoleState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Replaces the state (as the services layer does per batch) and notifies. */
  update(change: Partial<ConsoleState> | ((s: ConsoleState) => ConsoleState)): void {
    this.state = typeof change === 'function' ? change(this.state) : {...this.state, ...change};
    for (const listener of [...this.listeners]) listener();
  }

  setEvents(name: string, events: EventRow[]): void {
    this.update((s) => ({...s, events: {...s.events, [name]: events}}));
  }

  callsTo(method: string): unknown[][] {
    return this.calls.filter((c) => c.method === method).map((c) => c.args);
  }

  private record(method: string, ...args: unknown[]): void {
    this.calls.push({method, args});
  }

  watchService(name: string | null): void {
    this.record('watchService', name);
  }

  watchNodes(on: boolean): void {
    this.record('watchNodes', on);
  }

  /** What taskDetail answers (by task ID). */
  taskDetails: Record<string, TaskDetail> = {};

  async taskDetail(serviceName: string, taskId: string): Promise<TaskDetail> {
    this.record('taskDetail', serviceName, taskId);
    const detail = this.taskDetails[taskId];
    if (!detail) throw new Error(`task ${taskId} is gone`);
    return detail;
  }

  watchStats(name: string | null): void {
    this.record('watchStats', name);
  }

  followLogs(target: LogsTarget | null): void {
    this.record('followLogs', target);
  }

  stackDiffs: Record<string, StackDiff> = {};

  async stackDiff(stack: string, a: number, b: number | 'live'): Promise<StackDiff> {
    this.record('stackDiff', stack, a, b);
    const diff = this.stackDiffs[`${stack}|${a}|${b}`];
    if (!diff) throw new Error(`no diff of ${stack} r${a} → ${b}`);
    return diff;
  }

  async loadStackHistory(stack: string): Promise<StackHistory> {
    this.record('loadStackHistory', stack);
    const history = this.stackHistory[stack];
    if (!history) throw new Error(`unknown stack '${stack}'`);
    return history;
  }

  async loadHistory(serviceName: string): Promise<HistoryRow[]> {
    this.record('loadHistory', serviceName);
    return this.history[serviceName] ?? [];
  }

  async diff(
    serviceName: string,
    a: number | 'live',
    b: number | 'live',
    opts: {showSecrets: boolean},
  ): Promise<SnapshotDiff> {
    this.record('diff', serviceName, a, b, opts);
    return this.diffFor(serviceName, a, b, opts.showSecrets);
  }

  async preflight(serviceName: string, version: number, mode: RollbackMode): Promise<PreflightReport> {
    this.record('preflight', serviceName, version, mode);
    return this.preflightReport;
  }

  /** Like the real model: the rollout shows up in state at once, just started. */
  /** Recorded with `shown` and `opts` only when given (the pre-flight report the dialog showed; revert on failure). */
  rollback(
    serviceName: string,
    version: number,
    mode: RollbackMode,
    shown?: PreflightReport,
    opts?: {revertOnFailure?: boolean},
  ): ConsoleRolloutHandle {
    this.record('rollback', serviceName, version, mode, ...(shown || opts ? [shown] : []), ...(opts ? [opts] : []));
    return this.start(serviceName, 'rollback', version);
  }

  redeploy(serviceName: string): ConsoleRolloutHandle {
    this.record('redeploy', serviceName);
    return this.start(serviceName, 'redeploy', null);
  }

  resume(serviceName: string): ConsoleRolloutHandle {
    this.record('resume', serviceName);
    const open = this.state.interrupted?.[serviceName];
    const {[serviceName]: _reattached, ...interrupted} = this.state.interrupted ?? {};
    const started = rollout({
      kind: open?.kind ?? 'rollback',
      from: open?.from ?? null,
      to: open?.to ?? null,
      progress: progress({phase: 'preparing', slotsDone: 0, etaMs: null, elapsedMs: 0}),
    });
    this.update((s) => ({...s, interrupted, rollouts: {...s.rollouts, [serviceName]: started}}));
    return this.handle();
  }

  private start(serviceName: string, kind: 'rollback' | 'redeploy', to: number | null): ConsoleRolloutHandle {
    const live = this.state.services.find((s) => s.name === serviceName)?.liveVersion ?? null;
    const started = rollout({
      kind,
      from: live,
      to: to ?? live,
      progress: progress({phase: 'preparing', slotsDone: 0, etaMs: null, elapsedMs: 0}),
    });
    this.update((s) => ({...s, rollouts: {...s.rollouts, [serviceName]: started}}));
    return this.handle();
  }

  /** What stackPreflight answers (by stack|revision). */
  stackPlans: Record<string, StackPlanReport> = {};

  async stackPreflight(stack: string, revision: number): Promise<StackPlanReport> {
    this.record('stackPreflight', stack, revision);
    const plan = this.stackPlans[`${stack}|${revision}`];
    if (!plan) throw new Error(`no plan for ${stack} r${revision}`);
    return plan;
  }

  /** Like the real model: the stack rollout shows up in state at once, each service just started. */
  /** Recorded with `opts` only when given. */
  stackRollback(
    stack: string,
    revision: number,
    shown?: StackPlanReport,
    opts?: {revertOnFailure?: boolean},
  ): ConsoleRolloutHandle {
    this.record('stackRollback', stack, revision, shown, ...(opts ? [opts] : []));
    const plan = shown ?? this.stackPlans[`${stack}|${revision}`];
    const services = (plan?.services ?? []).map(({service, action, from, to}) => ({service, action, from, to}));
    const started: Record<string, RolloutView> = {};
    for (const s of services) {
      if (s.action === 'rollback')
        started[s.service] = rollout({
          from: s.from,
          to: s.to,
          startedAt: Date.now(),
          progress: progress({phase: 'preparing', slotsDone: 0, slotsTotal: 1, etaMs: null, elapsedMs: 0}),
        });
    }
    this.update((s) => ({
      ...s,
      rollouts: {...s.rollouts, ...started},
      stackRollouts: {...s.stackRollouts, [stack]: {to: revision, services, startedAt: Date.now(), done: false}},
    }));
    return this.handle();
  }

  async snapshotNow(serviceName: string): Promise<VersionRow | null> {
    this.record('snapshotNow', serviceName);
    return version({number: 99, serviceName});
  }

  async deleteVersion(serviceName: string, number: number): Promise<void> {
    this.record('deleteVersion', serviceName, number);
  }

  private handle(): ConsoleRolloutHandle {
    const done = deferred<RolloutEnd>();
    this.rollouts.push(done);
    return {done: done.promise, cancelWatch: () => this.record('cancelWatch')};
  }
}

function revealed(diff: SnapshotDiff): SnapshotDiff {
  return {
    ...diff,
    sections: diff.sections.map((s) => ({
      ...s,
      changes: s.changes.map((c) => (c.key === 'DB_PASSWORD' ? {...c, old: 'hunter2', new: 'correct-horse'} : c)),
    })),
  };
}

export function progress(overrides: Partial<RolloutProgress> = {}): RolloutProgress {
  return {
    phase: 'updating',
    updateState: 'updating',
    slotsDone: 1,
    slotsTotal: 3,
    slots: [
      {
        slot: '1',
        slotNumber: 1,
        nodeId: 'n1',
        done: true,
        doneAt: NOW - 2000,
        old: {id: 'o1', state: 'shutdown', desiredState: 'shutdown', since: NOW - 3000},
        new: {id: 'n1', state: 'running', desiredState: 'running', since: NOW - 2000, health: 'healthy'},
      },
      {
        slot: '2',
        slotNumber: 2,
        nodeId: 'n1',
        done: false,
        old: {id: 'o2', state: 'running', desiredState: 'shutdown', since: NOW - 60_000},
        new: {id: 'n2', state: 'starting', desiredState: 'running', since: NOW - 500},
      },
      {
        slot: '3',
        slotNumber: 3,
        nodeId: 'n1',
        done: false,
        old: {id: 'o3', state: 'running', desiredState: 'running', since: NOW - 60_000},
      },
    ],
    elapsedMs: 12_000,
    etaMs: 8_000,
    message: 'update in progress',
    converged: false,
    errors: [],
    ...overrides,
  };
}

export function rollout(overrides: Partial<RolloutView> = {}): RolloutView {
  return {kind: 'rollback', from: 3, to: 1, progress: progress(), done: false, ...overrides};
}

/** A stack `shop` of two services with two revisions: r2 (live) changed shop_web's image. */
export const SHOP_HISTORY: StackHistory = {
  stack: 'shop',
  live: {shop_web: 2, shop_worker: 2},
  more: 0,
  entries: [
    {
      row: {
        id: 2,
        stack: 'shop',
        number: 2,
        members: {shop_web: 2, shop_worker: 2},
        membersHash: 'b',
        source: 'recorded',
        note: null,
        recordedAt: new Date(NOW - 60_000),
      },
      live: true,
      health: 'good',
      changes: {
        summary: 'shop_web v1→v2',
        added: [],
        removed: [],
        changed: [{service: 'shop_web', from: 1, to: 2, summary: 'image nginx:1.25 → 1.26'}],
      },
    },
    {
      row: {
        id: 1,
        stack: 'shop',
        number: 1,
        members: {shop_web: 1, shop_worker: 2},
        membersHash: 'a',
        source: 'recorded',
        note: null,
        recordedAt: new Date(NOW - 3_600_000),
      },
      live: false,
      health: 'good',
      changes: null,
    },
  ],
};
