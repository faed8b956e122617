/**
 * Three managers, several named with DOCKER_HOST: when the connected manager's Engine stops, the
 * recorder and a watched rollback continue through another manager (real Engines, scripts/testbed-nodes.sh).
 */
import {mkdtempSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {connect} from '../../source/docker/gateway.js';
import type {ConsoleState} from '../../source/services/console-model.js';
import {LiveConsoleModel} from '../../source/services/console/index.js';
import {openStore} from '../../source/store/index.js';
import {ensureBuilt} from '../support/built-cli.js';
import {runCli, startCli} from '../support/cli.js';
import {openHistoryBed, type HistoryBed} from '../support/history-bed.js';
import {useNodes, type NodeBed} from '../support/nodes.js';
import {fixtureImageId} from '../support/swarm.js';
import {waitFor} from '../support/wait.js';

const nodes = useNodes({count: 3, managers: 3, bed: 'mgr3'});
const dir = mkdtempSync(path.join(os.tmpdir(), 'dokroll-failover-'));
const running: Array<ReturnType<typeof startCli>> = [];

beforeAll(async () => {
  await ensureBuilt();
}, 300_000);
afterAll(async () => {
  for (const child of running) child.child.kill('SIGKILL');
});

/** The managers' endpoints in the order given, comma-separated (as DOCKER_HOST takes them). */
function managers(...names: string[]): string {
  return names.map((name) => nodes.node(name).host).join(',');
}

interface HistoryItem {
  version: number;
  source: string;
}

async function versions(service: string, db: string): Promise<HistoryItem[]> {
  const result = await runCli(['history', service, '--json', '--db', db]);
  return result.code === 0 ? (JSON.parse(result.stdout) as HistoryItem[]) : [];
}

/** `docker service update` through a manager that stays up; retried while the swarm elects a new leader. */
async function updateThrough(bed: NodeBed, via: string, service: string, args: string[]): Promise<void> {
  await waitFor(
    async () => (await bed.docker(via, ['service', 'update', '--detach=true', '--quiet', ...args, service])).code === 0,
    {
      what: `docker service update through ${via}`,
      timeoutMs: 60_000,
      intervalMs: 500,
    },
  );
}

/** Stops a node's Engine; returns the function that starts it again and waits until the node is ready. */
async function stopEngine(name: string, via: string): Promise<() => Promise<void>> {
  await nodes.script('stop-engine', name);
  return async () => {
    await nodes.script('start-engine', name);
    await nodes.waitNodeState(name, 'ready', {via, timeoutMs: 90_000});
  };
}

describe('three managers: failover when the connected one goes away', () => {
  it('the recorder continues through the next manager within 10 s, missing and duplicating no converged version', async () => {
    const v1 = await fixtureImageId('v1');
    // Tasks stay off n1, the manager that is stopped: what is recorded depends on failover alone.
    const service = await nodes.createService({
      prefix: 'fo-rec',
      image: v1,
      replicas: 2,
      args: ['--constraint', 'node.labels.dokroll.node!=n1', '--env', 'STEP=1'],
    });
    const db = path.join(dir, 'recorder.db');
    // A console talking to the same managers: its nodes view lists the real nodes, its header follows the failover.
    const consoleStore = await openStore({url: `file:${path.join(dir, 'console.db')}`, env: {}});
    const model = new LiveConsoleModel(() => connect({host: managers('n1', 'n2', 'n3'), env: {}}), consoleStore, {
      recorder: false,
      services: (name) => name === service,
      overviewMs: 500,
    }).start();
    model.watchNodes(true);
    const until = <T>(pick: (state: ConsoleState) => T, what: string) =>
      waitFor(() => pick(model.getState()), {what, timeoutMs: 30_000, intervalMs: 50});
    const recorder = startCli(['record', '--db', db, '--stability', '1', '--service', service], {
      env: {DOCKER_HOST: managers('n1', 'n2', 'n3')},
    });
    running.push(recorder);
    const count = (n: number) =>
      waitFor(async () => ((await versions(service, db)).length >= n ? true : null), {
        what: `${service} to have ${n} versions`,
        timeoutMs: 90_000,
        intervalMs: 250,
      });
    await count(1);
    expect(recorder.output.stdout).toContain(`recording on ${nodes.node('n1').host}`);
    const listed = await until((s) => (s.nodes?.length === 3 ? s.nodes : null), 'the three nodes in the nodes view');
    expect(listed.map((n) => [n.name, n.role, n.state, n.self])).toEqual(
      nodes.nodes.map((n) => [n.hostname, 'manager', 'ready', n.name === 'n1']),
    );
    expect(listed.filter((n) => n.leader)).toHaveLength(1);
    expect(listed.find((n) => n.name === nodes.node('n2').hostname)?.tasksRunning).toBe(1);
    expect(model.getState().connection).toMatchObject({
      endpoint: nodes.node('n1').host,
      nodeHostname: nodes.node('n1').hostname,
    });

    // An update converging while the connected manager (the leader, too) goes away.
    await updateThrough(nodes, 'n2', service, ['--env-add', 'STEP=2']);
    const restart = await stopEngine('n1', 'n2');
    try {
      await count(2);
      // Another manager, whichever answered first (n2 or n3), named by endpoint and hostname alike.
      const other = (name: string) => name !== 'n1';
      await until(
        (s) =>
          nodes.nodes.some(
            (n) => other(n.name) && s.connection.endpoint === n.host && s.connection.nodeHostname === n.hostname,
          ),
        'the header to name the manager it talks to now',
      );
      const moved = new RegExp(
        `manager ${nodes.node('n1').host} went away .*; continuing through (\\S+) \\(failover took \\d+ ms\\)`,
      ).exec(recorder.output.stdout);
      expect(moved?.[1], recorder.output.stdout).toBeOneOf([nodes.node('n2').host, nodes.node('n3').host]);
      // And one after the failover, timed from its convergence.
      await updateThrough(nodes, 'n2', service, ['--env-add', 'STEP=3']);
      await waitFor(
        async () =>
          (
            await nodes.dockerOk('n2', [
              'service',
              'inspect',
              '-f',
              '{{if .UpdateStatus}}{{.UpdateStatus.State}}{{end}}',
              service,
            ])
          ).trim() === 'completed',
        {what: `${service} update to complete`, timeoutMs: 60_000, intervalMs: 200},
      );
      const converged = Date.now();
      await count(3);
      expect(Date.now() - converged).toBeLessThanOrEqual(10_000);
      // Three updates, three versions: none missed, none twice (a version is one converged spec).
      expect((await versions(service, db)).map((i) => i.version)).toEqual([3, 2, 1]);
    } finally {
      recorder.child.kill('SIGTERM');
      await recorder.exited;
      await model.close();
      consoleStore.close();
      await restart();
    }
  }, 300_000);

  it("a watched rollback's verdict still arrives when the connected manager goes away mid-rollout", async () => {
    const v1 = await fixtureImageId('v1');
    const v2 = await fixtureImageId('v2');
    const service = await nodes.createService({
      prefix: 'fo-rb',
      image: v1,
      replicas: 2,
      args: ['--constraint', 'node.labels.dokroll.node!=n2'],
    });
    let history: HistoryBed | undefined;
    let restart: (() => Promise<void>) | undefined;
    try {
      history = await openHistoryBed('failover', {host: nodes.node('n3').host});
      await history.record(service);
      await history.update(service, ['--image', v2]);
      await history.record(service);
      // A 10 s health window: after the managers lose one of them (here possibly the leader), the
      // agents report their tasks again through another; in a 3 s window under load the manager
      // still knew only one of the two tasks running, and the verdict was (truthfully) degraded.
      const rollback = startCli(
        ['rollback', service, '--to', 'v1', '--yes', '--json', '--watch', '10', '--allow-local-image'],
        {
          db: history.db,
          env: {DOCKER_HOST: managers('n2', 'n3', 'n1')},
        },
      );
      running.push(rollback);
      await rollback.waitForJson((line) => line.type === 'applied', 90_000);
      restart = await stopEngine('n2', 'n3');
      const result = await rollback.result;
      expect(result.code, result.stdout + result.stderr).toBe(0);
      const failover = result.json.find((line) => line.type === 'failover');
      expect(failover).toMatchObject({from: nodes.node('n2').host});
      expect(failover?.to).toBeOneOf([nodes.node('n1').host, nodes.node('n3').host]);
      expect(result.json.at(-1)).toMatchObject({type: 'verdict', result: 'healthy'});
      expect(await history.liveHash(service)).toBe((await history.store.versions.get(service, 1))?.specHash);
    } finally {
      await history?.close();
      await restart?.();
    }
  }, 300_000);
});
