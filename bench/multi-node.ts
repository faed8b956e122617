/**
 * Figures 8 and 9, on a swarm of three real Engines that are all managers (scripts/testbed-nodes.sh,
 * bed "mgr3", each Engine in its own network namespace on this machine).
 *
 * 8. Manager failover. The recorder (`dokroll-tui record`, DOCKER_HOST naming the three managers)
 *    runs while the Engine it is connected to is stopped; right after, a service is updated through
 *    another manager. Noted per run: stop → the recorder's failover line; the failover itself (first
 *    failed request → the next manager answering, as the gateway reports it); the update's
 *    convergence → its version in the recorder's output. Runs alternate between stopping a follower
 *    and stopping the leader (the swarm then elects a new leader first). The stopped Engine is
 *    started again and the bed waits for all three nodes to be ready before the next run.
 * 9. Rollback wall time across the nodes: a 3-replica service spread over the three nodes (health
 *    check every 1 s, start-first, parallelism 1, monitor 1 ms), moved between two recorded
 *    versions by `dokroll-tui rollback --watch 0` and by `docker service update --detach=false` with
 *    the same spec, alternating ours, docker, docker, ours.
 *
 *   node --import tsx bench/multi-node.ts [FAILOVER_RUNS=4] [ROLLBACK_RUNS_PER_TOOL=4]
 */
import {randomBytes} from 'node:crypto';
import {spawn} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {ensureBuilt} from '../test/support/built-cli.js';
import {openHistoryBed} from '../test/support/history-bed.js';
import {runNodesScript} from '../test/support/nodes-script.js';
import {fixtureImageId} from '../test/support/swarm.js';
import {DOCKER, fmtStats, loadAverage, must, printTable, rollbackArgs, sleep, stats, timed} from './kit.js';

const failoverRuns = Number(process.argv[2] ?? 4);
const rollbackRuns = Number(process.argv[3] ?? 4);
const BED = 'mgr3';

interface BedNode {
  name: string;
  host: string;
  hostname: string;
}

const nodes: BedNode[] = [];
for (const line of (await runNodesScript(['up', '3', '--managers', '3', '--bed', BED])).split('\n')) {
  const match = /^DOKROLL_NODE_(n\d)=(\S+) \S+ (\S+)$/.exec(line.trim());
  if (match) nodes.push({name: match[1]!, host: match[2]!, hostname: match[3]!});
}
const node = (name: string) => nodes.find((n) => n.name === name)!;
const dockerOn = (name: string, args: string[]) => must(DOCKER, ['-H', node(name).host, ...args]);
const cli = await ensureBuilt();
const dir = mkdtempSync(path.join(os.tmpdir(), 'dokroll-bench-nodes-'));
const services: string[] = [];

async function until(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 120_000): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
  return Date.now();
}

async function leader(via: string): Promise<string> {
  const out = (await dockerOn(via, ['node', 'ls', '--format', '{{.Hostname}} {{.ManagerStatus}}'])).stdout;
  const line = out.split('\n').find((l) => l.endsWith(' Leader'));
  return nodes.find((n) => line?.startsWith(`${n.hostname} `))?.name ?? '?';
}

async function allReady(via: string): Promise<boolean> {
  const out = await timed(DOCKER, ['-H', node(via).host, 'node', 'ls', '--format', '{{.Status}} {{.ManagerStatus}}']);
  const lines = out.stdout.trim().split('\n');
  return (
    out.code === 0 && lines.length === 3 && lines.every((l) => l.startsWith('Ready ') && /Leader|Reachable/.test(l))
  );
}

async function createService(prefix: string, args: string[]): Promise<string> {
  const name = `${prefix}-${randomBytes(3).toString('hex')}`;
  services.push(name);
  await dockerOn('n1', [
    'service',
    'create',
    '--quiet',
    '--detach=false',
    '--name',
    name,
    '--label',
    'dokroll.test=1',
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
    ...args,
  ]);
  return name;
}

interface FailoverRun {
  stopped: 'follower' | 'leader';
  stopToFailoverMs: number;
  failoverMs: number;
  convergedToRecordedMs: number;
  load: string;
}

async function failoverFigures(): Promise<FailoverRun[]> {
  const image = await fixtureImageId('v1');
  const service = await createService('bench-fo', ['--replicas', '2', image]);
  const runs: FailoverRun[] = [];
  for (let i = 0; i < failoverRuns; i++) {
    const stopped: 'follower' | 'leader' = i % 2 === 0 ? 'follower' : 'leader';
    const lead = await leader('n1');
    const victim = stopped === 'leader' ? lead : (['n1', 'n2', 'n3'].find((n) => n !== lead) as string);
    const others = ['n1', 'n2', 'n3'].filter((n) => n !== victim);
    const order = [victim, ...others];
    const db = path.join(dir, `failover-${i}.db`);
    let stdout = '';
    const child = spawn(process.execPath, [cli, 'record', '--db', db, '--stability', '1', '--service', service], {
      env: {...process.env, DOCKER_HOST: order.map((n) => node(n).host).join(','), DOKROLL_DB: db},
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child.stdout.on('data', (chunk) => (stdout += chunk));
    const recorded = () => (stdout.match(/ recorded /g) ?? []).length;
    await until(() => recorded() >= 1, 'the first version');
    const load = loadAverage();
    const stopAt = Date.now();
    await runNodesScript(['stop-engine', victim, '--bed', BED]);
    // Through a manager that stays up; retried while a new leader is elected.
    await until(
      async () =>
        (
          await timed(DOCKER, [
            '-H',
            node(others[0]!).host,
            'service',
            'update',
            '--detach=true',
            '--quiet',
            '--env-add',
            `RUN=${i}`,
            service,
          ])
        ).code === 0,
      'the update to be accepted',
    );
    const failoverAt = await until(() => /went away .*; continuing through/.test(stdout), 'the failover line');
    const failoverMs = Number(/failover took (\d+) ms/.exec(stdout)?.[1] ?? NaN);
    const convergedAt = await until(
      async () =>
        (
          await timed(DOCKER, [
            '-H',
            node(others[0]!).host,
            'service',
            'inspect',
            '-f',
            '{{.UpdateStatus.State}}',
            service,
          ])
        ).stdout.trim() === 'completed',
      'the update to complete',
    );
    const recordedAt = await until(() => recorded() >= 2, 'the second version');
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('close', resolve));
    runs.push({
      stopped,
      stopToFailoverMs: failoverAt - stopAt,
      failoverMs,
      convergedToRecordedMs: Math.max(0, recordedAt - convergedAt),
      load,
    });
    const run = runs.at(-1)!;
    process.stderr.write(
      `  ${i + 1} stopped the ${stopped} (${victim}): stop → failover ${run.stopToFailoverMs} ms, converged → recorded ${run.convergedToRecordedMs} ms  ${load}\n`,
    );
    await runNodesScript(['start-engine', victim, '--bed', BED]);
    await until(() => allReady(others[0]!), 'three ready managers', 180_000);
  }
  return runs;
}

interface RollbackRun {
  tool: 'ours' | 'docker';
  wallMs: number;
}

async function rollbackFigures(): Promise<RollbackRun[]> {
  const [v1, v2] = await Promise.all([fixtureImageId('v1'), fixtureImageId('v2')]);
  const service = await createService('bench-mnrb', [
    '--replicas',
    '3',
    '--env',
    'APP_MESSAGE=one',
    '--placement-pref',
    'spread=node.labels.dokroll.node',
    v1,
  ]);
  const bed = await openHistoryBed('bench-multi-node', {host: node('n1').host});
  const runs: RollbackRun[] = [];
  try {
    await bed.record(service);
    await bed.update(service, ['--image', v2, '--env-add', 'APP_MESSAGE=two']);
    await bed.record(service);
    const target = {v1: {image: v1, env: 'APP_MESSAGE=one'}, v2: {image: v2, env: 'APP_MESSAGE=two'}};
    let live: 'v1' | 'v2' = 'v2';
    const pattern = ['ours', 'docker', 'docker', 'ours'] as const;
    for (let i = 0; i < rollbackRuns * 2; i++) {
      const tool = pattern[i % 4]!;
      const to: 'v1' | 'v2' = live === 'v2' ? 'v1' : 'v2';
      const run =
        tool === 'ours'
          ? await timed('node', [cli, ...rollbackArgs(service, to, bed.db, {extra: ['--allow-local-image']})], {
              DOCKER_HOST: node('n1').host,
            })
          : await timed(DOCKER, [
              '-H',
              node('n1').host,
              'service',
              'update',
              '--detach=false',
              '--quiet',
              '--image',
              target[to].image,
              '--env-add',
              target[to].env,
              service,
            ]);
      if (run.code !== 0)
        throw new Error(`${tool} run ${i + 1} exited ${run.code}: ${(run.stderr || run.stdout).slice(-600)}`);
      runs.push({tool, wallMs: run.ms});
      live = to;
      process.stderr.write(`  ${i + 1} ${tool.padEnd(6)} → ${to}: ${Math.round(run.ms)} ms  ${loadAverage()}\n`);
    }
  } finally {
    await bed.close();
  }
  return runs;
}

try {
  process.stderr.write(`bed ${BED}: ${nodes.map((n) => n.hostname).join(', ')} (3 managers)\nfailover runs:\n`);
  const failovers = await failoverFigures();
  process.stderr.write('rollback runs:\n');
  const rollbacks = await rollbackFigures();

  const of = (stopped: FailoverRun['stopped'], pick: (r: FailoverRun) => number) =>
    stats(
      failovers
        .filter((r) => r.stopped === stopped)
        .map(pick)
        .filter((v) => !Number.isNaN(v)),
    );
  console.log(
    '\nFigure 8 — the recorder when the manager it talks to is stopped (3 managers, DOCKER_HOST naming all three)',
  );
  printTable(
    ['', 'follower stopped', 'leader stopped'],
    [
      [
        'first failed request → next manager answering',
        fmtStats(of('follower', (r) => r.failoverMs)),
        fmtStats(of('leader', (r) => r.failoverMs)),
      ],
      [
        'Engine stopped → failover line',
        fmtStats(of('follower', (r) => r.stopToFailoverMs)),
        fmtStats(of('leader', (r) => r.stopToFailoverMs)),
      ],
      [
        'update converged → its version recorded',
        fmtStats(of('follower', (r) => r.convergedToRecordedMs)),
        fmtStats(of('leader', (r) => r.convergedToRecordedMs)),
      ],
    ],
  );
  const wall = (tool: RollbackRun['tool']) => stats(rollbacks.filter((r) => r.tool === tool).map((r) => r.wallMs));
  console.log(
    '\nFigure 9 — rollback of a 3-replica service spread over 3 nodes: ours (--watch 0) vs docker service update --detach=false',
  );
  printTable(
    ['', 'ours', 'docker', 'ratio (medians)'],
    [
      [
        'command wall time',
        fmtStats(wall('ours')),
        fmtStats(wall('docker')),
        (wall('ours').median / wall('docker').median).toFixed(3),
      ],
    ],
  );
  console.log(`load at the end: ${loadAverage()}`);
} finally {
  if (services.length) await timed(DOCKER, ['-H', node('n1').host, 'service', 'rm', ...services]);
  rmSync(dir, {recursive: true, force: true});
}
