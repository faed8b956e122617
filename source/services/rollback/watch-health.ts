/**
 * The health watch after a rollout converged: tasks of the new spec are observed for a window
 * (restarts, failed or unhealthy tasks, replicas running vs desired) and judged healthy, degraded or
 * failed. Swarm may still pause or roll back during its own Monitor window: that fails the rollout.
 */
import type {DockerGateway} from '../../docker/gateway.js';
import type {Service} from '../../docker/schemas.js';
import {healthVerdict, initialHealthState, observeHealth, type HealthVerdict} from '../../domain/health-verdict.js';
import {isTaskOnTemplate, templateKey} from '../../domain/spec-hash.js';
import {nodeName} from '../../domain/placement.js';
import {
  addToTally,
  emptyTally,
  versionMetrics,
  type TaskMetrics,
  type VersionMetrics,
} from '../../domain/task-metrics.js';
import {STATS_SAMPLE_MS, TaskStatsSampler} from '../task-stats.js';
import type {UpdateBaseline} from './apply.js';
import {foreignChange, type AppliedSpec} from './foreign-change.js';
import {healthSources} from '../container-health.js';
import {nodeIncidents, pause, pollThrough, type NodeIncident} from './watch-rollout.js';

export interface HealthWatchOptions {
  windowMs: number;
  pollMs: number;
  signal?: AbortSignal;
  now: () => number;
  onVerdict?: (elapsedMs: number, verdict: HealthVerdict) => void;
  /** What we applied: a service no longer on it was changed by someone else (conflict). */
  applied?: AppliedSpec | null;
  /** CPU and memory of the new tasks, at each sample (at most every STATS_SAMPLE_MS). */
  onMetrics?: (tasks: Record<string, TaskMetrics>) => void;
}

export interface HealthWatchResult {
  /** conflict: someone else changed the service during the watch (`conflict` says what). */
  status: 'done' | 'interrupted' | 'conflict';
  verdict: HealthVerdict | null;
  conflict?: string;
  /** Nodes holding the service's tasks that went down or stopped taking tasks during the watch (nodeIncidents). */
  incidents: NodeIncident[];
  /** Means per task of the new tasks on the connected node over the watch, and the restarts seen. */
  metrics?: VersionMetrics;
  /** Tasks of the version the watch counted as failed (ended and replaced) or saw unhealthy, for explaining why. */
  failedTaskIds?: string[];
}

const SWARM_GAVE_UP: Record<string, string> = {
  paused: 'Swarm paused the update',
  rollback_started: 'Swarm is rolling the update back',
  rollback_paused: 'Swarm paused rolling the update back',
  rollback_completed: 'Swarm rolled the update back',
};

function failed(reasons: string[], base?: HealthVerdict | null): HealthVerdict {
  return {
    status: 'failed',
    reasons,
    restarts: base?.restarts ?? 0,
    running: base?.running ?? 0,
    desired: base?.desired ?? 0,
  };
}

export async function watchHealth(
  gateway: DockerGateway,
  converged: Service,
  baseline: UpdateBaseline,
  opts: HealthWatchOptions,
): Promise<HealthWatchResult> {
  const key = templateKey(converged.Spec.TaskTemplate);
  const replicated = converged.Spec.Mode?.Global ? null : (converged.Spec.Mode?.Replicated?.Replicas ?? 1);
  const started = opts.now();
  let state = initialHealthState();
  let verdict: HealthVerdict | null = null;
  let signature = '';
  const incidents = new Map<string, NodeIncident>();
  const sampler = new TaskStatsSampler(gateway);
  let tally = emptyTally();
  let sampledAt = -Infinity;
  let sampling = false;
  /** The verdict is given: samples arriving later are not counted (nor reported). */
  let done = false;
  const measured = (): VersionMetrics => versionMetrics(tally, verdict?.restarts ?? 0);
  try {
    for (;;) {
      if (opts.signal?.aborted) return {status: 'interrupted', verdict, incidents: [...incidents.values()]};
      const poll = await pollThrough(gateway, converged.ID, baseline.versionIndex, opts.pollMs, opts.signal);
      if (!poll)
        return {
          status: 'done',
          verdict: failed(['the service was removed while its health was watched'], verdict),
          incidents: [...incidents.values()],
        };
      for (const [id, incident] of nodeIncidents(poll)) incidents.set(id, incident);
      const conflict = opts.applied ? foreignChange(poll.service, opts.applied) : null;
      if (conflict) return {status: 'conflict', verdict, conflict, incidents: [...incidents.values()]};
      const status = poll.service.UpdateStatus;
      const gaveUp = status?.State ? SWARM_GAVE_UP[status.State] : undefined;
      if (gaveUp && status?.StartedAt !== baseline.updateStartedAt) {
        return {
          status: 'done',
          verdict: failed([status?.Message ? `${gaveUp}: ${status.Message}` : gaveUp], verdict),
          incidents: [...incidents.values()],
        };
      }
      if (templateKey(poll.service.Spec.TaskTemplate) !== key) {
        return {
          status: 'done',
          verdict: failed(['the service was changed by someone else while its health was watched'], verdict),
          incidents: [...incidents.values()],
        };
      }
      const now = opts.now();
      if (!sampling && now - sampledAt >= STATS_SAMPLE_MS) {
        sampledAt = now;
        const names = new Map((poll.nodes ?? []).map((n) => [n.ID, nodeName(n)]));
        const ours = poll.tasks.filter((t) => isTaskOnTemplate(t, key));
        // Stats are a view on the rollout, never a reason to fail it, nor to wait: a container's
        // stats take the Engine about a second (two readings), so they are sampled beside the watch
        // and the verdict counts the samples that arrived before it.
        sampling = true;
        void sampler
          .sample(ours, (id) => names.get(id) ?? id.slice(0, 12))
          .then((metrics) => {
            if (!metrics || done) return;
            tally = addToTally(tally, Object.values(metrics));
            opts.onMetrics?.(metrics);
          })
          .catch(() => undefined)
          .finally(() => (sampling = false));
      }
      state = observeHealth(state, {
        at: now,
        tasks: poll.tasks,
        desiredReplicas: replicated,
        specTemplate: key,
        containerHealth: poll.containerHealth,
      });
      const onTemplate = poll.tasks.filter((t) => isTaskOnTemplate(t, converged.Spec.TaskTemplate));
      verdict = {
        ...healthVerdict(state, {final: now - started >= opts.windowMs}),
        from: healthSources(onTemplate, poll.containerHealth, poll.nodes, poll.healthFallbacks),
      };
      const next = [verdict.status, verdict.running, verdict.desired, verdict.restarts, ...verdict.reasons].join('|');
      if (next !== signature) {
        signature = next;
        opts.onVerdict?.(now - started, verdict);
      }
      if (verdict.status !== 'pending')
        return {
          status: 'done',
          verdict,
          incidents: [...incidents.values()],
          metrics: measured(),
          failedTaskIds: [...new Set([...Object.keys(state.failures), ...Object.keys(state.unhealthy)])],
        };
      await pause(Math.min(opts.pollMs, Math.max(0, started + opts.windowMs - now)), opts.signal);
    }
  } finally {
    done = true;
  }
}
