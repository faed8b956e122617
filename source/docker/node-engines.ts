/**
 * The Engines of individual swarm nodes, where the operator configured them (`nodes:` in the config
 * file): a container's health and its health check's output are known only to the Engine that runs
 * it, so they are asked there. Each Engine is opened on first use and asked who it is: it must be
 * the node it is configured for (by node ID, or the hostname the node reports). One that does not
 * answer, or is another node, is left alone for RETRY_MS and reported as a problem; callers then
 * use what the manager knows (task state) and say so. Nothing here ever stops a watch.
 */
import {errorText} from '../shared/errors.js';
import {DaemonUnreachableError} from './errors.js';
import {
  connect,
  type ConnectOptions,
  type DockerGateway,
  type NodeEngine,
  type NodeEngineDirectory,
  type NodeEngineProblem,
} from './gateway.js';

/** How long an Engine that did not answer is left alone before it is tried again. */
export const RETRY_MS = 15_000;
/** A node's Engine answers within this or is counted as not answering (the watch polls every 250 ms). */
export const NODE_REQUEST_TIMEOUT_MS = 3_000;

type Probe =
  | {ok: true; engine: NodeEngine; nodeId: string; hostname: string}
  | {ok: false; problem: NodeEngineProblem; at: number};

export interface NodeEnginesOptions {
  /** Opens a gateway to one Engine (default: connect, with `connect` options and a short timeout). */
  open?: (host: string) => Promise<DockerGateway>;
  connect?: Omit<ConnectOptions, 'host'>;
  now?: () => number;
}

/** Does the configured key name this node: its ID (or an unambiguous prefix of 12+), or its hostname? */
export function keyNamesNode(key: string, node: {id: string; hostname?: string}): boolean {
  return key === node.id || (key.length >= 12 && node.id.startsWith(key)) || key === node.hostname;
}

export class NodeEngines implements NodeEngineDirectory {
  private readonly probes = new Map<string, Promise<Probe>>();
  private readonly open: (host: string) => Promise<DockerGateway>;
  private readonly now: () => number;
  private closed = false;

  /** `hosts`: configured key (node ID or hostname) → Engine address (unix://, tcp://, ssh://). */
  constructor(
    private readonly hosts: Readonly<Record<string, string>>,
    opts: NodeEnginesOptions = {},
  ) {
    this.open =
      opts.open ?? ((host) => connect({requestTimeoutMs: NODE_REQUEST_TIMEOUT_MS, ...opts.connect, host: [host]}));
    this.now = opts.now ?? Date.now;
  }

  async forNode(node: {id: string; hostname?: string}): Promise<NodeEngine | NodeEngineProblem | null> {
    const probes = await Promise.all(Object.keys(this.hosts).map(async (key) => [key, await this.probe(key)] as const));
    for (const [, probe] of probes) if (probe.ok && probe.nodeId === node.id) return probe.engine;
    for (const [key, probe] of probes) if (!probe.ok && keyNamesNode(key, node)) return probe.problem;
    return null;
  }

  failed(engine: NodeEngine, error: unknown): void {
    for (const [key, probe] of this.probes) {
      void probe.then((p) => {
        if (!p.ok || p.engine !== engine || this.probes.get(key) !== probe) return;
        engine.gateway.close();
        const problem = {endpoint: engine.endpoint, problem: didNotAnswer(engine.endpoint, error)};
        this.probes.set(key, Promise.resolve({ok: false, problem, at: this.now()}));
      });
    }
  }

  close(): void {
    this.closed = true;
    for (const probe of this.probes.values()) void probe.then((p) => (p.ok ? p.engine.gateway.close() : undefined));
    this.probes.clear();
  }

  private probe(key: string): Promise<Probe> {
    const cached = this.probes.get(key);
    if (cached) {
      return cached.then((p) => {
        if (p.ok || this.now() - p.at < RETRY_MS || this.probes.get(key) !== cached) return p;
        this.probes.delete(key);
        return this.probe(key);
      });
    }
    const endpoint = this.hosts[key]!;
    const probe = this.connectTo(key, endpoint);
    this.probes.set(key, probe);
    return probe;
  }

  private async connectTo(key: string, endpoint: string): Promise<Probe> {
    let gateway: DockerGateway | undefined;
    try {
      gateway = await this.open(endpoint);
      const info = await gateway.swarmInfo();
      if (!keyNamesNode(key, {id: info.nodeId, hostname: info.hostname})) {
        gateway.close();
        const who = info.nodeId ? `node ${info.hostname || '?'} (${info.nodeId.slice(0, 12)})` : 'not in a swarm';
        return {
          ok: false,
          problem: {endpoint, problem: `the Engine at ${endpoint} is ${who}, not ${key}`},
          at: this.now(),
        };
      }
      if (this.closed) gateway.close();
      return {ok: true, engine: {gateway, endpoint}, nodeId: info.nodeId, hostname: info.hostname};
    } catch (error) {
      gateway?.close();
      return {ok: false, problem: {endpoint, problem: didNotAnswer(endpoint, error)}, at: this.now()};
    }
  }
}

function didNotAnswer(endpoint: string, error: unknown): string {
  const why = error instanceof DaemonUnreachableError ? error.causeText : errorText(error);
  return `its Engine at ${endpoint} did not answer (${why})`;
}
