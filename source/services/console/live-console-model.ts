/**
 * The ConsoleModel the console runs on: live state from a real swarm, history from the store,
 * rollbacks through the rollback engine, and the rollback registry as the CLI uses it (versions
 * tagged and pushed, rollbacks from pushed digests, deletions everywhere with the same rules). It
 * keeps itself connected (reconnecting with backoff), never throws into the UI from its loops, and
 * publishes state in batches, only when it changed.
 *
 *   const model = new LiveConsoleModel(() => connect({host}), store, {readOnly, registry}).start();
 *   ...
 *   await model.close();
 */
import type {DockerGateway} from '../../docker/gateway.js';
import {diffSnapshots, type SnapshotDiff} from '../../domain/diff.js';
import {ReadOnlyError} from '../../config/errors.js';
import {DokrollError, EXIT, errorText} from '../../shared/errors.js';
import type {Store, VersionRow} from '../../store/index.js';
import type {
  ConsoleModel,
  ConsoleState,
  HistoryRow,
  LogsTarget,
  PreflightReport,
  TaskDetail,
  RollbackMode,
  ConsoleRolloutHandle,
  StackPlanReport,
} from '../console-model.js';
import {diffVersions, networkNamesOf, requireVersion} from '../history-query.js';
import {Recorder} from '../recorder.js';
import {diffStackRevisions, loadStackHistory, type StackDiff, type StackHistory} from '../stacks/stack-history.js';
import {DEFAULT_POLL_MS} from '../rollback/engine.js';
import {deletableVersion, deleteRollbackPoint, describeDeletion} from '../registry/deletion.js';
import {localImageIndex, placeOf} from '../registry/location.js';
import {RegistrySetup} from '../registry/setup.js';
import {superviseConnection, type GatewayFactory, type SessionContext} from './connection-supervisor.js';
import {ConsoleSession, type SessionShared} from './console-session.js';
import {LogFollower} from './log-follower.js';
import {loadTaskDetail} from './task-detail.js';
import {RolloutTracker} from './rollout-tracker.js';
import {StatePublisher} from './state-publisher.js';
import {StackRollouts} from './stack-rollouts.js';
import {VersionCatalog} from './version-catalog.js';

export interface LiveConsoleOptions {
  /** Refuse every mutation (rollback, redeploy, snapshot, delete) and secret reveal: --read-only. */
  readOnly?: boolean;
  /** Why a service is read-only by configuration (see EffectiveConfig.readOnlyReason), or null. */
  readOnlyReason?: (serviceName: string | null) => string | null;
  /** Task poll of the watched service (default 250 ms). */
  pollMs?: number;
  /** CPU and memory sampling of the tasks view on screen (default 1000 ms). */
  statsMs?: number;
  /** Overview refresh without events (default 2000 ms). */
  overviewMs?: number;
  /** Run the recorder inside the console (default true). */
  recorder?: boolean;
  /** The recorder's stability window (default: the recorder's, 30 s). */
  stabilityWindowMs?: number;
  /** Health watch after a rollback or redeploy converged (default: the engine's, 30 s). */
  rolloutWatchMs?: number;
  /** Shown as the endpoint until the first connection (e.g. the --host value). */
  endpoint?: string;
  /** Minimum time between two published states (default 66 ms). */
  batchMs?: number;
  /** Reconnection backoff (default 500 ms doubling to 5 s). */
  reconnect?: {initialMs?: number; maxMs?: number};
  /** How far back the event feed is filled on start (default 900 s). */
  eventReplaySeconds?: number;
  /** Which services the console shows (overview, events) and its recorder records; default all. */
  services?: (serviceName: string) => boolean;
  /** Recorder log lines (default: dropped — the console owns the terminal). */
  log?: (line: string) => void;
  /**
   * The rollback registry (from the config file): recorded versions are tagged v<n> and pushed,
   * retention applies, rollbacks prefer the pushed digest. Default: local tags only, keep 10.
   */
  registry?: RegistrySetup;
}

/** How long closing waits for a tag or push under way (what it cuts off is retried later). */
const CLOSE_SETTLE_MS = 5_000;

export class NotConnectedError extends DokrollError {
  constructor(endpoint: string, reason?: string) {
    super(
      reason
        ? `not connected: ${reason}`
        : `not connected to the Docker daemon${endpoint ? ` at ${endpoint}` : ''} yet`,
      EXIT.failed,
      'not-connected',
    );
  }
}

export class NothingToReattachError extends DokrollError {
  constructor(service: string) {
    super(`no interrupted rollout of ${service} to reattach to`, EXIT.badInput, 'nothing-to-resume');
  }
}

/** A deletion that stopped (e.g. the registry did not answer): the version is kept. */
export class DeletionFailedError extends DokrollError {
  constructor(service: string, message: string) {
    super(`${service}: ${message}`, EXIT.failed, 'delete-failed');
  }
}

export class LiveConsoleModel implements ConsoleModel {
  readonly readOnly: boolean;
  private readonly publisher: StatePublisher<ConsoleState>;
  private readonly catalog: VersionCatalog;
  private readonly shared: SessionShared;
  private readonly rollouts: RolloutTracker;
  private readonly stackRollouts: StackRollouts;
  private readonly logs: LogFollower;
  private readonly registry: RegistrySetup;
  private readonly controller = new AbortController();
  private session: ConsoleSession | null = null;
  private watched: string | null = null;
  private nodesOn = false;
  private statsWatched: string | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly factory: GatewayFactory,
    private readonly store: Store,
    private readonly options: LiveConsoleOptions = {},
  ) {
    this.readOnly = this.readOnlyReason(null) !== null;
    this.registry = options.registry ?? RegistrySetup.defaults();
    const log = options.log ?? (() => undefined);
    this.publisher = new StatePublisher<ConsoleState>(
      {
        connection: {status: 'connecting', endpoint: options.endpoint ?? ''},
        services: [],
        tasks: {},
        events: {},
        rollouts: {},
      },
      options.batchMs ?? 66,
    );
    this.catalog = new VersionCatalog(store);
    this.shared = {
      store,
      catalog: this.catalog,
      publisher: this.publisher,
      watched: () => this.watched,
      nodesWatched: () => this.nodesOn,
      statsWatched: () => this.statsWatched,
      seenEvents: new Set(),
      lastEventTime: null,
    };
    this.logs = new LogFollower(this.publisher, () => this.gateway());
    this.rollouts = new RolloutTracker({
      store,
      publisher: this.publisher,
      gateway: () => this.gateway(),
      registry: this.registry,
      warn: (message) => log(`warning: ${message}`),
      pollMs: options.pollMs ?? DEFAULT_POLL_MS,
      watchMs: options.rolloutWatchMs,
      onFinished: (service) => {
        this.historyChanged(service);
        this.session?.journalStale(service);
        this.session?.keepPendingImages(service);
      },
    });
    this.stackRollouts = new StackRollouts({
      publisher: this.publisher,
      rollouts: this.rollouts,
      engineDeps: () => this.rollouts.engineDeps(),
      watchMs: options.rolloutWatchMs,
    });
  }

  /** Starts connecting (idempotent). */
  start(): this {
    this.running ??= superviseConnection(
      {
        factory: this.factory,
        initialBackoffMs: this.options.reconnect?.initialMs,
        maxBackoffMs: this.options.reconnect?.maxMs,
        startSession: (ctx) => this.startSession(ctx),
        onStatus: (status) => {
          if (status.status === 'connected') {
            const {gateway, info} = status;
            this.publisher.update(({lastError: _stale, ...s}) => ({
              ...s,
              connection: {
                status: 'connected',
                endpoint: gateway.endpoint,
                swarmId: info.swarmId,
                nodeHostname: info.hostname,
                isManager: info.isManager,
              },
            }));
            // Several managers named: the header says which one the console talks to now.
            gateway.onFailover((event) => {
              this.publisher.update((s) => ({
                ...s,
                connection: {...s.connection, endpoint: event.to, nodeHostname: undefined},
              }));
              gateway.swarmInfo().then(
                (now) =>
                  this.publisher.update((s) =>
                    s.connection.endpoint === event.to
                      ? {...s, connection: {...s.connection, nodeHostname: now.hostname, isManager: now.isManager}}
                      : s,
                  ),
                () => undefined,
              );
            });
          } else {
            this.session = null;
            this.publisher.update((s) => ({...s, connection: {...s.connection, status: 'lost', error: status.error}}));
          }
        },
      },
      this.controller.signal,
    ).catch((error: unknown) => {
      this.publisher.update((s) => ({...s, connection: {...s.connection, status: 'lost', error: errorText(error)}}));
    });
    return this;
  }

  /** Stops every loop and closes the connection (the store stays open: it is the caller's). */
  async close(): Promise<void> {
    this.logs.close();
    await this.session?.settle(CLOSE_SETTLE_MS);
    this.controller.abort();
    await this.running;
    this.publisher.close();
  }

  /** States published so far (tests and benchmarks). */
  get publishCount(): number {
    return this.publisher.publishCount;
  }

  /** API requests made on the current connection (tests and benchmarks). */
  get requestCount(): number {
    return this.session?.gateway.requestCount ?? 0;
  }

  getState = (): ConsoleState => this.publisher.state;

  subscribe = (listener: () => void): (() => void) => this.publisher.subscribe(listener);

  watchService(name: string | null): void {
    this.watched = name;
  }

  watchNodes(on: boolean): void {
    if (on === this.nodesOn) return;
    this.nodesOn = on;
    if (on) this.session?.refreshSoon();
  }

  watchStats(name: string | null): void {
    this.statsWatched = name;
  }

  taskDetail(serviceName: string, taskId: string): Promise<TaskDetail> {
    return loadTaskDetail(this.gateway(), serviceName, taskId);
  }

  followLogs(target: LogsTarget | null): void {
    this.logs.follow(target);
  }

  async loadHistory(serviceName: string): Promise<HistoryRow[]> {
    const gateway = this.session?.gateway ?? null;
    // The image store is looked at beside the history read; a daemon that does not answer leaves
    // the places as last recorded (no node named), as `history --offline` shows them.
    const [rows, local] = await Promise.all([
      this.store.versions.list(serviceName),
      gateway ? localImageIndex(gateway).catch(() => null) : null,
    ]);
    return rows.map((row) => ({...row, imagePlace: placeOf(row, local)}));
  }

  loadStackHistory(stack: string): Promise<StackHistory> {
    return loadStackHistory(this.session?.gateway ?? null, this.store, stack);
  }

  stackDiff(stack: string, a: number, b: number | 'live'): Promise<StackDiff> {
    return diffStackRevisions(this.session?.gateway ?? null, this.store, stack, a, b);
  }

  async diff(
    serviceName: string,
    a: number | 'live',
    b: number | 'live',
    opts: {showSecrets: boolean},
  ): Promise<SnapshotDiff> {
    if (opts.showSecrets) this.refuseWhenReadOnly(serviceName, `revealing the secrets of ${serviceName}`);
    if (a !== 'live' && b !== 'live') {
      const [from, to, networkNames] = await Promise.all([
        requireVersion(this.store, serviceName, a),
        requireVersion(this.store, serviceName, b),
        networkNamesOf(this.session?.gateway ?? null),
      ]);
      return diffSnapshots(from.snapshot, to.snapshot, {showSecrets: opts.showSecrets, networkNames});
    }
    const result = await diffVersions(this.gateway(), this.store, serviceName, a, b, {showSecrets: opts.showSecrets});
    return result.diff;
  }

  preflight(serviceName: string, version: number, mode: RollbackMode): Promise<PreflightReport> {
    return this.rollouts.preflight(serviceName, version, mode);
  }

  rollback(
    serviceName: string,
    version: number,
    mode: RollbackMode,
    shown?: PreflightReport,
    opts: {revertOnFailure?: boolean} = {},
  ): ConsoleRolloutHandle {
    this.refuseWhenReadOnly(serviceName, `rollback of ${serviceName}`);
    return this.rollouts.rollback(serviceName, version, mode, this.liveVersionOf(serviceName), shown, opts);
  }

  redeploy(serviceName: string): ConsoleRolloutHandle {
    this.refuseWhenReadOnly(serviceName, `redeploy of ${serviceName}`);
    return this.rollouts.redeploy(serviceName, this.liveVersionOf(serviceName));
  }

  resume(serviceName: string): ConsoleRolloutHandle {
    this.refuseWhenReadOnly(serviceName, `reattaching to the rollout of ${serviceName}`);
    const interrupted = this.publisher.latest.interrupted?.[serviceName];
    if (!interrupted) throw new NothingToReattachError(serviceName);
    return this.rollouts.resume(serviceName, interrupted);
  }

  stackPreflight(stack: string, revision: number): Promise<StackPlanReport> {
    return this.stackRollouts.preflight(stack, revision);
  }

  stackRollback(
    stack: string,
    revision: number,
    shown?: StackPlanReport,
    opts: {revertOnFailure?: boolean} = {},
  ): ConsoleRolloutHandle {
    // As `stack rollback`: refused when any service it would change is read-only (the stack's services
    // running now, and those the confirmed plan re-creates).
    const changed = new Set(this.publisher.latest.services.filter((s) => s.stack === stack).map((s) => s.name));
    for (const p of shown?.services ?? []) if (p.action !== 'unchanged' && p.action !== 'keep') changed.add(p.service);
    this.refuseWhenReadOnlyAny([...changed], `rollback of stack ${stack}`);
    return this.stackRollouts.rollback(stack, revision, shown, opts);
  }

  async snapshotNow(serviceName: string): Promise<VersionRow | null> {
    this.refuseWhenReadOnly(serviceName, `snapshot of ${serviceName}`);
    const session = this.connected();
    const service = await session.gateway.inspectService(serviceName);
    const recorder = session.recorder ?? new Recorder(session.gateway, this.store, {registry: session.registry});
    const {row, created} = await recorder.recordNow(service, 'snapshot');
    this.historyChanged(serviceName);
    return created ? row : null;
  }

  /**
   * Deletes one rollback point as `dokroll-tui delete` does: the registry tag, the local tag and the
   * row, with an audit entry; never the live version nor the one before it (exit-2 errors).
   */
  async deleteVersion(serviceName: string, number: number): Promise<void> {
    this.refuseWhenReadOnly(serviceName, `deleting v${number} of ${serviceName}`);
    const {gateway} = this.connected();
    const row = await deletableVersion(gateway, this.store, serviceName, number);
    const target = await this.registry.targets.for(row.serviceName);
    const result = await deleteRollbackPoint(gateway, this.store, target, row, {reason: 'delete in the console'});
    this.historyChanged(row.serviceName);
    if (!result.deleted) throw new DeletionFailedError(row.serviceName, describeDeletion(result));
  }

  private startSession(ctx: SessionContext): void {
    const session = new ConsoleSession(ctx, this.shared, {
      pollMs: this.options.pollMs ?? DEFAULT_POLL_MS,
      statsMs: this.options.statsMs ?? 1_000,
      overviewMs: this.options.overviewMs ?? 2_000,
      recorder: this.options.recorder ?? true,
      stabilityWindowMs: this.options.stabilityWindowMs,
      eventReplaySeconds: this.options.eventReplaySeconds ?? 900,
      log: this.options.log ?? (() => undefined),
      registry: this.registry,
      include: this.options.services ?? (() => true),
      rolloutActive: (service) => this.rollouts.isActive(service),
    });
    this.session = session;
    ctx.signal.addEventListener('abort', () => {
      if (this.session === session) this.session = null;
    });
    session.start();
    this.rollouts.reattach();
  }

  private connected(): ConsoleSession {
    if (this.session) return this.session;
    const {endpoint, error} = this.publisher.latest.connection;
    throw new NotConnectedError(endpoint, error);
  }

  private gateway(): DockerGateway {
    return this.connected().gateway;
  }

  private liveVersionOf(serviceName: string): number | null {
    return this.publisher.latest.services.find((s) => s.name === serviceName)?.liveVersion ?? null;
  }

  private historyChanged(serviceName: string): void {
    this.catalog.historyChanged(serviceName);
    this.session?.refreshSoon();
  }

  readOnlyReason(serviceName: string | null): string | null {
    if (this.options.readOnly) return 'the console was started with --read-only';
    return this.options.readOnlyReason?.(serviceName) ?? null;
  }

  private refuseWhenReadOnlyAny(serviceNames: string[], what: string): void {
    const reason =
      this.readOnlyReason(null) ??
      serviceNames.map((name) => this.readOnlyReason(name)).find((r) => r !== null) ??
      null;
    if (reason !== null) throw new ReadOnlyError(reason, what);
  }

  /** The model's one read-only check, before every mutation and secret reveal. */
  private refuseWhenReadOnly(serviceName: string, what: string): void {
    const reason = this.readOnlyReason(serviceName);
    if (reason !== null) throw new ReadOnlyError(reason, what);
  }
}
