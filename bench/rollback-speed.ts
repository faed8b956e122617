/**
 * Figure 1: how long a rollback takes with dokroll-tui compared with `docker service update`
 * applying the same spec with the same update settings.
 *
 * One 3-replica service of the fixture app with a health check (every 250 ms, start-first,
 * parallelism 1, delay 0, monitor 1 s), two recorded versions: v1 (image v1, APP_MESSAGE=one) and
 * v2 (image v2, APP_MESSAGE=two). Runs alternate in the order ours, docker, docker, ours, … so that
 * each tool makes as many v2→v1 as v1→v2 moves and neither always goes first:
 *   ours   — `dokroll-tui rollback SERVICE --to vN --yes --json --watch W` (W = 0 by default);
 *   docker — `docker service update --detach=false --quiet --image ID --env-add APP_MESSAGE=…`,
 *            which waits for the tasks and then the Monitor period, as the docker CLI does.
 * For every run it notes the command's wall time, and from the Engine API (polled every 50 ms by
 * this script) when all tasks ran the target and when UpdateStatus said completed. After each run
 * the live spec's version hash is compared with the recorded version's: both tools must have
 * applied the same spec.
 *
 *   node --import tsx bench/rollback-speed.ts [RUNS_PER_TOOL=6] [WATCH_SECONDS=0] [MAIN_JS]
 *
 * MAIN_JS: another build's dist/cli/main.js to measure instead of this checkout's (before/after).
 */
import {ensureBuilt} from '../test/support/built-cli.js';
import {openHistoryBed} from '../test/support/history-bed.js';
import {createTestService, fixtureImageId, removeServices} from '../test/support/swarm.js';
import {
  DOCKER,
  fmtStats,
  loadAverage,
  printTable,
  rollbackArgs,
  stats,
  timed,
  updateStartedAt,
  watchConvergence,
} from './kit.js';

const runsPerTool = Number(process.argv[2] ?? 6);
const watchSeconds = Number(process.argv[3] ?? 0);
const REPLICAS = 3;

type Tool = 'ours' | 'docker';
interface Run {
  tool: Tool;
  to: 'v1' | 'v2';
  wallMs: number;
  tasksMs: number | null;
  completedMs: number | null;
  /** Spawn → Swarm's UpdateStatus.StartedAt (the update applied). */
  applyMs: number | null;
  sameSpec: boolean;
  load: string;
}

const cli = process.argv[4] ?? (await ensureBuilt());
const bed = await openHistoryBed('bench-rollback-speed');
const [imageV1, imageV2] = await Promise.all([fixtureImageId('v1'), fixtureImageId('v2')]);
const target = {v1: {image: imageV1, env: 'APP_MESSAGE=one'}, v2: {image: imageV2, env: 'APP_MESSAGE=two'}};
let serviceName: string | null = null;
try {
  const svc = await createTestService({
    prefix: 'bench-rbspeed',
    replicas: REPLICAS,
    env: {APP_MESSAGE: 'one'},
    wait: true,
  });
  serviceName = svc.name;
  const v1 = await bed.record(svc.name);
  await bed.update(svc.name, ['--image', imageV2, '--env-add', 'APP_MESSAGE=two']);
  const v2 = await bed.record(svc.name);
  const hashes = {v1: v1.specHash, v2: v2.specHash};
  process.stderr.write(`service ${svc.name}: v1 and v2 recorded; ${runsPerTool} runs per tool; ours: ${cli}\n`);

  const runs: Run[] = [];
  let live: 'v1' | 'v2' = 'v2';
  const pattern: Tool[] = ['ours', 'docker', 'docker', 'ours'];
  for (let i = 0; i < runsPerTool * 2; i++) {
    const tool = pattern[i % 4]!;
    const to: 'v1' | 'v2' = live === 'v2' ? 'v1' : 'v2';
    const load = loadAverage();
    const before = await updateStartedAt(svc.id);
    const watch = watchConvergence(svc.id, {...target[to], replicas: REPLICAS, previousStartedAt: before});
    const run =
      tool === 'ours'
        ? await timed('node', [cli, ...rollbackArgs(svc.name, to, bed.db, {watchSeconds})])
        : await timed(DOCKER, [
            'service',
            'update',
            '--detach=false',
            '--quiet',
            '--image',
            target[to].image,
            '--env-add',
            target[to].env,
            svc.name,
          ]);
    if (run.code !== 0)
      throw new Error(`${tool} run ${i + 1} (to ${to}) exited ${run.code}: ${(run.stderr || run.stdout).slice(-800)}`);
    const times = await watch.finish();
    const sameSpec = (await bed.liveHash(svc.name)) === hashes[to];
    runs.push({
      tool,
      to,
      wallMs: run.ms,
      tasksMs: times.tasksAt === null ? null : times.tasksAt - run.startedAt,
      completedMs: times.completedAt === null ? null : times.completedAt - run.startedAt,
      applyMs: times.swarmStartedAt === null ? null : times.swarmStartedAt - run.startedAt,
      sameSpec,
      load,
    });
    live = to;
    const last = runs.at(-1)!;
    process.stderr.write(
      `  ${String(i + 1).padStart(2)} ${tool.padEnd(6)} → ${to}: wall ${Math.round(last.wallMs)} ms, applied ${Math.round(last.applyMs ?? NaN)} ms, tasks ${Math.round(last.tasksMs ?? NaN)} ms, ` +
        `completed ${Math.round(last.completedMs ?? NaN)} ms${sameSpec ? '' : '  (live spec differs from the version!)'}  ${load}\n`,
    );
  }

  const of = (tool: Tool, pick: (r: Run) => number | null) =>
    stats(
      runs
        .filter((r) => r.tool === tool)
        .map(pick)
        .filter((v): v is number => v !== null),
    );
  const pick = (tool: Tool) => ({
    wall: of(tool, (r) => r.wallMs),
    tasks: of(tool, (r) => r.tasksMs),
    completed: of(tool, (r) => r.completedMs),
    apply: of(tool, (r) => r.applyMs),
    swarm: of(tool, (r) => (r.completedMs !== null && r.applyMs !== null ? r.completedMs - r.applyMs : null)),
    tail: of(tool, (r) => (r.completedMs !== null ? r.wallMs - r.completedMs : null)),
  });
  const ours = pick('ours');
  const theirs = pick('docker');
  // Paired: each block of four runs (ours, docker, docker, ours) ran under about the same load.
  const blockRatios: number[] = [];
  for (let b = 0; b + 4 <= runs.length; b += 4) {
    const block = runs.slice(b, b + 4);
    const sum = (tool: Tool) => block.filter((r) => r.tool === tool).reduce((n, r) => n + r.wallMs, 0);
    blockRatios.push(sum('ours') / sum('docker'));
  }
  console.log(
    `\nFigure 1 — rollback of a 3-replica service with a health check (250 ms), start-first, parallelism 1, monitor 1 s`,
  );
  console.log(
    `ours: dokroll-tui rollback --watch ${watchSeconds}; docker: docker service update --detach=false (same spec, same update config)`,
  );
  printTable(
    ['', 'ours', 'docker', 'ratio ours/docker (medians)'],
    [
      [
        'command wall time',
        fmtStats(ours.wall),
        fmtStats(theirs.wall),
        (ours.wall.median / theirs.wall.median).toFixed(3),
      ],
      [
        'start → all tasks on target running',
        fmtStats(ours.tasks),
        fmtStats(theirs.tasks),
        (ours.tasks.median / theirs.tasks.median).toFixed(3),
      ],
      [
        'start → UpdateStatus completed',
        fmtStats(ours.completed),
        fmtStats(theirs.completed),
        (ours.completed.median / theirs.completed.median).toFixed(3),
      ],
      ['  of which: start → update applied', fmtStats(ours.apply), fmtStats(theirs.apply), ''],
      [
        '  applied → completed (Swarm)',
        fmtStats(ours.swarm),
        fmtStats(theirs.swarm),
        (ours.swarm.median / theirs.swarm.median).toFixed(3),
      ],
      ['  completed → command exited', fmtStats(ours.tail), fmtStats(theirs.tail), ''],
    ],
  );
  console.log(
    `wall-time ratio within each block of 4 alternating runs: ${blockRatios.map((r) => r.toFixed(3)).join(', ')} (median ${stats(blockRatios).median.toFixed(3)})`,
  );
  console.log(`same spec applied in every run: ${runs.every((r) => r.sameSpec) ? 'yes' : 'NO'}`);
  console.log(`load at the start of the runs: ${runs[0]?.load}; at the end: ${loadAverage()}`);
} finally {
  if (serviceName)
    await removeServices([serviceName]).catch((error: unknown) => console.error(`cleanup: ${String(error)}`));
  await bed.close();
}
