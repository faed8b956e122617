/**
 * The stability window: a freshly recorded version is `pending` until its tasks have stayed running
 * and healthy for the window (then `good`), or `bad` as soon as they crash-loop or turn unhealthy —
 * Swarm says "completed" even when the new tasks start crashing seconds later.
 *
 * A version is judged only while it is what the service runs: once another update starts (or the
 * spec changed), its tasks are being replaced on purpose, so the watch pauses instead of calling
 * that a failure. Recording the newer version then marks it `superseded` (the store does that);
 * should the service come back to it (Swarm rolled the newer update back), its window starts again.
 *
 * All watched services are polled with one service and one task request per tick.
 */
import type {DockerGateway} from '../docker/gateway.js';
import type {Service, ServiceSpec, Task} from '../docker/schemas.js';
import {healthVerdict, initialHealthState, observeHealth, type HealthWatchState} from '../domain/health-verdict.js';
import {templateKey} from '../domain/spec-hash.js';
import type {Store, VersionRow} from '../store/index.js';
import {containerHealthFor} from './container-health.js';
import {isTaskOnTemplate} from '../domain/spec-hash.js';
import {addToTally, emptyTally, versionMetrics, type MetricsTally} from '../domain/task-metrics.js';
import {STATS_SAMPLE_MS, TaskStatsSampler} from './task-stats.js';

interface Watched {
  row: VersionRow;
  serviceId: string;
  template: ServiceSpec['TaskTemplate'];
  desired: number | null;
  checkHealth: boolean;
  since: number;
  state: HealthWatchState;
  /** The service is running something else (another update began): not judged until it comes back. */
  paused: boolean;
  /** CPU and memory of its tasks over the window (recorded with its health). */
  tally: MetricsTally;
  sampledAt: number;
  sampler: TaskStatsSampler;
}

const UPDATE_IN_FLIGHT = new Set(['updating', 'paused', 'rollback_started', 'rollback_paused']);

/** Whether the service no longer runs the watched version as a settled deployment. */
function movedOn(service: Service | undefined, entry: Watched): boolean {
  if (!service) return true;
  const replicated = service.Spec.Mode?.Replicated;
  const desired = replicated ? (replicated.Replicas ?? 1) : null;
  if (desired !== entry.desired || templateKey(service.Spec.TaskTemplate) !== templateKey(entry.template)) return true;
  const status = service.UpdateStatus;
  return Boolean(status?.State && UPDATE_IN_FLIGHT.has(status.State) && status.StartedAt !== entry.row.updateStartedAt);
}

export interface VersionHealthWatchOptions {
  windowMs: number;
  now: () => number;
  log: (line: string) => void;
}

export class VersionHealthWatch {
  private readonly watched = new Map<string, Watched>();

  constructor(
    private readonly gateway: DockerGateway,
    private readonly store: Store,
    private readonly options: VersionHealthWatchOptions,
  ) {}

  get size(): number {
    return this.watched.size;
  }

  /** Start the window for a version just recorded; a newer version of the same service replaces it. */
  watch(row: VersionRow, serviceId: string, since = this.options.now()): void {
    const spec = row.snapshot.spec as ServiceSpec;
    const replicated = spec.Mode?.Replicated;
    this.watched.set(row.serviceName, {
      row,
      serviceId,
      template: spec.TaskTemplate,
      desired: replicated ? (replicated.Replicas ?? 1) : null,
      checkHealth: Boolean(spec.TaskTemplate.ContainerSpec?.Healthcheck?.Test?.length),
      since,
      state: initialHealthState(),
      paused: false,
      tally: emptyTally(),
      sampledAt: -Infinity,
      sampler: new TaskStatsSampler(this.gateway),
    });
  }

  /** After a restart: versions still pending get a fresh window (their earlier watch was lost). */
  async resumePending(services: readonly Service[]): Promise<void> {
    for (const service of services) {
      if (this.watched.has(service.Spec.Name)) continue;
      const latest = await this.store.versions.latest(service.Spec.Name);
      if (latest && latest.health === 'pending') this.watch(latest, service.ID);
    }
  }

  /** CPU and memory of the version's running tasks on the connected node, added to its tally (never fails the watch). */
  private async sample(entry: Watched, tasks: Task[]): Promise<MetricsTally> {
    const ours = tasks.filter((t) => isTaskOnTemplate(t, entry.template));
    const metrics = await entry.sampler.sample(ours, (id) => id.slice(0, 12)).catch(() => null);
    return metrics ? addToTally(entry.tally, Object.values(metrics)) : entry.tally;
  }

  async tick(): Promise<void> {
    if (this.watched.size === 0) return;
    const entries = [...this.watched.values()];
    const ids = new Set(entries.map((e) => e.serviceId));
    const services = new Map((await this.gateway.listServices()).filter((s) => ids.has(s.ID)).map((s) => [s.ID, s]));
    const tasks = await this.gateway.listTasks([...ids]);
    const at = this.options.now();
    for (const entry of entries) {
      if (movedOn(services.get(entry.serviceId), entry)) {
        if (!entry.paused)
          this.options.log(
            `${entry.row.serviceName} v${entry.row.number}: another deployment began inside its stability window; not judged while it runs`,
          );
        entry.paused = true;
        continue;
      }
      if (entry.paused) {
        // Back on this version (the newer update was rolled back): a fresh window.
        entry.paused = false;
        entry.since = at;
        entry.state = initialHealthState();
        entry.tally = emptyTally();
      }
      const own = tasks.filter((t) => t.ServiceID === entry.serviceId);
      const containerHealth = entry.checkHealth ? await containerHealthFor(this.gateway, own) : undefined;
      entry.state = observeHealth(entry.state, {
        at,
        tasks: own,
        desiredReplicas: entry.desired,
        specTemplate: entry.template,
        containerHealth,
      });
      if (at - entry.sampledAt >= STATS_SAMPLE_MS) {
        entry.sampledAt = at;
        entry.tally = await this.sample(entry, own);
      }
      const final = at - entry.since >= this.options.windowMs;
      const verdict = healthVerdict(entry.state, {final});
      if (verdict.status === 'pending') continue;
      const health = verdict.status === 'healthy' ? 'good' : 'bad';
      const reason = verdict.status === 'healthy' ? null : `${verdict.status}: ${verdict.reasons.join('; ')}`;
      await this.store.versions.setHealth(entry.row.id, health, reason, versionMetrics(entry.tally, verdict.restarts));
      this.watched.delete(entry.row.serviceName);
      this.options.log(`${entry.row.serviceName} v${entry.row.number} is ${health}${reason ? ` (${reason})` : ''}`);
    }
  }
}
