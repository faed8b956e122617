/** Shapes shared by the rollback engine's parts and its callers (CLI, console). */
import type {DockerGateway, RegistryAuth} from '../../docker/gateway.js';
import type {Service, ServiceSpec} from '../../docker/schemas.js';
import type {SnapshotDiff} from '../../domain/diff.js';
import type {HealthVerdict} from '../../domain/health-verdict.js';
import type {TaskMetrics, VersionMetrics} from '../../domain/task-metrics.js';
import type {RollbackMode, RolloutSettings, UpdateOverrides} from '../../domain/rollback-target.js';
import type {RolloutProgress} from '../../domain/rollout-progress.js';
import type {ImagePin} from '../../domain/snapshot.js';
import type {Store} from '../../store/index.js';

export type {RollbackMode, RolloutSettings, UpdateOverrides};

export type RolloutKind = 'rollback' | 'redeploy';
/** How a rollout ended. 'interrupted': we stopped watching (Swarm carries on). */
export type RolloutResult = 'healthy' | 'degraded' | 'failed' | 'conflict' | 'reverted' | 'interrupted';

export interface EngineDeps {
  gateway: DockerGateway;
  store: Store;
  /** Audit actor (default user@host). */
  actor?: string;
  now?: () => number;
}

export interface WatchOptions {
  /** Health watch after convergence (default 30 s). */
  watchMs?: number;
  /** Poll interval (default 250 ms). */
  pollMs?: number;
  /** Give up waiting for convergence after this long (default 15 min). */
  convergeTimeoutMs?: number;
  /** Stops watching; Swarm is not touched. */
  signal?: AbortSignal;
  onEvent?: (event: RolloutEvent) => void;
  /** Re-apply the spec that was live before when the rollout fails. */
  revertOnFailure?: boolean;
}

export interface ResumeOptions extends WatchOptions {
  /** Called once a rollout in flight was found, before watching it (not when there is none). */
  onAttach?: (serviceName: string) => void;
}

export interface PreflightCheck {
  name: string;
  ok: boolean;
  detail: string;
}

export interface PreflightReport {
  ok: boolean;
  checks: PreflightCheck[];
  /** Live → the spec the rollback leaves (the version's, with its own update settings). */
  diff: SnapshotDiff;
  /** What the operator should know before confirming, though nothing fails (a secret created again...); absent: none. */
  warnings?: string[];
}

/** Everything decided before anything is changed. */
export interface RolloutPlan {
  kind: RolloutKind;
  serviceName: string;
  service: Service;
  mode: RollbackMode;
  /** Version live now (by spec hash), null when the live spec was never recorded. */
  fromVersion: number | null;
  /** The version rolled back to (null for redeploy). */
  toVersion: number | null;
  /** The spec the update applies (its UpdateConfig governs the rollout). */
  target: ServiceSpec;
  /**
   * The spec the rollback leaves: the target with the version's own UpdateConfig, put back after
   * convergence. Absent: the target itself.
   */
  final?: ServiceSpec;
  /** Image pin of the target (for its recorded snapshot and the diff). */
  targetImage: ImagePin;
  /** Version hash of the target (what a resumed watch expects live). */
  targetHash: string;
  /** Version hash of the final spec; equal to the live one when there is nothing to do. Absent: targetHash. */
  finalHash?: string;
  liveHash: string;
  settings: RolloutSettings;
  notes: string[];
  report: PreflightReport;
  /** Why pre-flight failed: 'conflict' (mid-update by someone else) or 'failed'. */
  failure: {kind: 'conflict' | 'failed'; message: string} | null;
  /** Registry credentials the service update carries so nodes can pull the target image (registry/). */
  registryAuth?: RegistryAuth;
}

export type RolloutEvent =
  | {type: 'applied'; service: string; versionIndex: number; settings: RolloutSettings; notes: string[]}
  | {type: 'progress'; progress: RolloutProgress}
  | {type: 'health'; elapsedMs: number; verdict: HealthVerdict; windowMs: number}
  | {type: 'reverting'; reason: string}
  /** CPU and memory of the new tasks during the health watch (task ID → metrics), about once a second. */
  | {type: 'metrics'; tasks: Record<string, TaskMetrics>};

export interface RolloutOutcome {
  kind: RolloutKind;
  result: RolloutResult;
  service: string;
  from: number | null;
  to: number | null;
  /** The version recorded for a successful rollback. */
  recordedVersion: number | null;
  durationMs: number;
  /** Why (one line each): verdict reasons, conflict details, task errors. */
  reasons: string[];
  /** Task errors seen during the rollout. */
  errors: string[];
  progress?: RolloutProgress;
  verdict?: HealthVerdict;
  /** What the health watch measured of the new tasks (recorded with the version's health). */
  metrics?: VersionMetrics;
}
