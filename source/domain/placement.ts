/**
 * Which nodes may run a service's tasks: the scheduler's filters, applied to a target spec and the
 * swarm's nodes before anything is changed. Pure. Mirrors swarmkit's filters: availability (active),
 * state (ready), placement constraints (==, !=, on node.id / hostname / role / platform / labels /
 * engine.labels), platforms, resource reservations against each node's resources, and
 * max_replicas_per_node against the replicas wanted.
 */
import type {ServiceSpec, SwarmNode} from '../docker/schemas.js';
import {formatBytes, formatCpus} from './format.js';

export interface NodeEligibility {
  id: string;
  /** Hostname, or the short ID when the node reports none. */
  name: string;
  eligible: boolean;
  /** Why it may not run the tasks (empty when eligible). */
  reasons: string[];
}

export interface PlacementVerdict {
  nodes: NodeEligibility[];
  eligible: NodeEligibility[];
  /** Why the target cannot be placed as asked, or null. */
  problem: string | null;
}

interface Constraint {
  key: string;
  equal: boolean;
  value: string;
  text: string;
}

function parseConstraint(text: string): Constraint | null {
  const match = /^\s*([^=!\s]+)\s*(==|!=)\s*(.*?)\s*$/.exec(text);
  if (!match) return null;
  return {key: match[1]!, equal: match[2] === '==', value: match[3]!, text: text.trim()};
}

/** Architecture names as swarmkit compares them (a node reports x86_64, a platform says amd64). */
function normalArch(arch: string): string {
  const lower = arch.toLowerCase();
  if (lower === 'x86_64' || lower === 'x86-64') return 'amd64';
  if (lower === 'aarch64') return 'arm64';
  return lower;
}

/** The node's value for a constraint key; undefined when the node has none (a missing label). */
function nodeValue(node: SwarmNode, key: string): string | undefined | null {
  const lower = key.toLowerCase();
  if (lower === 'node.id') return node.ID;
  if (lower === 'node.hostname') return node.Description?.Hostname ?? '';
  if (lower === 'node.role') return node.Spec?.Role ?? '';
  if (lower === 'node.platform.os') return node.Description?.Platform?.OS ?? '';
  if (lower === 'node.platform.arch') return node.Description?.Platform?.Architecture ?? '';
  if (lower.startsWith('node.labels.')) return node.Spec?.Labels?.[key.slice('node.labels.'.length)];
  if (lower.startsWith('engine.labels.')) return node.Description?.Engine?.Labels?.[key.slice('engine.labels.'.length)];
  return null; // a key we cannot evaluate (node.ip …): left to the scheduler
}

function constraintHolds(node: SwarmNode, c: Constraint): boolean | null {
  const actual = nodeValue(node, c.key);
  if (actual === null) return null;
  let same = actual !== undefined && actual.toLowerCase() === c.value.toLowerCase();
  if (c.key.toLowerCase() === 'node.platform.arch' && actual !== undefined)
    same = normalArch(actual) === normalArch(c.value);
  return c.equal ? same : !same;
}

function platformReason(node: SwarmNode, spec: ServiceSpec): string | null {
  const platforms = spec.TaskTemplate.Placement?.Platforms ?? [];
  if (platforms.length === 0) return null;
  const os = (node.Description?.Platform?.OS ?? '').toLowerCase();
  const arch = normalArch(node.Description?.Platform?.Architecture ?? '');
  const fits = platforms.some(
    (p) => (!p.OS || p.OS.toLowerCase() === os) && (!p.Architecture || normalArch(p.Architecture) === arch),
  );
  if (fits) return null;
  const wanted = platforms.map((p) => `${p.OS ?? '*'}/${p.Architecture ?? '*'}`).join(', ');
  return `platform ${os || '?'}/${node.Description?.Platform?.Architecture ?? '?'} is not one of ${wanted}`;
}

function resourceReasons(node: SwarmNode, spec: ServiceSpec): string[] {
  const wanted = spec.TaskTemplate.Resources?.Reservations;
  const has = node.Description?.Resources;
  const reasons: string[] = [];
  if (wanted?.NanoCPUs && has?.NanoCPUs !== undefined && wanted.NanoCPUs > has.NanoCPUs) {
    reasons.push(`reserves ${formatCpus(wanted.NanoCPUs / 1e9)} CPUs, the node has ${formatCpus(has.NanoCPUs / 1e9)}`);
  }
  if (wanted?.MemoryBytes && has?.MemoryBytes !== undefined && wanted.MemoryBytes > has.MemoryBytes) {
    reasons.push(`reserves ${formatBytes(wanted.MemoryBytes)} memory, the node has ${formatBytes(has.MemoryBytes)}`);
  }
  return reasons;
}

export function nodeName(node: SwarmNode): string {
  return node.Description?.Hostname || node.ID.slice(0, 12);
}

/**
 * Node ID → a name that tells the nodes apart: the hostname, with the short ID added to each of the
 * nodes whose hostname another node shares (`web (3f2a9c1b04de)`).
 */
export function distinctNodeNames(nodes: readonly SwarmNode[]): Map<string, string> {
  const counts = new Map<string, number>();
  for (const node of nodes) counts.set(nodeName(node), (counts.get(nodeName(node)) ?? 0) + 1);
  return new Map(
    nodes.map((node) => {
      const name = nodeName(node);
      return [
        node.ID,
        (counts.get(name) ?? 0) > 1 && name !== node.ID.slice(0, 12) ? `${name} (${node.ID.slice(0, 12)})` : name,
      ];
    }),
  );
}

export function judgeNode(node: SwarmNode, spec: ServiceSpec): NodeEligibility {
  const reasons: string[] = [];
  const availability = node.Spec?.Availability ?? 'active';
  if (availability !== 'active') reasons.push(`availability ${availability}`);
  const state = node.Status?.State ?? 'unknown';
  if (state !== 'ready') reasons.push(`state ${state}${node.Status?.Message ? ` (${node.Status.Message})` : ''}`);
  for (const text of spec.TaskTemplate.Placement?.Constraints ?? []) {
    const c = parseConstraint(text);
    if (c && constraintHolds(node, c) === false) reasons.push(`constraint ${c.text} does not hold`);
  }
  const platform = platformReason(node, spec);
  if (platform) reasons.push(platform);
  reasons.push(...resourceReasons(node, spec));
  return {id: node.ID, name: nodeName(node), eligible: reasons.length === 0, reasons};
}

/** Judges every node for the target spec; `problem` says why the target cannot be placed at all. */
export function judgePlacement(spec: ServiceSpec, nodes: readonly SwarmNode[]): PlacementVerdict {
  const judged = nodes.map((node) => judgeNode(node, spec)).sort((a, b) => a.name.localeCompare(b.name));
  const eligible = judged.filter((n) => n.eligible);
  let problem: string | null = null;
  if (eligible.length === 0) {
    const why = judged.map((n) => `${n.name}: ${n.reasons.join(', ')}`).join('; ');
    problem = `no node may run the target's tasks (${why || 'the swarm lists no nodes'})`;
  } else {
    const replicas = spec.Mode?.Replicated?.Replicas;
    const max = spec.TaskTemplate.Placement?.MaxReplicas ?? 0;
    if (replicas !== undefined && max > 0 && eligible.length * max < replicas) {
      problem =
        `${replicas} replicas with max_replicas_per_node ${max} need ${Math.ceil(replicas / max)} eligible nodes, ` +
        `only ${eligible.length} may run them (${eligible.map((n) => n.name).join(', ')})`;
    }
  }
  return {nodes: judged, eligible, problem};
}
