/**
 * The console's only data source. The UI (source/ui) renders a ConsoleState and calls these methods;
 * it never sees dockerode or SQL. The services layer implements ConsoleModel; tests use a fake.
 *
 * State is immutable and replaced per batch of changes (never changed in place): the console's App
 * subscribes and hands each new state to its own UI store, which skips a state it already has by
 * reference; React reads that store, not the model.
 */
import type {UpdateState} from '../docker/schemas.js';
import type {VersionRow} from '../store/types.js';
import type {SnapshotDiff} from '../domain/diff.js';
import type {RolloutProgress} from '../domain/rollout-progress.js';
import type {HealthVerdict} from '../domain/health-verdict.js';
import type {TaskMetrics, VersionMetrics} from '../domain/task-metrics.js';
import type {PreflightCheck, PreflightReport, RollbackMode, RolloutKind, RolloutResult} from './rollback/types.js';
import type {ImagePlace} from './registry/location.js';

export type {PreflightCheck, PreflightReport, RollbackMode, RolloutKind};

export type {VersionRow, UpdateState, SnapshotDiff, RolloutProgress, HealthVerdict, TaskMetrics, VersionMetrics};
export type {ImagePlace};

/** A recorded version as the history view shows it. */
export interface HistoryRow extends VersionRow {
  /**
   * Where its image is, looked at when the history was loaded (the connected node's image store:
   * `local` names that node, as `history` does); absent when nobody looked.
   */
  imagePlace?: ImagePlace;
}
import type {StackDiff, StackHistory, StackRevisionEntry} from './stacks/stack-history.js';
export type {StackDiff, StackHistory, StackRevisionEntry};
import type {StackServiceAction} from './stacks/stack-rollback.js';
export type {StackServiceAction};

/** What a stack rollback does to one service, as `stack rollback --dry-run` shows it. */
export interface StackServicePlanRow {
  service: string;
  action: StackServiceAction;
  /** The version it runs now (null: not recorded, or not running). */
  from: number | null;
  /** The version of the target revision (null: added since). */
  to: number | null;
  checks: PreflightCheck[];
}

/** The plan and pre-flight of a stack rollback (nothing changed): what the stack dialog shows. */
export interface StackPlanReport {
  stack: string;
  revision: number;
  services: StackServicePlanRow[];
  ok: boolean;
  /** The first failing check, naming the service and the check ("web: image: …"); null when ok. */
  failure: string | null;
}

/** A stack rollback the console started; each changed service's own rollout is in state.rollouts. */
export interface StackRolloutView {
  to: number;
  services: (Omit<StackServicePlanRow, 'checks'> & {result?: RolloutResultKind; reasons?: string[]})[];
  startedAt: number;
  endedAt?: number;
  done: boolean;
  /** The combined verdict: healthy only when every service is. */
  result?: RolloutResultKind;
  /** Why, per service not healthy ("web: failed — …"). */
  reasons?: string[];
  /** The revision recorded afterwards. */
  recordedRevision?: number | null;
}

export type ServiceHealth = 'healthy' | 'degraded' | 'failed' | 'pending' | 'unknown';

export interface ServiceSummary {
  id: string;
  name: string;
  mode: string;
  running: number;
  desired: number;
  liveVersion: number | null;
  image: string;
  updateState: UpdateState | null;
  updateMessage?: string;
  health: ServiceHealth;
  /** The stack it was deployed with (com.docker.stack.namespace); absent: none. */
  stack?: string;
}

export interface TaskRow {
  id: string;
  slot: number | null;
  node: string;
  version: number | null;
  desiredState: string;
  state: string;
  /** When the task entered `state`, in ms since the epoch. */
  since: number;
  health?: string;
  error?: string;
  /** The image the task runs (digest-pinned when Swarm pinned it). */
  image?: string;
}

/** Enter on a task: everything about it the task list cuts short. */
export interface TaskDetail {
  id: string;
  service: string;
  slot: number | null;
  node: string;
  state: string;
  desiredState: string;
  /** The image the task runs (digest-pinned when Swarm pinned it). */
  image: string;
  containerId: string | null;
  exitCode: number | null;
  error: string | null;
  message: string | null;
  /** Published ports: "30001→8080/tcp (host)". */
  ports: string[];
  /** Earlier tasks of the same slot (node, for a global service), newest first. */
  restarts: {id: string; state: string; since: number; error?: string}[];
  /** The container's health (only on the connected node), with its recent check outputs. */
  health: {status: string | null; checks: string[]} | null;
}

/** One swarm node, as the nodes view (`n`) shows it. */
export interface NodeRow {
  id: string;
  /** Hostname; with the short ID when another node has the same hostname. */
  name: string;
  role: string;
  leader: boolean;
  /** A manager's reachability (reachable / unreachable). */
  reachability?: string;
  availability: string;
  /** ready, down, disconnected, unknown. */
  state: string;
  /** Why the node is in that state, as Swarm says (heartbeat failure…). */
  message?: string;
  engine: string;
  tasksRunning: number;
  /** The node whose Engine the console talks to. */
  self: boolean;
}

export interface EventRow {
  /** ms since the epoch */
  at: number;
  text: string;
}

/** How a console rollout ended (it never ends 'interrupted': the console keeps watching). */
export type RolloutResultKind = Exclude<RolloutResult, 'interrupted'>;

export interface RolloutView {
  kind: RolloutKind;
  from: number | null;
  to: number | null;
  progress: RolloutProgress;
  /** When the console started it (epoch ms): the panel's elapsed clock runs from here. */
  startedAt?: number;
  /** When it ended (epoch ms): the elapsed clock stops here. */
  endedAt?: number;
  /** When `progress` was computed (epoch ms): its ETA counts down from here. */
  progressAt?: number;
  verdict?: HealthVerdict;
  /** How far the post-convergence health watch had got `at` (epoch ms). */
  watch?: {elapsedMs: number; windowMs: number; at?: number};
  done: boolean;
  result?: RolloutResultKind;
  error?: string;
  /** Why tasks failed, as the rollback explains it at the end (task error, health check's last output). */
  causes?: string[];
  /** CPU and memory of the new tasks during the health watch (task ID → metrics), from its last sample. */
  metrics?: Record<string, TaskMetrics>;
  /** The newest lines of the new tasks' logs (terminal-safe), oldest first; at most ROLLOUT_LOG_LINES. */
  logs?: RolloutLogLine[];
}

/** One line of a new task's log in the rollout panel. */
export interface RolloutLogLine {
  seq: number;
  /** The task's slot (or node, for a global service) as the panel labels it. */
  slot: string;
  task: string;
  stream: 'stdout' | 'stderr';
  /** Terminal-safe. */
  text: string;
}

/** How many lines of the new tasks' logs a rollout keeps (the panel shows the last few). */
export const ROLLOUT_LOG_LINES = 50;

/** CPU and memory of the tasks of the service on screen (tasks view), sampled while it is shown. */
export interface TaskStatsView {
  service: string;
  /** task ID → metrics; running tasks only. */
  tasks: Record<string, TaskMetrics>;
}

/**
 * A rollback or redeploy whose journal entry is open (started, never ended) and that no one in this
 * console is watching: its console was closed or killed mid-rollout. Swarm carries on; `p` reattaches.
 */
export interface InterruptedRollout {
  kind: RolloutKind;
  from: number | null;
  to: number | null;
  /** Epoch ms when its update was applied. */
  startedAtMs: number;
}

/** Whose logs: a service (every task of it) or one task. */
export interface LogsTarget {
  service: string;
  /** A task ID: only that task's logs. */
  task?: string;
}

export interface LogEntry {
  /** Increasing per target: a stable list key. */
  seq: number;
  /** RFC 3339, as Docker stamped the line ('' if it did not). */
  at: string;
  stream: 'stdout' | 'stderr';
  /** Terminal-safe (control characters and ANSI escapes shown escaped). */
  text: string;
}

export interface LogsView {
  target: LogsTarget;
  /** The newest lines, oldest first; at most LOG_RING_LINES (older ones are dropped). */
  lines: LogEntry[];
  /** Lines dropped from the front of the ring. */
  dropped: number;
  /** Following the stream now (false while reconnecting or after it ended). */
  following: boolean;
  error?: string;
}

/** How many log lines the console keeps per followed target. */
export const LOG_RING_LINES = 2_000;

export type ConnectionStatus = 'connecting' | 'connected' | 'lost';

export interface ConnectionInfo {
  status: ConnectionStatus;
  endpoint: string;
  swarmId?: string;
  nodeHostname?: string;
  isManager?: boolean;
  error?: string;
}

export interface ConsoleState {
  connection: ConnectionInfo;
  services: ServiceSummary[];
  /** by service name */
  tasks: Record<string, TaskRow[]>;
  /** by service name, newest first, capped */
  events: Record<string, EventRow[]>;
  /** by service name */
  rollouts: Record<string, RolloutView>;
  /** by service name: rollouts found open in the journal and not watched here (absent: none). */
  interrupted?: Record<string, InterruptedRollout>;
  /**
   * by service name: goes up whenever the watched service's history changed in the store, recorded
   * by this console or by any other process sharing the database (the history on screen reloads).
   */
  historyRevision?: Record<string, number>;
  /** The swarm's nodes, while the nodes view is on screen (absent until first listed). */
  nodes?: NodeRow[];
  /** The logs being followed (one target at a time: the logs view on screen). */
  logs?: LogsView;
  /** CPU and memory of the tasks of the service whose tasks view is on screen (absent: none shown). */
  stats?: TaskStatsView;
  /** by stack name: stack rollbacks started in this console (they stay after they ended). */
  stackRollouts?: Record<string, StackRolloutView>;
  /** The service list has been asked for and answered at least once (until then it is loading). */
  servicesLoaded?: boolean;
  lastError?: string;
}

/** What a console rollout ended with. */
export interface RolloutEnd {
  result: RolloutResultKind;
  version?: number | null;
  error?: string;
}

/** A rollout the console started: when it ends, and how to stop watching it. */
export interface ConsoleRolloutHandle {
  done: Promise<RolloutEnd>;
  cancelWatch(): void;
}

export interface ConsoleModel {
  getState(): ConsoleState;
  subscribe(listener: () => void): () => void;
  /** Which service's tasks to poll fast (others: overview only); null for none. */
  watchService(name: string | null): void;
  /** Whether to list the swarm's nodes (state.nodes) with the overview: the nodes view is on screen. */
  watchNodes(on: boolean): void;
  /**
   * Whose tasks' CPU and memory to sample (the tasks view on screen); null samples nothing. Only
   * the watched service's tasks are sampled: stats cost a request per container.
   */
  watchStats(name: string | null): void;
  /** One task of the service in full (its container is asked of the connected node's Engine, or of its own node's where configured). */
  taskDetail(serviceName: string, taskId: string): Promise<TaskDetail>;
  /** Whose logs to follow (the logs view on screen); null stops following. */
  followLogs(target: LogsTarget | null): void;
  /** Newest first, each with where its image is now (as `history` says it). */
  loadHistory(serviceName: string): Promise<HistoryRow[]>;
  /** The stack's revisions, newest first, the live one marked (as `stack history`). */
  loadStackHistory(stack: string): Promise<StackHistory>;
  /** Services added, removed and changed from revision a to b ('live': what runs now), secrets masked. */
  stackDiff(stack: string, a: number, b: number | 'live'): Promise<StackDiff>;
  diff(
    serviceName: string,
    a: number | 'live',
    b: number | 'live',
    opts: {showSecrets: boolean},
  ): Promise<SnapshotDiff>;
  /** Plans a rollback without changing anything: the report a dialog shows. */
  preflight(serviceName: string, version: number, mode: RollbackMode): Promise<PreflightReport>;
  /**
   * Starts; progress goes into state.rollouts[serviceName]. `shown`: the pre-flight the operator
   * confirmed (from preflight(), same service, version and mode): its plan is applied as it was read,
   * without planning again, so a service changed since then (another Version.Index) ends in conflict
   * and nothing is changed. Without it (or another mode's), the rollback plans its own pre-flight.
   * `revertOnFailure`: the engine re-applies the spec that was live before when the rollback fails
   * (as `rollback --revert-on-failure`).
   */
  rollback(
    serviceName: string,
    version: number,
    mode: RollbackMode,
    shown?: PreflightReport,
    opts?: {revertOnFailure?: boolean},
  ): ConsoleRolloutHandle;
  redeploy(serviceName: string): ConsoleRolloutHandle;
  /** Plans a rollback of the whole stack to `revision` without changing anything (as `stack rollback --dry-run`). */
  stackPreflight(stack: string, revision: number): Promise<StackPlanReport>;
  /**
   * Starts the stack rollback through the stack rollback engine (journal, claim, revision, audit as
   * `stack rollback`); progress goes into state.stackRollouts[stack] and each service's rollout into
   * state.rollouts[service]. `shown`: the plan the operator confirmed (from stackPreflight): applied
   * as it was read (a service changed since ends in conflict). `revertOnFailure`: when any service
   * fails or ends degraded, every service is put back to what ran before (as `--revert-on-failure`).
   */
  stackRollback(
    stack: string,
    revision: number,
    shown?: StackPlanReport,
    opts?: {revertOnFailure?: boolean},
  ): ConsoleRolloutHandle;
  /** Reattaches to the interrupted rollout of the service (as `rollback --resume`): progress, watch, verdict, bookkeeping. */
  resume(serviceName: string): ConsoleRolloutHandle;
  snapshotNow(serviceName: string): Promise<VersionRow | null>;
  deleteVersion(serviceName: string, number: number): Promise<void>;
  /** The whole console is read-only (--read-only, or the config's top-level readOnly). */
  readonly readOnly: boolean;
  /**
   * Why changes to the service (and revealing its secrets) are refused, naming the setting, or null
   * when they are allowed; null service: the console as a whole.
   */
  readOnlyReason(serviceName: string | null): string | null;
}
