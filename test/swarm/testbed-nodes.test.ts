import {afterAll, describe, expect, it} from 'vitest';
import {fixtureImageId, uniqueName, waitFor} from '../support/swarm.js';
import {useNodes} from '../support/nodes.js';

const bed = useNodes({count: 3, managers: 1});
const created: string[] = [];

afterAll(async () => {
  if (created.length > 0) await bed.docker('n1', ['service', 'rm', ...created]);
});

interface NodeRow {
  Hostname: string;
  Status: string;
  Availability: string;
}

async function nodeRows(): Promise<NodeRow[]> {
  const out = await bed.dockerOk('n1', ['node', 'ls', '--format', '{{json .}}']);
  return out
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as NodeRow);
}

/** Node hostnames of the running tasks of a service, seen from n1. */
async function runningOn(service: string): Promise<string[]> {
  const out = await bed.dockerOk('n1', [
    'service',
    'ps',
    service,
    '-f',
    'desired-state=running',
    '--format',
    '{{.Node}} {{.CurrentState}}',
  ]);
  return out
    .trim()
    .split('\n')
    .filter((l) => / Running /.test(`${l} `))
    .map((l) => l.split(' ')[0]!)
    .sort();
}

describe('multi-node test bed', () => {
  it('joins three real Engines into one swarm whose nodes are told apart by hostname and label', async () => {
    const rows = await nodeRows();
    expect(rows.map((r) => r.Hostname).sort()).toEqual(bed.nodes.map((n) => n.hostname).sort());
    expect(rows.every((r) => r.Status === 'Ready' && r.Availability === 'Active')).toBe(true);
    const labels = await Promise.all(
      bed.nodes.map(async (n) =>
        (
          await bed.dockerOk('n1', [
            'node',
            'inspect',
            '-f',
            '{{index .Spec.Labels "dokroll.node"}}',
            await bed.nodeId(n.name),
          ])
        ).trim(),
      ),
    );
    expect(labels).toEqual(['n1', 'n2', 'n3']);
  });

  it('has the fixture images on every node under the same image ID as on the host', async () => {
    const id = await fixtureImageId('v1');
    for (const node of bed.nodes) {
      expect((await bed.dockerOk(node.name, ['image', 'inspect', '-f', '{{.Id}}', id])).trim()).toBe(id);
    }
  });

  it('moves the tasks of a drained node to the other nodes', async () => {
    const name = uniqueName('nodes-drain');
    created.push(name);
    await bed.dockerOk('n1', [
      'service',
      'create',
      '--quiet',
      '--detach',
      '--name',
      name,
      '--replicas',
      '3',
      '--placement-pref',
      'spread=node.labels.dokroll.node',
      '--restart-delay',
      '100ms',
      await fixtureImageId('v1'),
    ]);
    await waitFor(async () => (await runningOn(name)).length === 3 && new Set(await runningOn(name)).size === 3, {
      what: `${name} running one task on each node`,
      timeoutMs: 60_000,
    });
    const n3 = await bed.nodeId('n3');
    await bed.dockerOk('n1', ['node', 'update', '--availability', 'drain', n3]);
    try {
      await waitFor(
        async () => {
          const on = await runningOn(name);
          return on.length === 3 && !on.includes(bed.node('n3').hostname);
        },
        {what: `${name}'s tasks off the drained n3`, timeoutMs: 60_000},
      );
    } finally {
      await bed.dockerOk('n1', ['node', 'update', '--availability', 'active', n3]);
    }
  });

  it('makes a node whose network link is down go Down, and Ready again when the link is back', async () => {
    await bed.script('link-down', 'n3');
    try {
      await bed.waitNodeState('n3', 'down', {timeoutMs: 60_000});
    } finally {
      await bed.script('link-up', 'n3');
    }
    await bed.waitNodeState('n3', 'ready', {timeoutMs: 60_000});
  });
});
