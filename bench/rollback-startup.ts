/**
 * Figure 1's part before the update is applied: what a rollback spends from process start to the
 * spec write (POST /services/ID/update), in wall time and in CPU time of its own process (which
 * the machine's load changes less than wall time), measured inside the CLI by
 * bench/pre-apply-probe.mjs. Optionally against another build, alternating (this build, other,
 * other, this…) on the same service.
 *
 * One 1-replica service of the fixture app without a health check (so that a loaded machine cannot
 * pause the update), two recorded versions, and `dokroll-tui rollback SERVICE --to vN --yes --json
 * --watch 0` back and forth; Docker API requests before the spec write are counted too.
 *
 *   node --import tsx bench/rollback-startup.ts [RUNS_PER_BUILD=8] [OTHER_MAIN_JS]
 *
 * DOKROLL_PROBE_PROFILE=PREFIX also writes a CPU profile of each run's part before the spec write
 * (PREFIX.<run>, for Chrome DevTools or `node --cpu-prof`'s readers).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {ensureBuilt} from '../test/support/built-cli.js';
import {openHistoryBed} from '../test/support/history-bed.js';
import {createTestService, fixtureImageId, removeServices} from '../test/support/swarm.js';
import {fmtStats, loadAverage, printTable, rollbackArgs, stats, timed} from './kit.js';

const runsPerBuild = Number(process.argv[2] ?? 8);
const builds = [{name: 'this build', cli: await ensureBuilt()}];
if (process.argv[3]) builds.push({name: 'other build', cli: path.resolve(process.argv[3])});
const probe = path.join(import.meta.dirname, 'pre-apply-probe.mjs');
const probeFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dokroll-probe-')), 'probe.jsonl');

interface Probe {
  applyAtMs: number | null;
  applyCpuMs: number | null;
  requestsBefore: number;
  exitCpuMs: number | null;
}
interface Run extends Probe {
  build: string;
  wallMs: number;
}

const bed = await openHistoryBed('bench-rollback-startup');
const [imageV1, imageV2] = await Promise.all([fixtureImageId('v1'), fixtureImageId('v2')]);
let serviceName: string | null = null;
try {
  const svc = await createTestService({
    prefix: 'bench-rbstart',
    replicas: 1,
    health: false,
    monitorMs: 1,
    env: {APP_MESSAGE: 'one'},
    wait: true,
  });
  serviceName = svc.name;
  await bed.record(svc.name);
  await bed.update(svc.name, ['--image', imageV2, '--env-add', 'APP_MESSAGE=two']);
  await bed.record(svc.name);
  process.stderr.write(`service ${svc.name}: v1 (${imageV1.slice(7, 19)}) and v2 recorded; ${loadAverage()}\n`);

  const runs: Run[] = [];
  let live: 'v1' | 'v2' = 'v2';
  const order = builds.length === 1 ? [0] : [0, 1, 1, 0];
  // One unmeasured run per build first: each writes its code cache entry.
  const total = runsPerBuild * builds.length + builds.length;
  for (let i = 0; i < total; i++) {
    const build = builds[i < builds.length ? i : order[(i - builds.length) % order.length]!]!;
    const to: 'v1' | 'v2' = live === 'v2' ? 'v1' : 'v2';
    fs.rmSync(probeFile, {force: true});
    const run = await timed('node', ['--import', probe, build.cli, ...rollbackArgs(svc.name, to, bed.db)], {
      DOKROLL_PROBE_FILE: probeFile,
      ...(process.env.DOKROLL_PROBE_PROFILE
        ? {DOKROLL_PROBE_PROFILE: `${process.env.DOKROLL_PROBE_PROFILE}.${i}`}
        : {}),
    });
    if (run.code !== 0) throw new Error(`${build.name} (to ${to}) exited ${run.code}: ${run.stderr.slice(-600)}`);
    live = to;
    const probed = JSON.parse(fs.readFileSync(probeFile, 'utf8')) as Probe;
    if (i < builds.length) continue;
    runs.push({build: build.name, wallMs: run.ms, ...probed});
    process.stderr.write(
      `  ${build.name.padEnd(11)} → ${to}: spec write at ${Math.round(probed.applyAtMs ?? NaN)} ms, CPU ${Math.round(probed.applyCpuMs ?? NaN)} ms, ` +
        `${probed.requestsBefore} requests before it; ${loadAverage()}\n`,
    );
  }

  const of = (build: string, pick: (r: Run) => number | null) =>
    stats(
      runs
        .filter((r) => r.build === build)
        .map(pick)
        .filter((v): v is number => v !== null),
    );
  console.log('\nFigure 1, before the update is applied: `rollback --watch 0`, process start → spec write');
  printTable(
    ['', ...builds.map((b) => b.name)],
    [
      ['start → spec write (wall)', ...builds.map((b) => fmtStats(of(b.name, (r) => r.applyAtMs)))],
      ['CPU (user + sys) until the spec write', ...builds.map((b) => fmtStats(of(b.name, (r) => r.applyCpuMs)))],
      [
        'Docker API requests before it',
        ...builds.map((b) =>
          fmtStats(
            of(b.name, (r) => r.requestsBefore),
            '',
          ),
        ),
      ],
      ['CPU of the whole command', ...builds.map((b) => fmtStats(of(b.name, (r) => r.exitCpuMs)))],
    ],
  );
  if (builds.length === 2) {
    const ratio = (pick: (r: Run) => number | null) =>
      (of(builds[0]!.name, pick).median / of(builds[1]!.name, pick).median).toFixed(3);
    console.log(
      `this / other (medians): wall to the spec write ${ratio((r) => r.applyAtMs)}, CPU to it ${ratio((r) => r.applyCpuMs)}`,
    );
  }
  console.log(`load at the end: ${loadAverage()}`);
} finally {
  if (serviceName)
    await removeServices([serviceName]).catch((error: unknown) => console.error(`cleanup: ${String(error)}`));
  await bed.close();
  fs.rmSync(path.dirname(probeFile), {recursive: true, force: true});
}
