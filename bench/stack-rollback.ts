/**
 * Stack rollback: a whole stack rolled back at once (`dokroll-tui stack rollback`, services in
 * parallel) against the docker CLI one service after another (`docker service update` per service
 * with the same spec change), and the failed requests to the services meanwhile.
 *
 * A stack of 5 services × 2 replicas of the fixture app deployed with `docker stack deploy`: health
 * check every 500 ms (timeout 5 s, 3 retries: the machine is shared), update parallelism 1, delay 0, start-first, monitor 1 ms; port 8080 published
 * in host mode. r1 is APP_MESSAGE=one, r2 (live) APP_MESSAGE=two. Then, alternately:
 *   ours   — `dokroll-tui stack rollback STACK --to r1 --yes --json --watch 1` (pre-flight of every
 *            service, parallel rolling updates, a 1 s health watch each, the revision recorded);
 *   docker — `docker service update --detach=false --env-add APP_MESSAGE=…-one SERVICE` for each of
 *            the 5 services, one after another (the same spec change);
 * after each run the stack is deployed at r2 again (not timed). During each run a request goes to
 * every service every 100 ms (test/support/load.ts with a service target: running tasks' host ports, one retry
 * on another running task, as a load balancer would), from 0.5 s before until 2 s after the command.
 *
 * Where the time goes, per run: Swarm's own rollout of each service (UpdateStatus.StartedAt →
 * CompletedAt), the time before the first update started and after the last completed; for ours also
 * the CLI's phase marks (DOKROLL_TRACE=1: connected, pre-flight, journal, each service's update
 * applied / rollout converged / health verdict / recorded, the revision).
 *
 *   node --import tsx bench/stack-rollback.ts [RUNS_PER_TOOL=3] [HEALTH_INTERVAL=500ms] [TOOLS=ours,docker]
 */
import {startLoad} from '../test/support/load.js';
import {ensureBuilt} from '../test/support/built-cli.js';
import {openHistoryBed} from '../test/support/history-bed.js';
import {deployStack, removeStacks, type StackServiceSpec} from '../test/support/stack.js';
import {fixtureImageId, uniqueName, waitConverged} from '../test/support/swarm.js';
import {dockerApiGet} from '../test/support/docker-api.js';
import {DOCKER, loadAverage, must, printTable, sleep, stats, timed} from './kit.js';

const runsPerTool = Number(process.argv[2] ?? 3);
const healthInterval = process.argv[3] ?? '500ms';
const tools = (process.argv[4] ?? 'ours,docker').split(',');
const SERVICES = ['s1', 's2', 's3', 's4', 's5'];
/**
 * 'ours' (this checkout's build), 'docker', 'docker-parallel' (the five `docker service update`s at
 * once: Swarm's own time for the parallel rollouts, without ours), or the path of another build's
 * main.js, run as ours is.
 */
type Tool = string;

const cli = await ensureBuilt();
const cliOf = (tool: Tool) => (tool === 'ours' ? cli : tool);
const bed = await openHistoryBed('bench-stack-rollback');
const stack = uniqueName('bench-stk');
const svc = (name: string) => `${stack}_${name}`;
const image = await fixtureImageId('v1');

async function deploy(message: string): Promise<void> {
  const services: Record<string, StackServiceSpec> = {};
  for (const name of SERVICES) {
    services[name] = {
      image,
      replicas: 2,
      env: {APP_MESSAGE: `${name}-${message}`},
      health: true,
      healthInterval,
      healthTimeout: '5s',
      healthRetries: 3,
      publish: true,
      parallelism: 1,
    };
  }
  await deployStack(stack, services);
  try {
    await Promise.all(SERVICES.map((name) => waitConverged(svc(name), {timeoutMs: 120_000})));
  } catch (error) {
    for (const name of SERVICES)
      console.error(
        (
          await timed(DOCKER, [
            'service',
            'ps',
            '--no-trunc',
            '--format',
            '{{.Name}} {{.CurrentState}} {{.Error}}',
            svc(name),
          ])
        ).stdout,
      );
    throw error;
  }
}

async function recordRevision(): Promise<void> {
  const members: Record<string, number> = {};
  for (const name of SERVICES) members[svc(name)] = (await bed.record(svc(name))).number;
  await bed.store.stacks.record({stack, members, source: 'recorded'});
}

/** Swarm's own rollout of each service in a run: UpdateStatus.StartedAt → CompletedAt (epoch ms). */
interface SwarmSpan {
  service: string;
  startedAt: number;
  completedAt: number;
}

async function swarmSpans(): Promise<SwarmSpan[]> {
  return Promise.all(
    SERVICES.map(async (name) => {
      const service = await dockerApiGet<{UpdateStatus?: {StartedAt?: string; CompletedAt?: string}}>(
        `/services/${svc(name)}`,
      );
      return {
        service: name,
        startedAt: Date.parse(service.UpdateStatus?.StartedAt ?? ''),
        completedAt: Date.parse(service.UpdateStatus?.CompletedAt ?? ''),
      };
    }),
  );
}

/** `trace +N ms cpu C ms LABEL` lines of DOKROLL_TRACE=1 (N: ms since the CLI started; C: its CPU time so far). */
function traceMarks(stderr: string): {ms: number; cpuMs: number; label: string}[] {
  return [...stderr.matchAll(/^trace \+(\d+) ms cpu (\d+) ms (.*)$/gm)].map((m) => ({
    ms: Number(m[1]),
    cpuMs: Number(m[2]),
    label: m[3]!,
  }));
}

/** One line per phase of a run, in seconds from the command's start. */
function phaseLines(tool: Tool, wallStart: number, wallMs: number, spans: SwarmSpan[], stderr: string): string[] {
  const at = (epochMs: number) => ((epochMs - wallStart) / 1000).toFixed(2);
  const first = Math.min(...spans.map((s) => s.startedAt));
  const last = Math.max(...spans.map((s) => s.completedAt));
  const lines = [
    `    swarm: first update started at ${at(first)} s, last completed at ${at(last)} s; exit at ${(wallMs / 1000).toFixed(2)} s`,
    `    swarm per service (start → completed, s): ${spans
      .map(
        (s) =>
          `${s.service} ${at(s.startedAt)}→${at(s.completedAt)} (${((s.completedAt - s.startedAt) / 1000).toFixed(1)})`,
      )
      .join(', ')}`,
  ];
  if (!tool.startsWith('docker')) {
    for (const mark of traceMarks(stderr))
      lines.push(
        `    ${(mark.ms / 1000).toFixed(2).padStart(6)} s  (cpu ${(mark.cpuMs / 1000).toFixed(2)} s)  ${mark.label.replace(`stack ${stack}: `, '').replace(`${stack}_`, '')}`,
      );
  }
  return lines;
}

interface Sample {
  tool: Tool;
  /** Ours: the combined verdict (a starved machine can make a health check time out). */
  verdict: string;
  wallMs: number;
  ok: number;
  failed: number;
  errors: string[];
  load: string;
}

try {
  await deploy('one');
  await recordRevision();
  await deploy('two');
  await recordRevision();

  const samples: Sample[] = [];
  for (let i = 0; i < runsPerTool; i++) {
    for (const tool of tools) {
      const load = loadAverage();
      const traffic = SERVICES.map((name) => startLoad({service: svc(name)}, {intervalMs: 100}));
      await sleep(500);
      let wallMs: number;
      let stderr = '';
      const wallStart = Date.now();
      let verdict = 'completed';
      if (!tool.startsWith('docker')) {
        const run = await timed(
          'node',
          [cliOf(tool), 'stack', 'rollback', stack, '--to', 'r1', '--yes', '--json', '--watch', '1', '--db', bed.db],
          {DOKROLL_TRACE: '1'},
        );
        stderr = run.stderr;
        const outcome = run.stdout
          .split('\n')
          .filter((line) => line.includes('"services"'))
          .at(-1);
        verdict = outcome ? (JSON.parse(outcome) as {result: string}).result : `exit ${run.code}`;
        if (!outcome) throw new Error(`ours: exit ${run.code}: ${(run.stderr || run.stdout).slice(-800)}`);
        if (run.code !== 0)
          process.stderr.write(
            `  ours: exit ${run.code}: ${(JSON.parse(outcome) as {reasons: string[]}).reasons.join('; ')}\n`,
          );
        wallMs = run.ms;
      } else {
        const update = (name: string) =>
          must(DOCKER, [
            'service',
            'update',
            '--detach=false',
            '--quiet',
            '--env-add',
            `APP_MESSAGE=${name}-one`,
            svc(name),
          ]);
        wallMs = 0;
        if (tool === 'docker-parallel') {
          const started = performance.now();
          await Promise.all(SERVICES.map(update));
          wallMs = performance.now() - started;
        } else for (const name of SERVICES) wallMs += (await update(name)).ms;
      }
      const phases = phaseLines(tool, wallStart, wallMs, await swarmSpans(), stderr);
      await sleep(2000);
      const results = await Promise.all(traffic.map((t) => t.stop()));
      const sample: Sample = {
        tool,
        verdict,
        wallMs,
        ok: results.reduce((n, r) => n + r.ok, 0),
        failed: results.reduce((n, r) => n + r.failed, 0),
        errors: results.flatMap((r) => r.errors),
        load,
      };
      samples.push(sample);
      process.stderr.write(
        `  ${tool.padEnd(6)}: ${verdict}, ${Math.round(wallMs)} ms, ${sample.ok} ok, ${sample.failed} failed${sample.errors.length ? ` (${sample.errors.join('; ')})` : ''}  ${load}\n${phases.join('\n')}\n`,
      );
      await deploy('two');
    }
  }

  const median = (tool: Tool) => stats(samples.filter((s) => s.tool === tool).map((s) => s.wallMs)).median;
  console.log(
    `\nStack rollback — 5 services × 2 replicas, health check every ${healthInterval}, parallelism 1, start-first (runs per tool: ${runsPerTool})`,
  );
  printTable(
    ['', 'wall time per run', 'median', 'verdicts', 'failed requests per run', 'requests ok (median)'],
    tools.map((tool) => {
      const cell = samples.filter((s) => s.tool === tool);
      return [
        tool === 'ours'
          ? 'dokroll-tui stack rollback (parallel)'
          : tool === 'docker'
            ? 'docker service update × 5, one by one'
            : tool === 'docker-parallel'
              ? 'docker service update × 5, all at once'
              : `${tool} stack rollback (parallel)`,
        cell.map((s) => `${(s.wallMs / 1000).toFixed(1)} s`).join(' / '),
        `${(median(tool) / 1000).toFixed(1)} s`,
        cell.map((s) => s.verdict).join(' / '),
        cell.map((s) => s.failed).join(' / '),
        String(Math.round(stats(cell.map((s) => s.ok)).median)),
      ];
    }),
  );
  if (tools.includes('ours') && tools.includes('docker'))
    console.log(`ratio ours / docker (medians): ${(median('ours') / median('docker')).toFixed(2)}×`);
  console.log(`load at the start: ${samples[0]?.load}; at the end: ${loadAverage()}`);
} finally {
  await removeStacks().catch((error: unknown) => console.error(`cleanup: ${String(error)}`));
  await bed.close();
}
