/**
 * The recorder: every converged deployment of every service becomes a version.
 *
 * Service events say *that* something changed; the recorder then inspects the service and decides
 * (deploymentState) whether the change converged, is still rolling, or failed. A periodic full pass
 * and a pass after every event-stream reconnect catch anything an event did not tell us (daemon
 * restarts, events pushed out of the replay buffer). Recording is idempotent by version hash, so
 * passes can repeat freely and two recorders can run at once.
 */
import type {DockerGateway} from '../docker/gateway.js';
import {serviceEvents} from '../docker/event-stream.js';
import type {Service, Task} from '../docker/schemas.js';
import {isTaskOnTemplate} from '../domain/spec-hash.js';
import type {Store, VersionRow} from '../store/index.js';
import {captureService} from './capture.js';
import {deploymentState, isManualRollbackStart, isOperatorRollback} from './deployment-state.js';
import type {RegistrySync} from './registry/sync.js';
import {VersionHealthWatch} from './version-health-watch.js';
import {StackRecorder} from './stacks/stack-recorder.js';
import {abortableSleep as sleep} from '../shared/abortable-sleep.js';

export interface RecorderOptions {
  /** How long a new version's tasks must stay running and healthy before it counts as good. */
  stabilityWindowMs?: number;
  /** How often dirty services and pending versions are looked at. */
  tickMs?: number;
  /** How often every service is looked at even without events. */
  fullPassMs?: number;
  log?: (line: string) => void;
  now?: () => number;
  /** Tags/pushes each new version's image, retries failed pushes, applies retention (registry/). */
  registry?: RegistrySync;
  /** Which services are recorded (by name; default all). */
  include?: (serviceName: string) => boolean;
  /** Quiet time after a stack's last change before its revision is written (stack-recorder.ts). */
  stackSettleMs?: number;
}

/** How a version put back by `docker service rollback` (or another tool's rollback) is described. */
export const OPERATOR_ROLLBACK_NOTE = 'rolled back by another tool (docker service rollback)';

export interface RecordOutcome {
  service: string;
  row: VersionRow;
  created: boolean;
}

export class Recorder {
  private readonly dirty = new Set<string>();
  /**
   * Version.Index of each service when it was last examined to an end (recorded, unchanged, failed,
   * left out). Swarm bumps the index on every change to the service, its UpdateStatus included, so a
   * full pass skips services still at that index: without this, every pass cost three API requests
   * and a write transaction per service, growing with the size of the swarm.
   */
  private readonly settled = new Map<string, number>();
  private readonly failuresSeen = new Set<string>();
  /** `serviceID@StartedAt` of rollbacks seen starting on an operator's request. */
  private readonly manualRollbacks = new Set<string>();
  private readonly health: VersionHealthWatch;
  private readonly log: (line: string) => void;
  private daemonDown = false;
  private readonly registry: RegistrySync | null;
  private readonly include: (serviceName: string) => boolean;
  private readonly stacks: StackRecorder;
  readonly options: Required<Omit<RecorderOptions, 'log' | 'registry' | 'include' | 'stackSettleMs'>>;

  constructor(
    private readonly gateway: DockerGateway,
    private readonly store: Store,
    options: RecorderOptions = {},
  ) {
    this.options = {
      stabilityWindowMs: options.stabilityWindowMs ?? 30_000,
      tickMs: options.tickMs ?? 1_000,
      fullPassMs: options.fullPassMs ?? 30_000,
      now: options.now ?? Date.now,
    };
    this.log = options.log ?? (() => undefined);
    this.registry = options.registry ?? null;
    this.include = options.include ?? (() => true);
    this.stacks = new StackRecorder(gateway, store, {
      settleMs: options.stackSettleMs,
      now: this.options.now,
      log: this.log,
      include: this.include,
    });
    this.health = new VersionHealthWatch(gateway, store, {
      windowMs: this.options.stabilityWindowMs,
      now: this.options.now,
      log: this.log,
    });
  }

  /** Record the current spec of one service now (the `snapshot` command and the console's `s`). */
  async recordNow(
    service: Service,
    source: 'recorded' | 'snapshot' = 'snapshot',
    note?: string,
  ): Promise<RecordOutcome> {
    const {snapshot, hash} = await captureService(this.gateway, service);
    const {row, created} = await this.store.versions.record({
      serviceName: service.Spec.Name,
      serviceId: service.ID,
      snapshot,
      specHash: hash,
      source,
      ...(note ? {note} : {}),
      swarmVersion: service.Version.Index,
      updateStartedAt: service.UpdateStatus?.StartedAt ?? null,
      audit: {
        action: 'record',
        result: 'ok',
        detail: source === 'snapshot' ? 'snapshot taken by hand' : 'converged deployment',
      },
    });
    return this.recorded(service, row, created, snapshot.view.image);
  }

  /**
   * The spec the last update replaced, when we never recorded it: the recorder was down (or busy)
   * while it converged and was replaced. Swarm keeps exactly one PreviousSpec, so this recovers the
   * last replaced spec only; two or more replaced while nobody watched lose all but the last. Not
   * after Swarm rolled an update back (PreviousSpec is then the failed spec), not for a service with
   * no history yet, and only when tasks of it ran until the update shut them down (it converged).
   */
  private async recoverReplaced(service: Service, tasks: readonly Task[]): Promise<void> {
    const previous = service.PreviousSpec;
    const state = service.UpdateStatus?.State;
    if (!previous || state?.startsWith('rollback')) return;
    const latest = await this.store.versions.latest(service.Spec.Name);
    if (!latest) return;
    const current = await captureService(this.gateway, service);
    if (current.hash === latest.specHash) return;
    const replaced = await captureService(this.gateway, {...service, Spec: previous});
    if (replaced.hash === latest.specHash || replaced.hash === current.hash) return;
    const ran = tasks.some(
      (t) =>
        isTaskOnTemplate(t, previous.TaskTemplate) && (t.Status.State === 'shutdown' || t.Status.State === 'running'),
    );
    if (!ran) return;
    const replacedAt = service.UpdateStatus?.StartedAt;
    const {row, created} = await this.store.versions.record({
      serviceName: service.Spec.Name,
      serviceId: service.ID,
      snapshot: replaced.snapshot,
      specHash: replaced.hash,
      source: 'recorded',
      note: `recovered from Swarm's PreviousSpec: replaced${replacedAt ? ` at ${replacedAt}` : ''} before it was recorded`,
      audit: {action: 'record', result: 'ok', detail: "recovered from Swarm's PreviousSpec at catch-up"},
    });
    await this.recorded(service, row, created, replaced.snapshot.view.image, false);
  }

  private async recorded(
    service: Service,
    row: VersionRow,
    created: boolean,
    image: string,
    watch = true,
  ): Promise<RecordOutcome> {
    if (created) {
      this.log(
        `recorded ${service.Spec.Name} v${row.number} (${image})${watch ? '' : ', recovered from PreviousSpec'}`,
      );
      if (watch) this.health.watch(row, service.ID);
      await this.registry?.afterRecord(row);
    }
    return {service: service.Spec.Name, row, created};
  }

  /** Look at one service and record it if its deployment converged. */
  async examine(serviceIdOrName: string): Promise<RecordOutcome | 'pending' | 'gone' | 'failed'> {
    const service = await this.gateway.findService(serviceIdOrName);
    if (!service) {
      this.stacks.noteGone(serviceIdOrName);
      return 'gone';
    }
    this.stacks.noteService(service);
    const settle = () => this.settled.set(service.ID, service.Version.Index);
    // A service this recorder leaves out is, to it, as good as gone.
    if (!this.include(service.Spec.Name)) {
      settle();
      return 'gone';
    }
    // Someone else's to record (a subclass says who); looked at again at the next event or pass.
    if (await this.leftToOthers(service)) return 'gone';
    const tasks = await this.gateway.listTasks([service.ID]);
    await this.recoverReplaced(service, tasks);
    const state = deploymentState(service, tasks);
    const updateKey = `${service.ID}@${service.UpdateStatus?.StartedAt ?? ''}`;
    if (isManualRollbackStart(service)) this.manualRollbacks.add(updateKey);
    if (state.kind === 'in-progress' || state.kind === 'waiting') return 'pending';
    if (state.kind === 'failed' && isOperatorRollback(service, this.manualRollbacks.has(updateKey))) {
      // Not a failed deployment: someone rolled the service back with another tool.
      const outcome = await this.recordNow(service, 'recorded', OPERATOR_ROLLBACK_NOTE);
      await this.noteOperatorRollback(service, state.startedAt, outcome.row.number);
      settle();
      return outcome;
    }
    if (state.kind === 'failed') {
      await this.noteFailedDeployment(service, state.state, state.message, state.startedAt);
      // After Swarm rolled back, what runs is the earlier spec: a converged deployment in its own
      // right (usually already recorded, so this is a no-op).
      if (state.state !== 'rollback_completed') {
        settle();
        return 'failed';
      }
    }
    const outcome = await this.recordNow(service, 'recorded');
    settle();
    return outcome;
  }

  /** Whether another part records this service's current spec (none here; see ConsoleRecorder). */
  protected async leftToOthers(_service: Service): Promise<boolean> {
    return false;
  }

  /** Catch up: every service's current spec becomes a version if it differs from the latest. */
  async catchUp(): Promise<RecordOutcome[]> {
    const services = await this.gateway.listServices();
    const outcomes: RecordOutcome[] = [];
    for (const service of services) {
      const outcome = await this.examine(service.ID);
      if (outcome === 'pending') this.dirty.add(service.ID);
      if (typeof outcome === 'object') outcomes.push(outcome);
    }
    await this.health.resumePending(services.filter((service) => this.include(service.Spec.Name)));
    await this.registry?.retryPending();
    await this.stacks.noteAll(services);
    return outcomes;
  }

  /** Run until the signal aborts: follow events, examine what changed, watch new versions' health. */
  async run(signal: AbortSignal): Promise<void> {
    const events = this.followEvents(signal);
    await this.safely(() => this.catchUp());
    let lastFullPass = this.options.now();
    while (!signal.aborted) {
      await sleep(this.options.tickMs, signal);
      if (signal.aborted) break;
      if (this.options.now() - lastFullPass >= this.options.fullPassMs) {
        lastFullPass = this.options.now();
        await this.safely(() => this.markAllDirty());
        await this.safely(async () => this.registry?.retryPending());
      }
      await this.safely(() => this.processDirty());
      await this.safely(() => this.stacks.tick((id) => this.dirty.has(id)));
      await this.safely(() => this.health.tick());
    }
    await events;
  }

  /**
   * Follow service events until the signal aborts. A lost stream is reopened by the event stream
   * itself; a stream that ends with an error (a malformed event) is reopened here after a pause.
   */
  private async followEvents(signal: AbortSignal): Promise<void> {
    let wasConnected = false;
    let announcedLoss = false;
    while (!signal.aborted) {
      try {
        for await (const event of serviceEvents(this.gateway, {
          signal,
          onStatus: (status, error) => {
            if (status === 'connected') {
              // Anything may have happened while we were away: look at everything again.
              if (wasConnected) void this.safely(() => this.markAllDirty());
              wasConnected = true;
              announcedLoss = false;
            } else if (!announcedLoss && !signal.aborted) {
              announcedLoss = true;
              this.daemonDown = true;
              this.log(
                `cannot look at services now: lost the event stream (${error?.message ?? 'disconnected'}); retrying`,
              );
            }
          },
        })) {
          this.dirty.add(event.Actor.ID);
        }
      } catch (error) {
        if (!signal.aborted) this.log(`event stream ended: ${(error as Error).message}; reopening`);
      }
      await sleep(1_000, signal);
    }
  }

  /** Every service changed since it was last examined (one request, whatever the swarm's size). */
  private async markAllDirty(): Promise<void> {
    const services = await this.gateway.listServices();
    const present = new Set<string>();
    for (const service of services) {
      present.add(service.ID);
      if (this.settled.get(service.ID) !== service.Version.Index) this.dirty.add(service.ID);
    }
    for (const id of this.settled.keys()) {
      if (present.has(id)) continue;
      this.settled.delete(id);
      this.stacks.noteGone(id);
    }
  }

  private async processDirty(): Promise<void> {
    for (const id of [...this.dirty]) {
      const outcome = await this.examine(id);
      if (outcome !== 'pending') this.dirty.delete(id);
    }
  }

  private async noteOperatorRollback(service: Service, startedAt: string, toVersion: number) {
    const key = `${service.ID}@${startedAt}`;
    if (this.failuresSeen.has(key)) return;
    this.failuresSeen.add(key);
    const detail = `${OPERATOR_ROLLBACK_NOTE}: Swarm's previous spec, started ${startedAt}`;
    const recent = await this.store.audit.list({serviceName: service.Spec.Name, limit: 50});
    if (recent.some((entry) => entry.action === 'external_rollback' && entry.detail === detail)) return;
    await this.store.audit.append({
      actor: 'another tool',
      action: 'external_rollback',
      serviceName: service.Spec.Name,
      fromVersion: null,
      toVersion,
      result: 'ok',
      detail,
    });
    this.log(`${service.Spec.Name} was rolled back by another tool (docker service rollback)`);
  }

  private async noteFailedDeployment(service: Service, state: string, message: string, startedAt: string) {
    const key = `${service.ID}@${startedAt}`;
    if (this.failuresSeen.has(key)) return;
    this.failuresSeen.add(key);
    const detail = `update started ${startedAt} ended ${state}${message ? `: ${message}` : ''}`;
    const recent = await this.store.audit.list({serviceName: service.Spec.Name, limit: 50});
    if (recent.some((entry) => entry.action === 'deploy_failed' && entry.detail === detail)) return;
    const latest = await this.store.versions.latest(service.Spec.Name);
    await this.store.audit.append({
      action: 'deploy_failed',
      serviceName: service.Spec.Name,
      fromVersion: latest?.number ?? null,
      toVersion: null,
      result: 'failed',
      detail,
    });
    this.log(`deployment of ${service.Spec.Name} failed (${state}); not recorded as a version`);
  }

  private async safely(step: () => Promise<unknown>): Promise<void> {
    try {
      await step();
      if (this.daemonDown) {
        this.daemonDown = false;
        this.log('Docker daemon reachable again');
      }
    } catch (error) {
      const message = (error as Error).message;
      if (!this.daemonDown) this.log(`cannot look at services now: ${message}`);
      this.daemonDown = true;
    }
  }
}
