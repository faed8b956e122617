/**
 * The Docker gateway: the only code that talks to the daemon. Every payload is validated with zod,
 * every failure becomes a gateway error (errors.ts), every request is counted.
 *
 * connect() resolves the target (--host > DOCKER_HOST > unix socket), asks GET /version once — that
 * is the ping — and pins every later request to the API version the daemon reports (1.41 when it
 * does not say), so payload shapes do not depend on dockerode's defaults.
 */
import type {Readable} from 'node:stream';
import type Docker from 'dockerode';
import {z} from 'zod';
import {resolveTarget, type ConnectOptions} from './connection.js';
import {ContainerHealthSchema, CreatedIdSchema, SystemInfoSchema, VersionInfoSchema} from './engine-schemas.js';
import {NotSwarmManagerError, ServiceNotFoundError, toGatewayError, type ErrorContext} from './errors.js';
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
  update(auth: images.RegistryAuth | undefined, opts: {_query: {version: number}; _body: ServiceSpec}): Promise<unknown>;
}

export interface WriteOptions {
  registryAuth?: images.RegistryAuth;
}

export async function connect(opts: ConnectOptions = {}): Promise<DockerGateway> {
  const target = resolveTarget(opts);
  const transport = createTransport(target, {requestTimeoutMs: opts.requestTimeoutMs});
  const gateway = new DockerGateway(transport);
  try {
    await gateway.negotiate();
  } catch (err) {
    transport.close();
    throw err;
  }
  return gateway;
}

export class DockerGateway {
  readonly endpoint: string;
  private apiVersionInUse = DEFAULT_API_VERSION;
  private serverVersion = '';
  private readonly core: images.GatewayCore;

  constructor(private readonly transport: Transport) {
    this.endpoint = transport.endpoint;
    this.core = {
      endpoint: this.endpoint,
      docker: transport.api,
      call: (request, context) => this.call(request, context),
    };
  }

  /** Every API request made through this gateway so far. */
  get requestCount(): number {
    return this.transport.requests;
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
      {service: spec.Name},
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
      () => (this.docker.getService(id) as unknown as UpdatableService).update(opts.registryAuth, {_query: {version: versionIndex}, _body: spec}),
      {service: spec.Name ?? id},
    );
    const result = parsePayload(z.looseObject({Warnings: z.array(z.string()).nullable().optional()}), 'service update', raw ?? {});
    return result.Warnings ?? [];
  }

  async removeService(id: string): Promise<void> {
    await this.call(() => this.docker.getService(id).remove(), {service: id});
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
    const query = {filters: opts.filters, ...(opts.since !== undefined ? {since: opts.since} : {}), abortSignal: opts.signal};
    return (await this.call(() => this.transport.streaming.getEvents(query as Docker.GetEventsOptions))) as Readable;
  }

  /** Follows a service's or task's logs (see log-stream.ts); resolves when the stream ends or the signal aborts. */
  async followLogs(target: LogTarget, opts: FollowLogsOptions): Promise<void> {
    await this.call(() => followLogs(this.transport.streaming, target, opts), {service: target.id});
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

  private async call<T>(request: () => Promise<T>, context?: ErrorContext): Promise<T> {
    try {
      return await request();
    } catch (err) {
      throw toGatewayError(err, this.endpoint, context);
    }
  }
}
