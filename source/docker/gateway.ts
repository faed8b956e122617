/**
 * The Docker gateway: the only code that talks to the daemon. Every payload is validated with zod,
 * every failure becomes a gateway error (errors.ts), every request is counted.
 *
 * connect() resolves the target (--host > DOCKER_HOST > unix socket), asks GET /version once — that
 * is the ping — and pins every later request to the API version the daemon reports (1.41 when it
 * does not say), so payload shapes do not depend on dockerode's defaults.
 *
 * Failover: when several managers are named (`-H a,b,c`), connect() talks to the first that answers.
 * A request that finds the connected one gone (refused, reset, timed out) makes the gateway try the
 * others in order, then the lost one last; the first that answers and is a swarm manager becomes
 * the connected one (listeners are told), and the request is sent again there — a write only when
 * it never reached the lost daemon (refused), so no update is ever sent twice. Event streams and
 * pollers built on the gateway simply reopen through it.
 */
import type {Readable} from 'node:stream';
import type Docker from 'dockerode';
import {z} from 'zod';
import {resolveTargets, type ConnectOptions, type DockerTarget} from './connection.js';
import {ContainerHealthSchema, CreatedIdSchema, SystemInfoSchema, VersionInfoSchema} from './engine-schemas.js';
import {
  DaemonUnreachableError,
  NotSwarmManagerError,
  ServiceNotFoundError,
  toGatewayError,
  type ErrorContext,
} from './errors.js';
import {dockerEvents, type EventFilters, type EventStreamOptions} from './event-stream.js';
import * as images from './image-ops.js';
import {containerHealthDetail, type ContainerHealthDetail} from './container-ops.js';
import {containerStats, type ContainerStatsSample} from './container-stats.js';
import {followLogs, type FollowLogsOptions, type LogTarget} from './log-stream.js';
import * as inventory from './inventory-ops.js';
import {resolveImage, type ResolvedImage} from './image-resolver.js';
import {
  NodeSchema,
  parsePayload,
  ServiceSchema,
  TaskSchema,
  type DockerEvent,
  type Service,
  type ServiceSpec,
  type SwarmNode,
  type Task,
} from './schemas.js';
import {createTransport, DEFAULT_API_VERSION, type Transport} from './transport.js';

export type {ConnectOptions} from './connection.js';
export type {RegistryAuth} from './image-ops.js';
export type {ResolvedImage} from './image-resolver.js';
export type {NamedObject} from './inventory-ops.js';
export type {ContainerHealthDetail} from './container-ops.js';
export type {ContainerStatsSample} from './container-stats.js';

export interface SwarmInfo {
  /** '' when the node is not part of a swarm. */
  swarmId: string;
  nodeId: string;
  hostname: string;
  isManager: boolean;
  /** LocalNodeState: inactive, pending, active, error, locked. */
  nodeState: string;
  serverVersion: string;
  apiVersion: string;
}

export type ContainerHealth = 'starting' | 'healthy' | 'unhealthy';

interface UpdatableService {
  update(
    auth: images.RegistryAuth | undefined,
    opts: {_query: {version: number}; _body: ServiceSpec},
  ): Promise<unknown>;
}

export interface WriteOptions {
  registryAuth?: images.RegistryAuth;
}

/** A node's own Engine (`nodes:` in the config), checked to be that node. */
export interface NodeEngine {
  gateway: DockerGateway;
  /** Its address, as configured. */
  endpoint: string;
}

/** A node whose Engine is configured but cannot be used now (one line: what and why). */
export interface NodeEngineProblem {
  endpoint: string;
  problem: string;
}

/** The Engines of individual nodes the operator named (node-engines.ts). */
export interface NodeEngineDirectory {
  /** The node's own Engine, or why it cannot be used; null when none is configured for the node. */
  forNode(node: {id: string; hostname?: string}): Promise<NodeEngine | NodeEngineProblem | null>;
  /** A request to `engine` failed as if it were gone: it is left alone for a while. */
  failed(engine: NodeEngine, error: unknown): void;
  close(): void;
}

/** The connected manager went away and the gateway now talks to another. */
export interface FailoverEvent {
  from: string;
  to: string;
  /** Why the previous one was left (its error, one line). */
  cause: string;
  /** From the first failed request to the new manager answering. */
  elapsedMs: number;
}

/** How long a manager being tried during failover may take to answer. */
const FAILOVER_PROBE_MS = 5_000;
/** Errors of a request that never reached the daemon: even a write may be sent again elsewhere. */
const NEVER_SENT = /ECONNREFUSED|ENOENT|EHOSTUNREACH|ENETUNREACH/;

export async function connect(opts: ConnectOptions = {}): Promise<DockerGateway> {
  const targets = resolveTargets(opts);
  const open = (target: DockerTarget) => createTransport(target, {requestTimeoutMs: opts.requestTimeoutMs});
  const failures: Error[] = [];
  for (const [index, target] of targets.entries()) {
    const transport = open(target);
    const gateway = new DockerGateway(transport, {targets, index, open});
    try {
      await gateway.negotiate();
      return gateway;
    } catch (err) {
      transport.close();
      if (!(err instanceof DaemonUnreachableError) || targets.length === 1) throw err;
      failures.push(err);
    }
  }
  const causes = failures.map((f) =>
    f instanceof DaemonUnreachableError ? `${f.endpoint}: ${f.causeText}` : f.message,
  );
  throw new DaemonUnreachableError(
    targets.map((t) => t.endpoint).join(', '),
    causes.join('; '),
    "are the managers' Engines running? (set DOCKER_HOST or --host)",
  );
}

/** The managers a gateway may fail over to, and how it opens a connection to one. */
export interface FailoverTargets {
  targets: readonly DockerTarget[];
  /** The one connected first. */
  index: number;
  open(target: DockerTarget): Transport;
}

export class DockerGateway {
  private apiVersionInUse = DEFAULT_API_VERSION;
  private serverVersion = '';
  private readonly core: images.GatewayCore;
  private transport: Transport;
  private current: number;
  private switching: Promise<boolean> | null = null;
  private readonly failoverListeners = new Set<(event: FailoverEvent) => void>();
  private requestsOfClosed = 0;
  private nodeEngineDirectory: NodeEngineDirectory | null = null;

  constructor(
    transport: Transport,
    private readonly failover: FailoverTargets | null = null,
  ) {
    this.transport = transport;
    this.current = failover?.index ?? 0;
    // Getters: after a failover the same core reaches the new manager.
    const current = () => this.transport;
    this.core = {
      get endpoint() {
        return current().endpoint;
      },
      get docker() {
        return current().api;
      },
      call: (request, context) => this.call(request, context),
    };
  }

  /** The daemon requests go to now (changes on failover). */
  get endpoint(): string {
    return this.transport.endpoint;
  }

  /** Every endpoint this gateway may talk to, in the order given (one unless several managers were named). */
  get endpoints(): string[] {
    return this.failover ? this.failover.targets.map((t) => t.endpoint) : [this.endpoint];
  }

  /**
   * The Engines of other nodes, where the operator configured them: what only a node's own Engine
   * knows (its containers' health) is asked there. Null: none configured.
   */
  get nodeEngines(): NodeEngineDirectory | null {
    return this.nodeEngineDirectory;
  }

  /** Uses these node Engines from now on (closed with the gateway). */
  useNodeEngines(directory: NodeEngineDirectory | null): void {
    this.nodeEngineDirectory?.close();
    this.nodeEngineDirectory = directory;
  }

  /** Calls `listener` after each failover; returns a function that stops it. */
  onFailover(listener: (event: FailoverEvent) => void): () => void {
    this.failoverListeners.add(listener);
    return () => this.failoverListeners.delete(listener);
  }

  /** Every API request made through this gateway so far. */
  get requestCount(): number {
    return this.requestsOfClosed + this.transport.requests;
  }

  /** The API version every request is pinned to. */
  get apiVersion(): string {
    return this.apiVersionInUse;
  }

  /** TCP connections opened to the SSH server (ssh:// only; null otherwise). */
  get sshConnectionsOpened(): number | null {
    return this.transport.ssh?.sshConnectionsOpened ?? null;
  }

  /** GET /version (unversioned): proves the daemon answers and pins the API version. */
  async negotiate(): Promise<void> {
    const raw = await this.call(() => this.docker.version());
    const version = parsePayload(VersionInfoSchema, 'version', raw);
    this.serverVersion = version.Version;
    this.apiVersionInUse = version.ApiVersion ?? DEFAULT_API_VERSION;
    this.transport.setApiVersion(this.apiVersionInUse);
  }

  async swarmInfo(): Promise<SwarmInfo> {
    const info = parsePayload(SystemInfoSchema, 'info', await this.call(() => this.docker.info()));
    const swarm = info.Swarm ?? {};
    return {
      swarmId: swarm.Cluster?.ID ?? '',
      nodeId: swarm.NodeID ?? '',
      hostname: info.Name ?? '',
      isManager: swarm.LocalNodeState === 'active' && swarm.ControlAvailable === true,
      nodeState: swarm.LocalNodeState || 'inactive',
      serverVersion: info.ServerVersion ?? this.serverVersion,
      apiVersion: this.apiVersionInUse,
    };
  }

  async assertManager(): Promise<SwarmInfo> {
    const info = await this.swarmInfo();
    if (!info.isManager) {
      throw new NotSwarmManagerError(this.endpoint, info.nodeState === 'active' ? 'active, worker' : info.nodeState);
    }
    return info;
  }

  async listServices(): Promise<Service[]> {
    const raw = await this.call(() => this.docker.listServices({status: true} as Docker.ServiceListOptions));
    return parsePayload(z.array(ServiceSchema), 'service list', raw);
  }

  async inspectService(idOrName: string): Promise<Service> {
    const raw = await this.call(() => this.docker.getService(idOrName).inspect(), {service: idOrName});
    return parsePayload(ServiceSchema, 'service', raw);
  }

  async findService(idOrName: string): Promise<Service | null> {
    try {
      return await this.inspectService(idOrName);
    } catch (err) {
      if (err instanceof ServiceNotFoundError) return null;
      throw err;
    }
  }

  /**
   * Tasks of the given services (IDs or names) in one request; all tasks when omitted. A service
   * that no longer exists makes the daemon answer 404 for the whole request: it is dropped and
   * the request repeated without it.
   */
  async listTasks(serviceIds?: readonly string[]): Promise<Task[]> {
    if (serviceIds === undefined) return this.tasksRequest(undefined);
    let remaining = [...new Set(serviceIds)];
    while (remaining.length > 0) {
      try {
        return await this.tasksRequest(remaining);
      } catch (err) {
        if (!(err instanceof ServiceNotFoundError)) throw err;
        const next = remaining.filter((id) => id !== err.service);
        if (next.length === remaining.length) {
          const wanted = new Set(remaining);
          return (await this.tasksRequest(undefined)).filter((task) => wanted.has(task.ServiceID));
        }
        remaining = next;
      }
    }
    return [];
  }

  async listNodes(): Promise<SwarmNode[]> {
    const raw = await this.call(() => this.docker.listNodes());
    return parsePayload(z.array(NodeSchema), 'node list', raw);
  }

  /** Creates a service and returns its ID. */
  async createService(spec: ServiceSpec, opts: WriteOptions = {}): Promise<string> {
    const created = await this.call(
      () => this.docker.createService(opts.registryAuth as Docker.AuthConfig, spec as Docker.CreateServiceOptions),
      {service: spec.Name, write: true},
    );
    return parsePayload(CreatedIdSchema, 'service create', {ID: (created as {id?: unknown}).id}).ID;
  }

  /**
   * Replaces a service's spec. `versionIndex` must be the Version.Index read with the spec being
   * replaced; a stale one fails with UpdateOutOfSequenceError. Returns the daemon's warnings.
   */
  async updateService(id: string, versionIndex: number, spec: ServiceSpec, opts: WriteOptions = {}): Promise<string[]> {
    const raw = await this.call(
      // dockerode sends `_body` as the body and `_query` as the query; a bare spec would go in both.
      () =>
        (this.docker.getService(id) as unknown as UpdatableService).update(opts.registryAuth, {
          _query: {version: versionIndex},
          _body: spec,
        }),
      {service: spec.Name ?? id, write: true},
    );
    const result = parsePayload(
      z.looseObject({Warnings: z.array(z.string()).nullable().optional()}),
      'service update',
      raw ?? {},
    );
    return result.Warnings ?? [];
  }

  async removeService(id: string): Promise<void> {
    await this.call(() => this.docker.getService(id).remove(), {service: id, write: true});
  }

  /** Health of a task's container (must run on the connected node); null without a check or container. */
  async inspectContainerHealth(containerId: string): Promise<ContainerHealth | null> {
    try {
      const raw = await this.call(() => this.docker.getContainer(containerId).inspect());
      const status = parsePayload(ContainerHealthSchema, 'container', raw).State?.Health?.Status;
      return status === 'starting' || status === 'healthy' || status === 'unhealthy' ? status : null;
    } catch (err) {
      if ((err as {statusCode?: number}).statusCode === 404) return null;
      throw err;
    }
  }

  /** Last health-check result and exit code of a container (stopped ones too); null when gone. */
  containerHealthDetail(containerId: string): Promise<ContainerHealthDetail | null> {
    return containerHealthDetail(this.core, containerId);
  }

  /** One CPU and memory sample of a container of the connected node (see container-stats.ts); null when gone or elsewhere. */
  containerStats(containerId: string): Promise<ContainerStatsSample | null> {
    return containerStats(this.core, containerId);
  }

  resolveImage(ref: string, opts: WriteOptions = {}): Promise<ResolvedImage> {
    return resolveImage(this.core, ref, opts);
  }
  inspectImage(ref: string) {
    return images.inspectImage(this.core, ref);
  }
  listImages() {
    return images.listImages(this.core);
  }
  tagImage(image: string, repo: string, tag: string): Promise<void> {
    return images.tagImage(this.core, image, repo, tag);
  }
  pushImage(ref: string, auth?: images.RegistryAuth): Promise<string> {
    return images.pushImage(this.core, ref, auth);
  }
  pullImage(ref: string, auth?: images.RegistryAuth): Promise<string | null> {
    return images.pullImage(this.core, ref, auth);
  }
  removeImage(ref: string, opts?: {force?: boolean}): Promise<boolean> {
    return images.removeImage(this.core, ref, opts);
  }
  distribution(ref: string, auth?: images.RegistryAuth): Promise<string | null> {
    return images.distribution(this.core, ref, auth);
  }

  listSecrets(): Promise<inventory.NamedObject[]> {
    return inventory.listSecrets(this.core);
  }
  listConfigs(): Promise<inventory.NamedObject[]> {
    return inventory.listConfigs(this.core);
  }
  listNetworks(): Promise<inventory.NamedObject[]> {
    return inventory.listNetworks(this.core);
  }

  /** One raw GET /events on the client without a request timeout (see event-stream.ts). */
  async openEventStream(opts: {since?: number; filters: EventFilters; signal: AbortSignal}): Promise<Readable> {
    const query = {
      filters: opts.filters,
      ...(opts.since !== undefined ? {since: opts.since} : {}),
      abortSignal: opts.signal,
    };
    return (await this.call(() => this.transport.streaming.getEvents(query as Docker.GetEventsOptions))) as Readable;
  }

  /** Follows a service's or task's logs (see log-stream.ts); resolves when the stream ends or the signal aborts. */
  async followLogs(target: LogTarget, opts: FollowLogsOptions): Promise<void> {
    // Not sent again after a failover (the lines already shown would repeat): the caller reopens.
    await this.call(() => followLogs(this.transport.streaming, target, opts), {service: target.id, write: true});
  }

  /** Events matching `filters`, reconnecting with backoff (see event-stream.ts). */
  events(opts: EventStreamOptions & {filters: EventFilters}): AsyncIterable<DockerEvent> {
    return dockerEvents(this, opts.filters, opts);
  }

  /** Destroys every open connection (or SSH channel) as a network failure would: for tests. */
  dropConnections(): number {
    return this.transport.dropConnections();
  }

  /** Drops the SSH connection itself (ssh:// only); resolves once it is closed. For tests. */
  async dropSshConnection(): Promise<void> {
    await this.transport.ssh?.dropSshConnection();
  }

  /** Closes every connection, the SSH connection included. */
  close(): void {
    this.nodeEngineDirectory?.close();
    this.transport.close();
  }

  private get docker(): Docker {
    return this.transport.api;
  }

  private async tasksRequest(serviceIds: string[] | undefined): Promise<Task[]> {
    const opts = serviceIds ? {filters: {service: serviceIds}} : {};
    const raw = await this.call(() => this.docker.listTasks(opts));
    return parsePayload(z.array(TaskSchema), 'task list', raw);
  }

  private async call<T>(request: () => Promise<T>, context?: ErrorContext & {write?: boolean}): Promise<T> {
    const transport = this.transport;
    const started = Date.now();
    try {
      return await request();
    } catch (err) {
      const error = toGatewayError(err, transport.endpoint, context);
      // Gone, or no longer a manager (an Engine shutting down leaves the swarm first: 503).
      const lost = error instanceof DaemonUnreachableError || error instanceof NotSwarmManagerError;
      if (!lost || !this.failover || this.failover.targets.length < 2) throw error;
      const cause =
        error instanceof DaemonUnreachableError
          ? error.causeText
          : `not a swarm manager now (node state: ${error.nodeState})`;
      if (!(await this.switchFrom(transport, cause, started))) throw error;
      // Sent again on the manager now connected; a write only if the lost one cannot have applied
      // it: it never got it (refused), or answered that it is not a manager.
      const neverApplied =
        error instanceof NotSwarmManagerError || NEVER_SENT.test(`${(err as {code?: unknown}).code ?? ''} ${cause}`);
      if (context?.write && !neverApplied) throw error;
      try {
        return await request();
      } catch (again) {
        throw toGatewayError(again, this.endpoint, context);
      }
    }
  }

  /**
   * Leaves `lost` for the next manager that answers (others in order, the lost one last). True
   * when requests now go to an answering manager. Concurrent failing requests share one attempt.
   */
  private switchFrom(lost: Transport, cause: string, startedAt: number): Promise<boolean> {
    if (this.transport !== lost) return Promise.resolve(true);
    this.switching ??= this.tryOthers(lost, cause, startedAt).finally(() => {
      this.switching = null;
    });
    return this.switching;
  }

  private async tryOthers(lost: Transport, cause: string, startedAt: number): Promise<boolean> {
    const {targets, open} = this.failover!;
    // The lost one last, and only if it answers as a manager again.
    for (let step = 1; step <= targets.length; step++) {
      const index = (this.current + step) % targets.length;
      const candidate = open(targets[index]!);
      const probe = new DockerGateway(candidate);
      try {
        await withTimeout(
          probe.negotiate().then(() => probe.assertManager()),
          FAILOVER_PROBE_MS,
        );
      } catch {
        candidate.close();
        continue;
      }
      this.apiVersionInUse = probe.apiVersionInUse;
      this.serverVersion = probe.serverVersion;
      this.requestsOfClosed += lost.requests;
      this.transport = candidate;
      this.current = index;
      lost.close();
      if (candidate.endpoint === lost.endpoint) return true;
      const event: FailoverEvent = {
        from: lost.endpoint,
        to: candidate.endpoint,
        cause,
        elapsedMs: Date.now() - startedAt,
      };
      for (const listener of this.failoverListeners) listener(event);
      return true;
    }
    return false;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}
