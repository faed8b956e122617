/**
 * The stability window: a freshly recorded version is `pending` until its tasks have stayed running
 * and healthy for the window (then `good`), or `bad` as soon as they crash-loop or turn unhealthy —
 * Swarm says "completed" even when the new tasks start crashing seconds later.
 *
 * All watched services are polled with one task request per tick.
 */
import type {DockerGateway} from '../docker/gateway.js';
import type {Service, ServiceSpec} from '../docker/schemas.js';
import {healthVerdict, initialHealthState, observeHealth, type HealthWatchState} from '../domain/health-verdict.js';
import type {Store, VersionRow} from '../store/index.js';
import {containerHealthFor} from './container-health.js';

interface Watched {
  row: VersionRow;
  serviceId: string;
  template: ServiceSpec['TaskTemplate'];
  desired: number | null;
  checkHealth: boolean;
  since: number;
  state: HealthWatchState;
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

  async tick(): Promise<void> {
    if (this.watched.size === 0) return;
    const entries = [...this.watched.values()];
    const tasks = await this.gateway.listTasks(entries.map((e) => e.serviceId));
    const at = this.options.now();
    for (const entry of entries) {
      const own = tasks.filter((t) => t.ServiceID === entry.serviceId);
      const containerHealth = entry.checkHealth ? await containerHealthFor(this.gateway, own) : undefined;
      entry.state = observeHealth(entry.state, {
        at,
        tasks: own,
        desiredReplicas: entry.desired,
        specTemplate: entry.template,
        containerHealth,
      });
      const final = at - entry.since >= this.options.windowMs;
      const verdict = healthVerdict(entry.state, {final});
      if (verdict.status === 'pending') continue;
      const health = verdict.status === 'healthy' ? 'good' : 'bad';
      const reason = verdict.status === 'healthy' ? null : `${verdict.status}: ${verdict.reasons.join('; ')}`;
      await this.store.versions.setHealth(entry.row.id, health, reason);
      this.watched.delete(entry.row.serviceName);
      this.options.log(`${entry.row.serviceName} v${entry.row.number} is ${health}${reason ? ` (${reason})` : ''}`);
    }
  }
}
