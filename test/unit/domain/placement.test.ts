import {describe, expect, it} from 'vitest';
import type {ServiceSpec, SwarmNode} from '../../../source/docker/schemas.js';
import {judgePlacement} from '../../../source/domain/placement.js';

function node(
  name: string,
  extra: {
    role?: string;
    availability?: string;
    state?: string;
    labels?: Record<string, string>;
    cpus?: number;
    arch?: string;
  } = {},
): SwarmNode {
  return {
    ID: `id-${name}`,
    Description: {
      Hostname: name,
      Platform: {OS: 'linux', Architecture: extra.arch ?? 'x86_64'},
      Resources: {NanoCPUs: (extra.cpus ?? 2) * 1e9, MemoryBytes: 4 * 1024 ** 3},
    },
    Spec: {Role: extra.role ?? 'worker', Availability: extra.availability ?? 'active', Labels: extra.labels ?? {}},
    Status: {State: extra.state ?? 'ready'},
  };
}

function spec(
  placement: NonNullable<ServiceSpec['TaskTemplate']['Placement']> = {},
  more: Partial<ServiceSpec['TaskTemplate']> = {},
  replicas = 2,
): ServiceSpec {
  return {
    Name: 'web',
    TaskTemplate: {ContainerSpec: {Image: 'x'}, Placement: placement, ...more},
    Mode: {Replicated: {Replicas: replicas}},
  } as ServiceSpec;
}

describe('judgePlacement', () => {
  const nodes = [
    node('a', {role: 'manager', labels: {zone: 'east'}}),
    node('b', {labels: {zone: 'west'}}),
    node('c', {availability: 'drain'}),
    node('d', {state: 'down'}),
  ];

  it('keeps active, ready nodes and names why the others may not run tasks', () => {
    const verdict = judgePlacement(spec(), nodes);
    expect(verdict.eligible.map((n) => n.name)).toEqual(['a', 'b']);
    expect(verdict.nodes.find((n) => n.name === 'c')?.reasons).toEqual(['availability drain']);
    expect(verdict.nodes.find((n) => n.name === 'd')?.reasons).toEqual(['state down']);
    expect(verdict.problem).toBeNull();
  });

  it('applies == and != constraints on role, hostname and labels (a missing label fails == and passes !=)', () => {
    expect(judgePlacement(spec({Constraints: ['node.role==manager']}), nodes).eligible.map((n) => n.name)).toEqual([
      'a',
    ]);
    expect(
      judgePlacement(spec({Constraints: ['node.labels.zone != east']}), nodes).eligible.map((n) => n.name),
    ).toEqual(['b']);
    expect(judgePlacement(spec({Constraints: ['node.hostname==B']}), nodes).eligible.map((n) => n.name)).toEqual(['b']);
  });

  it('refuses when no node matches, naming the reason for each node', () => {
    const verdict = judgePlacement(spec({Constraints: ['node.labels.zone==north']}), nodes);
    expect(verdict.eligible).toEqual([]);
    expect(verdict.problem).toBe(
      "no node may run the target's tasks (a: constraint node.labels.zone==north does not hold; " +
        'b: constraint node.labels.zone==north does not hold; c: availability drain, constraint node.labels.zone==north does not hold; ' +
        'd: state down, constraint node.labels.zone==north does not hold)',
    );
  });

  it('compares platforms with amd64 and x86_64 as the same architecture', () => {
    const arm = [node('a'), node('p', {arch: 'aarch64'})];
    expect(
      judgePlacement(spec({Platforms: [{OS: 'linux', Architecture: 'amd64'}]}), arm).eligible.map((n) => n.name),
    ).toEqual(['a']);
    expect(
      judgePlacement(spec({Platforms: [{OS: 'linux', Architecture: 'arm64'}]}), arm).eligible.map((n) => n.name),
    ).toEqual(['p']);
  });

  it('leaves out nodes smaller than the reservations', () => {
    const verdict = judgePlacement(spec({}, {Resources: {Reservations: {NanoCPUs: 3e9}}}), [
      node('a', {cpus: 4}),
      node('b', {cpus: 2}),
    ]);
    expect(verdict.eligible.map((n) => n.name)).toEqual(['a']);
    expect(verdict.nodes[1]!.reasons).toEqual(['reserves 3 CPUs, the node has 2']);
  });

  it('refuses when max_replicas_per_node times the eligible nodes is less than the replicas', () => {
    const verdict = judgePlacement(spec({MaxReplicas: 1}, {}, 3), nodes);
    expect(verdict.problem).toBe(
      '3 replicas with max_replicas_per_node 1 need 3 eligible nodes, only 2 may run them (a, b)',
    );
  });
});
