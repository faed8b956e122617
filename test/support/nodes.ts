/**
 * Multi-node test bed for integration tests (scripts/testbed-nodes.sh): a swarm of real Engines,
 * each in its own network namespace. `useNodes()` in a test file brings the bed up once for that
 * file (reusing it when it is already up with the same shape); the global teardown removes beds
 * this run built. Nodes are n1..nN; n1 is the first manager.
 */
import {randomBytes} from 'node:crypto';
import {afterAll, beforeAll} from 'vitest';
import {docker, dockerOk, type DockerOptions, type DockerResult} from './docker-cli.js';
import {runNodesScript} from './nodes-script.js';
import {ensureTestbed} from './testbed.js';
import {waitFor} from './wait.js';

export interface BedNode {
  /** n1, n2, … */
  name: string;
  /** unix:// address of the node's Engine. */
  host: string;
  addr: string;
  /** Hostname the node reports (told apart from the other nodes). */
  hostname: string;
}

export interface NodeBedOptions {
  /** Default 3. */
  count?: number;
  /** Default 1. */
  managers?: number;
  /** Bed name (default 'multi'); beds of other shapes get other names. */
  bed?: string;
  /** Holds the bed for a test file (`PID:token`) until useNodes releases it when the file ends. */
  user?: string;
}

export interface NodeBed {
  bed: string;
  nodes: BedNode[];
  node(name: string): BedNode;
  /** `docker -H NODE ARGS`, never throws. */
  docker(node: string, args: string[], opts?: DockerOptions): Promise<DockerResult>;
  /** `docker -H NODE ARGS`; throws on a non-zero exit. */
  dockerOk(node: string, args: string[], opts?: DockerOptions): Promise<string>;
  /** Runs a testbed-nodes.sh command (stop-engine, start-engine, link-down, link-up, load) on a node. */
  script(command: string, node: string, ...extra: string[]): Promise<string>;
  /** Swarm node ID of a bed node. */
  nodeId(name: string): Promise<string>;
  /**
   * Creates a service on the bed (through n1) with fast update settings and a health check;
   * removed when the file ends (useNodes). Returns its name.
   */
  createService(opts: BedServiceOptions): Promise<string>;
  /** Names of the services createService made. */
  readonly services: string[];
  /** Waits until the manager `via` reports the node in this state (ready / down). */
  waitNodeState(name: string, state: 'ready' | 'down', opts?: {via?: string; timeoutMs?: number}): Promise<void>;
}

/** Parses the KEY=VALUE facts `testbed-nodes.sh up|env` prints. */
export interface BedServiceOptions {
  prefix: string;
  /** Image reference (a fixture's image ID, loaded on every node). */
  image: string;
  /** Default 3. */
  replicas?: number;
  /** Extra `docker service create` arguments. */
  args?: string[];
  /** Wait for convergence (default true). */
  wait?: boolean;
}

function parseEnv(text: string): BedNode[] {
  const nodes: BedNode[] = [];
  for (const line of text.split('\n')) {
    const match = /^DOKROLL_NODE_(n\d)=(\S+) (\S+) (\S+)$/.exec(line.trim());
    if (match) nodes.push({name: match[1]!, host: match[2]!, addr: match[3]!, hostname: match[4]!});
  }
  return nodes;
}

export async function bringUpNodes(opts: NodeBedOptions = {}): Promise<NodeBed> {
  await ensureTestbed(); // fixture images are built by the single-node test bed
  const bed = opts.bed ?? 'multi';
  const args = ['up', String(opts.count ?? 3), '--managers', String(opts.managers ?? 1), '--bed', bed];
  if (process.env.DOKROLL_RUN_ID) args.push('--owner', process.env.DOKROLL_RUN_ID);
  if (opts.user) args.push('--user', opts.user);
  const nodes = parseEnv(await runNodesScript(args));
  if (nodes.length !== (opts.count ?? 3)) throw new Error(`testbed-nodes.sh up reported ${nodes.length} nodes`);
  const node = (name: string): BedNode => {
    const found = nodes.find((n) => n.name === name);
    if (!found) throw new Error(`no node ${name} in bed ${bed}`);
    return found;
  };
  const ids = new Map<string, string>();
  const services: string[] = [];
  const bedApi: NodeBed = {
    services,
    async createService(svc) {
      const name = `${svc.prefix}-${process.pid.toString(36)}-${randomBytes(3).toString('hex')}`;
      services.push(name);
      await dockerOk(
        [
          '-H',
          node('n1').host,
          'service',
          'create',
          '--quiet',
          `--detach=${svc.wait === false}`,
          '--name',
          name,
          '--replicas',
          String(svc.replicas ?? 3),
          '--restart-delay',
          '100ms',
          '--update-parallelism',
          '1',
          '--update-delay',
          '0s',
          '--update-monitor',
          '1ms',
          '--update-order',
          'start-first',
          '--health-cmd',
          'timeout 2 wget -q -O- http://127.0.0.1:8080/health',
          '--health-interval',
          '1s',
          '--health-timeout',
          '3s',
          '--health-retries',
          '1',
          ...(svc.args ?? []),
          svc.image,
        ],
        {timeoutMs: 180_000},
      );
      return name;
    },
    bed,
    nodes,
    node,
    docker: (name, dockerArgs, dockerOpts) => docker(['-H', node(name).host, ...dockerArgs], dockerOpts),
    dockerOk: (name, dockerArgs, dockerOpts) => dockerOk(['-H', node(name).host, ...dockerArgs], dockerOpts),
    script: (command, name, ...extra) => runNodesScript([command, name, ...extra, '--bed', bed], 120_000),
    async nodeId(name) {
      let id = ids.get(name);
      if (!id) {
        id = (await dockerOk(['-H', node(name).host, 'info', '-f', '{{.Swarm.NodeID}}'])).trim();
        ids.set(name, id);
      }
      return id;
    },
    async waitNodeState(name, state, waitOpts = {}) {
      const id = await bedApi.nodeId(name);
      const via = waitOpts.via ?? 'n1';
      await waitFor(
        async () =>
          (await dockerOk(['-H', node(via).host, 'node', 'inspect', '-f', '{{.Status.State}}', id])).trim() === state,
        {what: `node ${name} ${state} (seen from ${via})`, timeoutMs: waitOpts.timeoutMs ?? 60_000, intervalMs: 250},
      );
    },
  };
  return bedApi;
}

/**
 * Brings the bed up before this file's tests (once per file) and returns a handle filled in by
 * then. Call at the top level of a test file. The file holds the bed while it runs; when the last
 * file holding it ends, a bed this run built is taken down (idle Engines cost the other tests CPU:
 * a 3-manager bed's raft alone kept ~3 % of the suite's CPU busy), unless DOKROLL_NODES_KEEP=1.
 */
export function useNodes(opts: NodeBedOptions = {}): NodeBed {
  const handle = {} as NodeBed;
  const user = `${process.pid}:${randomBytes(4).toString('hex')}`;
  beforeAll(async () => {
    Object.assign(handle, await bringUpNodes({...opts, user}));
  }, 300_000);
  afterAll(async () => {
    try {
      if (handle.services?.length) await handle.docker('n1', ['service', 'rm', ...handle.services]);
    } finally {
      const args = ['release', '--bed', opts.bed ?? 'multi', '--user', user];
      if (process.env.DOKROLL_RUN_ID) args.push('--owner', process.env.DOKROLL_RUN_ID);
      await runNodesScript(args, 120_000);
    }
  }, 180_000);
  return handle;
}
