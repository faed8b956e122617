/**
 * Figure 2: failed requests during a rollback under a steady request loop, for a single-replica
 * service (where the update order decides whether there is a gap): start-first vs stop-first,
 * `dokroll-tui rollback` vs `docker service rollback`.
 *
 * Two services of the fixture app with a health check (250 ms), one replica, parallelism 1,
 * delay 0, monitor 1 s; one with update and rollback order start-first, one with stop-first. Each
 * has v1 (APP_MESSAGE=one) and v2 (two) recorded, v2 live. Then, alternately:
 *   ours   — `dokroll-tui rollback SERVICE --to v1 --order <the service's order> --watch 1`;
 *   docker — `docker service rollback --detach=false` (back to v2: PreviousSpec is what ours replaced).
 * A request goes out every 50 ms during each run (test/support/load.ts with a service target: a
 * client-side load balancer over the running tasks' host ports that retries a refused connection
 * once on another running task, as a load balancer in front of the swarm would), from 0.5 s before the command
 * until 2 s after it returned (an old start-first task shuts down ~1.5 s after Swarm says completed).
 *
 *   node --import tsx bench/rollback-downtime.ts [RUNS_PER_CELL=3]
 */
import {startLoad, type LoadResult} from '../test/support/load.js';
import {ensureBuilt} from '../test/support/built-cli.js';
import {openHistoryBed} from '../test/support/history-bed.js';
import {createTestService, removeServices} from '../test/support/swarm.js';
import {DOCKER, loadAverage, printTable, sleep, stats, timed} from './kit.js';

const runsPerCell = Number(process.argv[2] ?? 3);
type Order = 'start-first' | 'stop-first';
type Tool = 'ours' | 'docker';

interface Sample {
  order: Order;
  tool: Tool;
  traffic: LoadResult;
  wallMs: number;
  load: string;
}

const cli = await ensureBuilt();
const bed = await openHistoryBed('bench-rollback-downtime');
const created: string[] = [];
try {
  const services = {} as Record<Order, string>;
  for (const order of ['start-first', 'stop-first'] as const) {
    const svc = await createTestService({
      prefix: `bench-dt-${order.slice(0, 4)}`,
      order,
      env: {APP_MESSAGE: 'one'},
      wait: true,
    });
    created.push(svc.name);
    await bed.record(svc.name);
    await bed.update(svc.name, ['--env-add', 'APP_MESSAGE=two']);
    await bed.record(svc.name);
    services[order] = svc.name;
  }

  const samples: Sample[] = [];
  for (let i = 0; i < runsPerCell; i++) {
    for (const order of ['start-first', 'stop-first'] as const) {
      const name = services[order];
      for (const tool of ['ours', 'docker'] as const) {
        const load = loadAverage();
        const traffic = startLoad({service: name}, {intervalMs: 50});
        await sleep(500);
        const run =
          tool === 'ours'
            ? await timed('node', [
                cli,
                'rollback',
                name,
                '--to',
                'v1',
                '--order',
                order,
                '--yes',
                '--json',
                '--watch',
                '1',
                '--db',
                bed.db,
              ])
            : await timed(DOCKER, ['service', 'rollback', '--detach=false', '--quiet', name]);
        await sleep(2000);
        const result = await traffic.stop();
        if (run.code !== 0)
          throw new Error(`${tool} ${order}: exit ${run.code}: ${(run.stderr || run.stdout).slice(-600)}`);
        samples.push({order, tool, traffic: result, wallMs: run.ms, load});
        process.stderr.write(
          `  ${order.padEnd(11)} ${tool.padEnd(6)}: ${result.ok} ok, ${result.failed} failed, ${result.retried} retried` +
            `${result.errors.length ? ` (${result.errors.join('; ')})` : ''}, command ${Math.round(run.ms)} ms  ${load}\n`,
        );
      }
    }
  }

  console.log(
    '\nFigure 2 — failed requests during a rollback, 1 replica, a request every 50 ms (runs per cell: ' +
      runsPerCell +
      ')',
  );
  const rows: string[][] = [];
  for (const order of ['start-first', 'stop-first'] as const) {
    for (const tool of ['ours', 'docker'] as const) {
      const cell = samples.filter((s) => s.order === order && s.tool === tool);
      const failed = cell.map((s) => s.traffic.failed);
      rows.push([
        `${order}, ${tool === 'ours' ? 'dokroll-tui rollback' : 'docker service rollback'}`,
        failed.join(' / '),
        String(stats(failed).median),
        String(Math.round(stats(cell.map((s) => s.traffic.ok)).median)),
        String(Math.round(stats(cell.map((s) => s.traffic.retried)).median)),
        `${Math.round(stats(cell.map((s) => s.wallMs)).median)} ms`,
      ]);
    }
  }
  printTable(['', 'failed per run', 'median failed', 'median ok', 'median retried', 'median command'], rows);
  console.log(`load at the start: ${samples[0]?.load}; at the end: ${loadAverage()}`);
} finally {
  if (created.length)
    await removeServices(created).catch((error: unknown) => console.error(`cleanup: ${String(error)}`));
  await bed.close();
}
