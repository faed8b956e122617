/**
 * The console's only data source. The UI (source/ui) renders a ConsoleState and calls these methods;
 * it never sees dockerode or SQL. The services layer implements ConsoleModel; tests use a fake.
 *
 * State is immutable and replaced per batch of changes, so `getState`/`subscribe` plug straight into
 * React's useSyncExternalStore.
 */
import type {UpdateState} from '../docker/schemas.js';
import type {VersionRow} from '../store/types.js';
import type {SnapshotDiff} from '../domain/diff.js';
import type {RolloutProgress} from '../domain/rollout-progress.js';
import type {HealthVerdict} from '../domain/health-verdict.js';

export type {VersionRow, UpdateState, SnapshotDiff, RolloutProgress, HealthVerdict};

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
}

export interface EventRow {
  /** ms since the epoch */
  at: number;
  text: string;
}

export type RolloutKind = 'rollback' | 'redeploy';
export type RolloutResultKind = 'healthy' | 'degraded' | 'failed' | 'conflict' | 'reverted';

export interface RolloutView {
  kind: RolloutKind;
  from: number | null;
  to: number | null;
  progress: RolloutProgress;
  verdict?: HealthVerdict;
  /** How far the post-convergence health watch has got. */
  watch?: {elapsedMs: number; windowMs: number};
  done: boolean;
  result?: RolloutResultKind;
  error?: string;
}

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
  lastError?: string;
}

export type RollbackMode = 'full' | 'image' | 'config';

export interface PreflightCheck {
  name: string;
  ok: boolean;
  detail: string;
}

export interface PreflightReport {
  ok: boolean;
  checks: PreflightCheck[];
  diff: SnapshotDiff;
}

export interface RolloutResult {
  result: RolloutResultKind;
  version?: number | null;
  error?: string;
}

export interface RolloutHandle {
  done: Promise<RolloutResult>;
  cancelWatch(): void;
}

export interface ConsoleModel {
  getState(): ConsoleState;
  subscribe(listener: () => void): () => void;
  /** Which service's tasks to poll fast (others: overview only); null for none. */
  watchService(name: string | null): void;
  /** Newest first. */
  loadHistory(serviceName: string): Promise<VersionRow[]>;
  diff(
    serviceName: string,
    a: number | 'live',
    b: number | 'live',
    opts: {showSecrets: boolean},
  ): Promise<SnapshotDiff>;
  preflight(serviceName: string, version: number, mode: RollbackMode): Promise<PreflightReport>;
  /** Starts; progress goes into state.rollouts[serviceName]. */
  rollback(serviceName: string, version: number, mode: RollbackMode): RolloutHandle;
  redeploy(serviceName: string): RolloutHandle;
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
