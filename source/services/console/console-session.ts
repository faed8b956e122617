/**
 * What the console does while connected: the overview (every service, live version, health) every
 * overviewMs and at once after a service event; the watched service's tasks every pollMs in one
 * request (plus container health when the service has a health check); the service event feed; and
 * the recorder, with the rollback registry's work (tag and push each version, retries, retention)
 * in the background. Every result goes into the state publisher; a lost daemon ends the session.
 */
import {errorText} from '../../shared/errors.js';
import {eventKey, serviceEvents} from '../../docker/event-stream.js';
import type {DockerGateway} from '../../docker/gateway.js';
import type {DockerEvent, Service, Task} from '../../docker/schemas.js';
import {pollTasks} from '../../docker/task-poller.js';
import type {Store} from '../../store/index.js';
import type {ConsoleState, InterruptedRollout, ServiceSummary} from '../console-model.js';
import {findInFlight} from '../rollback/journal.js';
import type {RegistrySetup} from '../registry/setup.js';
import type {RegistrySync} from '../registry/sync.js';
import {containerHealthFor, hasHealthcheck} from '../container-health.js';
import {abortableSleep} from '../../shared/abortable-sleep.js';
import {TaskStatsSampler} from '../task-stats.js';
import {isConnectionLoss, type SessionContext} from './connection-supervisor.js';
import {ConsoleRecorder} from './console-recorder.js';
import {describeEvent, pushEvent} from './event-feed.js';
import {distinctNodeNames} from '../../domain/placement.js';
import {toNodeRows} from './node-rows.js';
import {summarizeService} from './overview.js';
import type {StatePublisher} from './state-publisher.js';
import {endedQuietly, toTaskRows, unknownNodes} from './task-rows.js';
import type {ContainerHealthDetail} from '../../docker/container-ops.js';
import type {VersionCatalog} from './version-catalog.js';

export interface SessionSettings {
  pollMs: number;
  /** CPU and memory sampling of the tasks on screen (one stats request per local container). */
  statsMs: number;
  overviewMs: number;
  recorder: boolean;
  stabilityWindowMs?: number;
  /** The rollback registry versions recorded here are tagged and pushed to (and retention applied). */
  registry: RegistrySetup;
  /** How far back the event feed is filled on the first connection (seconds). */
  eventReplaySeconds: number;
  log: (line: string) => void;
  /** Which services are shown and recorded. */
  include: (serviceName: string) => boolean;
  /** Services (name or ID) the recorder must leave alone for now: rolled out from this console. */
  rolloutActive: (serviceIdOrName: string) => boolean;
}

/** State the model keeps across sessions. */
export interface SessionShared {
  store: Store;
  catalog: VersionCatalog;
  publisher: StatePublisher<ConsoleState>;
  /** The service whose tasks are polled. */
  watched(): string | null;
  /** The nodes view is on screen: nodes are listed with each overview. */
  nodesWatched(): boolean;
  /** The service whose tasks' CPU and memory are sampled (its tasks view is on screen), or null. */
  statsWatched(): string | null;
  /** Events already in the feed (the stream's `since` replays some again). */
  seenEvents: Set<string>;
  /** Unix seconds of the newest event seen; the next session resumes there. */
  lastEventTime: number | null;
}

const JOURNAL = 'cannot read the rollout journal';
const HISTORY = 'cannot read the history';
const NODE_REFRESH_MS = 10_000;
const HASH_CONCURRENCY = 6;

export class ConsoleSession {
  readonly gateway: DockerGateway;
  readonly recorder: ConsoleRecorder | null;
  /** Tags and pushes versions in the background, one at a time, on this connection. */
  readonly registry: RegistrySync;
  private services = new Map<string, Service>();
  private nodes = new Map<string, string>();
  private nodesAt = 0;
  private wake: (() => void) | null = null;
  private refreshRequested = false;
  /** Version.Index of each service (by ID) when the journal was last asked about it. */
  private readonly journalChecked = new Map<string, number>();
  /** The service last watched, to ask the journal again when the operator opens another. */
  private journalWatched: string | null = null;
  /** What the containers of tasks that ended `complete` said (asked once per task: they no longer change). */
  private readonly endedTasks = new Map<string, ContainerHealthDetail | null>();
  /** The watched service's history fingerprint last seen (see VersionsRepo.changeStamp). */
  private historyStamp: {service: string; stamp: string} | null = null;
  /** The watched service's tasks as last listed (the stats loop samples their containers). */
  private lastTasks: {name: string; tasks: Task[]} | null = null;
  /** The current failure of each loop (overview, tasks, events); the newest is state.lastError. */
  private readonly errors = new Map<string, string>();

  constructor(
    private readonly ctx: SessionContext,
    private readonly shared: SessionShared,
    private readonly settings: SessionSettings,
  ) {
    this.gateway = ctx.gateway;
    const log = (line: string) => {
      settings.log(line);
      // A version recorded, judged, pushed or deleted: history, live versions and health may change.
      shared.catalog.historyChanged();
      this.refreshSoon();
    };
    this.registry = settings.registry.sync(ctx.gateway, shared.store, {log, background: true});
    this.recorder = settings.recorder
      ? new ConsoleRecorder(
          ctx.gateway,
          shared.store,
          {stabilityWindowMs: settings.stabilityWindowMs, log, registry: this.registry, include: settings.include},
          settings.rolloutActive,
        )
      : null;
  }

  /** After a rollout from this console: keep the image of the version it recorded, as the recorder would. */
  keepPendingImages(serviceName: string): void {
    this.registry.retryPending(serviceName).catch((error: unknown) => {
      this.settings.log(`the image of ${serviceName}'s new version was not kept: ${errorText(error)}`);
    });
  }

  /** Waits (at most `ms`) for the registry work under way: a tag or push about to finish is not cut off. */
  async settle(ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
    await Promise.race([this.registry.idle(), timeout]);
    clearTimeout(timer);
  }

  start(): void {
    const {signal} = this.ctx;
    void this.overviewLoop();
    void this.taskLoop();
    void this.eventLoop();
    void this.statsLoop();
    if (this.recorder)
      void this.recorder.run(signal).catch((error) => this.settings.log(`recorder stopped: ${errorText(error)}`));
  }

  /** The service's ID as the last overview saw it. */
  serviceId(name: string): string | undefined {
    for (const service of this.services.values()) if (service.Spec.Name === name) return service.ID;
    return undefined;
  }

  /** Refresh the overview now (after an event, a snapshot, a rollout step). */
  refreshSoon(): void {
    this.refreshRequested = true;
    this.wake?.();
  }

  private failed(error: unknown, what: string): void {
    if (isConnectionLoss(error)) {
      this.ctx.lost(error);
      return;
    }
    this.errors.delete(what);
    this.errors.set(what, `${what}: ${errorText(error)}`);
    this.publishErrors();
  }

  private recovered(what: string): void {
    if (this.errors.delete(what)) this.publishErrors();
  }

  private publishErrors(): void {
    const latest = [...this.errors.values()].pop();
    this.shared.publisher.update(({lastError: _previous, ...s}) =>
      latest === undefined ? s : {...s, lastError: latest},
    );
  }

  private async overviewLoop(): Promise<void> {
    const {signal} = this.ctx;
    while (!signal.aborted) {
      this.refreshRequested = false;
      try {
        await this.refreshOverview();
        this.recovered('cannot list services');
        if (this.shared.nodesWatched()) await this.refreshNodes();
      } catch (error) {
        if (signal.aborted) return;
        this.failed(error, 'cannot list services');
        if (isConnectionLoss(error)) return;
      }
      if (!this.refreshRequested) await this.pause(this.settings.overviewMs);
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.wake = null;
        clearTimeout(timer);
        this.ctx.signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
      this.ctx.signal.addEventListener('abort', done, {once: true});
    });
  }

  /** The nodes view's rows: every node and the tasks running on each (two requests). */
  private async refreshNodes(): Promise<void> {
    const [nodes, tasks, info] = await Promise.all([
      this.gateway.listNodes(),
      this.gateway.listTasks(),
      this.gateway.swarmInfo(),
    ]);
    if (this.ctx.signal.aborted || !this.shared.nodesWatched()) return;
    this.nodes = distinctNodeNames(nodes);
    this.nodesAt = Date.now();
    const rows = toNodeRows(nodes, tasks, info.nodeId);
    this.shared.publisher.update((s) => ({...s, nodes: rows}));
  }

  private async refreshOverview(): Promise<void> {
    const services = (await this.gateway.listServices()).filter((s) => this.settings.include(s.Spec.Name));
    if (this.ctx.signal.aborted) return;
    const summaries = await mapLimit(services, HASH_CONCURRENCY, async (service) => {
      const live = await this.shared.catalog.liveVersion(this.gateway, service).catch((error: unknown) => {
        if (isConnectionLoss(error)) throw error;
        return null;
      });
      return summarizeService(service, live);
    });
    if (this.ctx.signal.aborted) return;
    this.services = new Map(services.map((s) => [s.ID, s]));
    this.shared.catalog.retain(new Set(this.services.keys()));
    summaries.sort((a, b) => a.name.localeCompare(b.name));
    const before = new Map(this.shared.publisher.latest.services.map((s) => [s.name, s.liveVersion]));
    for (const summary of summaries) {
      if (before.has(summary.name) && before.get(summary.name) !== summary.liveVersion) {
        this.shared.catalog.historyChanged(summary.name);
      }
    }
    this.shared.publisher.update((s) => ({...s, services: summaries as ServiceSummary[], servicesLoaded: true}));
    await this.checkJournal(services).then(
      () => this.recovered(JOURNAL),
      (error: unknown) => this.failed(error, JOURNAL),
    );
    await this.checkHistory().then(
      () => this.recovered(HISTORY),
      (error: unknown) => this.failed(error, HISTORY),
    );
  }

  /**
   * The watched service's history, as any process sharing the database left it: one cheap query
   * per overview pass; when it moved, the live version is looked up again and the history reloads.
   */
  private async checkHistory(): Promise<void> {
    const service = this.shared.watched();
    if (service === null) {
      this.historyStamp = null;
      return;
    }
    const stamp = await this.shared.store.versions.changeStamp(service);
    const previous = this.historyStamp;
    this.historyStamp = {service, stamp};
    if (previous === null || previous.service !== service || previous.stamp === stamp || this.ctx.signal.aborted)
      return;
    this.shared.catalog.historyChanged(service);
    this.shared.publisher.update((s) => ({
      ...s,
      historyRevision: {...s.historyRevision, [service]: (s.historyRevision?.[service] ?? 0) + 1},
    }));
    this.refreshSoon();
  }

  /** The journal needs asking about this service again (a rollout here ended or was reattached). */
  journalStale(serviceName: string): void {
    for (const service of this.services.values())
      if (service.Spec.Name === serviceName) this.journalChecked.delete(service.ID);
    this.refreshSoon();
  }

  /**
   * Rollouts open in the journal that nobody here watches (a console closed or killed mid-rollout):
   * asked for every service at start, then again for a service whose spec changed, for the one the
   * operator opens and for those still open (another process may have finished them).
   */
  private async checkJournal(services: Service[]): Promise<void> {
    const watched = this.shared.watched();
    const open = this.shared.publisher.latest.interrupted ?? {};
    const due = services.filter(
      (s) =>
        this.journalChecked.get(s.ID) !== s.Version.Index ||
        open[s.Spec.Name] !== undefined ||
        (s.Spec.Name === watched && watched !== this.journalWatched),
    );
    this.journalWatched = watched;
    if (due.length === 0) return;
    const found = await mapLimit(due, HASH_CONCURRENCY, async (service) => {
      const record = await findInFlight(this.shared.store, service.Spec.Name);
      this.journalChecked.set(service.ID, service.Version.Index);
      return {service, record: record && record.serviceId === service.ID ? record : null};
    });
    if (this.ctx.signal.aborted) return;
    const present = new Set(services.map((s) => s.Spec.Name));
    this.shared.publisher.update((s) => {
      const next: Record<string, InterruptedRollout> = {};
      for (const [name, entry] of Object.entries(s.interrupted ?? {})) if (present.has(name)) next[name] = entry;
      for (const {service, record} of found) {
        const name = service.Spec.Name;
        if (record && !this.settings.rolloutActive(name)) {
          next[name] = {
            kind: record.kind,
            from: record.fromVersion,
            to: record.toVersion,
            startedAtMs: record.startedAtMs,
          };
        } else {
          delete next[name];
        }
      }
      return sameInterrupted(s.interrupted ?? {}, next) ? s : {...s, interrupted: next};
    });
  }

  private async taskLoop(): Promise<void> {
    let asked: {name: string; id: string} | null = null;
    await pollTasks(this.gateway, {
      signal: this.ctx.signal,
      intervalMs: this.settings.pollMs,
      serviceIds: () => {
        const name = this.shared.watched();
        const id = name === null ? undefined : this.serviceId(name);
        asked = name !== null && id !== undefined ? {name, id} : null;
        if (asked === null) this.dropTasks();
        return asked ? [asked.id] : [];
      },
      onTasks: async (tasks) => {
        const target = asked;
        if (!target || this.shared.watched() !== target.name) return;
        await this.publishTasks(
          target,
          tasks.filter((t) => t.ServiceID === target.id),
        );
      },
      onError: (error) => this.failed(error, 'cannot list tasks'),
    });
  }

  private dropTasks(): void {
    const watched = this.shared.watched();
    this.shared.publisher.update((s) => {
      const keep = watched !== null && s.tasks[watched] ? {[watched]: s.tasks[watched]} : {};
      return Object.keys(s.tasks).length === Object.keys(keep).length ? s : {...s, tasks: keep};
    });
  }

  private async publishTasks(target: {name: string; id: string}, tasks: Task[]): Promise<void> {
    const service = this.services.get(target.id);
    if (unknownNodes(tasks, this.nodes) && Date.now() - this.nodesAt > NODE_REFRESH_MS) {
      this.nodesAt = Date.now();
      const nodes = await this.gateway.listNodes();
      this.nodes = distinctNodeNames(nodes);
    }
    const health = service && hasHealthcheck(service) ? await containerHealthFor(this.gateway, tasks) : undefined;
    const versions = await this.shared.catalog.templateVersions(target.name);
    if (service && hasHealthcheck(service)) await this.askEndedTasks(tasks);
    if (this.ctx.signal.aborted || this.shared.watched() !== target.name) return;
    this.lastTasks = {name: target.name, tasks};
    const rows = toTaskRows(tasks, {nodes: this.nodes, versions, health, ended: this.endedTasks});
    this.shared.publisher.update((s) => ({...s, tasks: {[target.name]: rows}}));
    this.recovered('cannot list tasks');
  }

  /**
   * CPU and memory of the tasks on screen: every statsMs while a tasks view is shown (the service
   * must be the watched one, whose tasks are listed anyway); nothing is asked otherwise.
   */
  private async statsLoop(): Promise<void> {
    const {signal} = this.ctx;
    let sampler = null as {service: string; sampler: TaskStatsSampler} | null;
    const STATS = 'cannot read task stats';
    while (!signal.aborted) {
      const service = this.shared.statsWatched();
      const listed = this.lastTasks;
      if (service === null || service !== this.shared.watched()) {
        sampler = null;
        this.shared.publisher.update((s) => {
          if (s.stats === undefined) return s;
          const {stats: _hidden, ...rest} = s;
          return rest;
        });
        this.recovered(STATS);
      } else if (listed?.name === service) {
        if (sampler?.service !== service)
          sampler = {service, sampler: new TaskStatsSampler(this.gateway, this.ctx.info.nodeId || undefined)};
        try {
          const tasks = await sampler.sampler.sample(listed.tasks, (id) => this.nodes.get(id) ?? id.slice(0, 12));
          if (signal.aborted) return;
          if (this.shared.statsWatched() === service)
            this.shared.publisher.update((s) => ({...s, stats: {service, tasks}}));
          this.recovered(STATS);
        } catch (error) {
          if (signal.aborted) return;
          this.failed(error, STATS);
          if (isConnectionLoss(error)) return;
        }
      }
      await abortableSleep(this.settings.statsMs, signal);
    }
  }

  /** Why tasks that ended `complete` stopped (their containers' last health check), once per task. */
  private async askEndedTasks(tasks: Task[]): Promise<void> {
    const present = new Set(tasks.map((t) => t.ID));
    for (const id of this.endedTasks.keys()) if (!present.has(id)) this.endedTasks.delete(id);
    const unasked = tasks.filter((t) => endedQuietly(t) && !this.endedTasks.has(t.ID));
    await Promise.all(
      unasked.map(async (task) => {
        const detail = await this.gateway
          .containerHealthDetail(task.Status.ContainerStatus!.ContainerID!)
          .catch((error: unknown) => {
            if (isConnectionLoss(error)) throw error;
            return null;
          });
        this.endedTasks.set(task.ID, detail);
      }),
    );
  }

  private async eventLoop(): Promise<void> {
    const {signal} = this.ctx;
    while (!signal.aborted) {
      const since = this.shared.lastEventTime ?? Math.floor(Date.now() / 1000) - this.settings.eventReplaySeconds;
      try {
        for await (const event of serviceEvents(this.gateway, {
          signal,
          since,
          onStatus: (status) => {
            if (status === 'disconnected') this.refreshSoon();
            else this.recovered('event stream');
          },
        })) {
          this.onEvent(event);
        }
        return;
      } catch (error) {
        if (signal.aborted) return;
        this.failed(error, 'event stream');
        // Skip past whatever broke the stream rather than replaying it again.
        this.shared.lastEventTime = Math.floor(Date.now() / 1000);
        await abortableSleep(5_000, signal);
      }
    }
  }

  private onEvent(event: DockerEvent): void {
    this.shared.lastEventTime = Math.max(this.shared.lastEventTime ?? 0, event.time);
    const key = eventKey(event);
    if (this.shared.seenEvents.has(key)) return;
    this.shared.seenEvents.add(key);
    if (this.shared.seenEvents.size > 2_000) {
      const oldest = this.shared.seenEvents.values().next().value;
      if (oldest !== undefined) this.shared.seenEvents.delete(oldest);
    }
    const described = describeEvent(event);
    if (described && this.settings.include(described.service)) {
      const {service, row} = described;
      this.shared.publisher.update((s) => ({
        ...s,
        events: {...s.events, [service]: pushEvent(s.events[service], row)},
      }));
    }
    this.refreshSoon();
  }
}

function sameInterrupted(a: Record<string, InterruptedRollout>, b: Record<string, InterruptedRollout>): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((k) => {
    const x = a[k]!;
    const y = b[k];
    return (
      y !== undefined && x.kind === y.kind && x.from === y.from && x.to === y.to && x.startedAtMs === y.startedAtMs
    );
  });
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  };
  await Promise.all(Array.from({length: Math.min(limit, items.length)}, worker));
  return results;
}
