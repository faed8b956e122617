/**
 * Figures 3 and 4 (per change): how soon the console shows a task state change, and how many bytes
 * the frame showing it costs.
 *
 * The built console runs in a real pseudo-terminal (bench/console-pty.ts: every output chunk is
 * timed as it leaves the console) on the task view of a 1-replica service (no health check). The
 * service is scaled 1 → 2 → 1 repeatedly; meanwhile this script polls GET /tasks every 20 ms and
 * notes each change of a task's (desired state, state) as the Engine API reports it. For each
 * change, the frame that shows it is the first output chunk after which the task's row (found by
 * its slot) reads the new desired state and state. Latency = frame time − time the poll saw the
 * change. States that lasted less than the console's task poll (250 ms) are often never drawn:
 * they are counted as skipped, not as latency. Runs once with Ink's incremental rendering (the
 * default) and once with its full redraw (DOKROLL_FULL_REDRAW=1). The console's CPU use during
 * the cycles is read from /proc.
 *
 *   node --import tsx bench/console-latency.ts [CYCLES=6]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {dockerApiGet, filtersQuery} from '../test/support/docker-api.js';
import {ensureBuilt} from '../test/support/built-cli.js';
import {createTestService, removeServices} from '../test/support/swarm.js';
import {ConsolePty, epochMs, screenText} from './console-pty.js';
import {DOCKER, loadAverage, must, printTable, sleep, stats} from './kit.js';

const cycles = Number(process.argv[2] ?? 6);
const POLL_MS = 20;
const CONSOLE_POLL_MS = 250;

interface ApiTask {
  ID: string;
  Slot?: number;
  DesiredState: string;
  Status: {State: string};
}

interface Change {
  taskId: string;
  slot: number;
  desired: string;
  state: string;
  /** Epoch ms of the poll that saw it, and of the poll before. */
  seenAt: number;
  previousPollAt: number;
  /** Epoch ms of the next change of the same task (the state's lifetime ends there), or null. */
  endedAt: number | null;
}

/** Polls the service's tasks every POLL_MS, recording every (desired, state) change per task. */
function watchTasks(serviceId: string) {
  const changes: Change[] = [];
  const last = new Map<string, Change>();
  let stopped = false;
  let previousPollAt = epochMs();
  const loop = (async () => {
    while (!stopped) {
      const started = epochMs();
      try {
        const tasks = await dockerApiGet<ApiTask[]>(`/tasks?${filtersQuery({service: [serviceId]})}`);
        const seenAt = epochMs();
        const present = new Set(tasks.map((t) => t.ID));
        // A task that disappeared (removed after a scale-down) ended its last state then.
        for (const change of last.values())
          if (change.endedAt === null && !present.has(change.taskId)) change.endedAt = seenAt;
        for (const task of tasks) {
          const before = last.get(task.ID);
          if (before && before.desired === task.DesiredState && before.state === task.Status.State) continue;
          if (before) before.endedAt = seenAt;
          const change: Change = {
            taskId: task.ID,
            slot: task.Slot ?? 0,
            desired: task.DesiredState,
            state: task.Status.State,
            seenAt,
            previousPollAt,
            endedAt: null,
          };
          last.set(task.ID, change);
          changes.push(change);
        }
        previousPollAt = seenAt;
      } catch {
        // a missed sample
      }
      await sleep(Math.max(0, POLL_MS - (epochMs() - started)));
    }
  })();
  return {
    changes,
    /** Tasks as last seen. */
    current: () => [...last.values()],
    async stop() {
      stopped = true;
      await loop;
    },
  };
}

function rowPattern(change: Change): RegExp {
  return new RegExp(`^\\s*(›\\s*)?${change.slot}\\s.*\\b${change.desired}\\b.*\\b${change.state}\\b`, 'm');
}

interface Shown {
  change: Change;
  latencyMs: number;
  frameBytes: number;
}

/** The frame (output chunk) that first shows `change`, searching from the poll before it. */
function frameFor(pty: ConsolePty, change: Change): {at: number; bytes: number} | null {
  const pattern = rowPattern(change);
  // A frame can only show a state while it lasts (plus the console's poll and frame delays).
  const until = Math.min(change.endedAt ?? Infinity, change.seenAt + 5_000) + 2 * CONSOLE_POLL_MS;
  let text = '';
  for (const chunk of pty.between(change.previousPollAt, until)) {
    const shown = screenText(chunk.data);
    text = `${text.slice(-400)}${shown}`;
    if (pattern.test(shown) || pattern.test(text.split('\n').slice(-3).join('\n'))) {
      return {at: chunk.at, bytes: Buffer.byteLength(chunk.data)};
    }
  }
  return null;
}

async function measureMode(label: string, env: Record<string, string>, svc: {id: string; name: string}, dir: string) {
  const pty = await ConsolePty.start(dir, {
    args: ['--db', `file:${dir}/history-${label}.db`, '--no-record'],
    env: {...env, DOCKER_HOST: 'unix:///var/run/docker.sock'},
  });
  try {
    await pty.waitScreen(svc.name.slice(0, 20), 60_000);
    await pty.type(`/${svc.name}`);
    await pty.keys('Enter');
    await pty.waitScreen(`› ${svc.name.slice(0, 20)}`);
    await pty.keys('Enter');
    await pty.waitScreen(/Tasks/);
    await pty.waitScreen(/^\s*›?\s*1\s.*running.*running/m);
    await sleep(1500);

    const load = loadAverage();
    const pid = await pty.pid();
    const ticks0 = cpuTicks(pid);
    const watch = watchTasks(svc.id);
    const startedAt = epochMs();
    await sleep(300);
    for (let i = 0; i < cycles; i++) {
      await must(DOCKER, ['service', 'scale', '--detach', `${svc.name}=2`]);
      await waitUntil(
        () => watch.current().some((c) => c.slot === 2 && c.desired === 'running' && c.state === 'running'),
        'slot 2 running',
      );
      await sleep(1500);
      await must(DOCKER, ['service', 'scale', '--detach', `${svc.name}=1`]);
      await waitUntil(
        async () => {
          const tasks = await dockerApiGet<ApiTask[]>(`/tasks?${filtersQuery({service: [svc.id]})}`);
          return !tasks.some((t) => t.Slot === 2);
        },
        'slot 2 gone',
        60_000,
      );
      await sleep(1000);
    }
    await watch.stop();
    const endedAt = epochMs();
    const cpuPercent = ((cpuTicks(pid) - ticks0) / 100 / ((endedAt - startedAt) / 1000)) * 100;
    const shown: Shown[] = [];
    let skipped = 0;
    let unseenLong = 0;
    for (const change of watch.changes) {
      if (change.seenAt < startedAt) continue;
      const frame = frameFor(pty, change);
      if (frame) shown.push({change, latencyMs: frame.at - change.seenAt, frameBytes: frame.bytes});
      else if (change.endedAt !== null && change.endedAt - change.seenAt < CONSOLE_POLL_MS + 50) skipped += 1;
      else unseenLong += 1;
    }
    const totalBytes = pty.between(startedAt, endedAt).reduce((n, c) => n + Buffer.byteLength(c.data), 0);
    return {label, shown, skipped, unseenLong, totalBytes, load, cpuPercent, durationMs: endedAt - startedAt};
  } finally {
    await pty.stop();
  }
}

/** utime + stime of a process, in clock ticks (100 per second). */
function cpuTicks(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

async function waitUntil(probe: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

await ensureBuilt();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dokroll-bench-'));
let serviceName: string | null = null;
try {
  const svc = await createTestService({prefix: 'bench-lat', health: false, publish: false, wait: true});
  serviceName = svc.name;
  const results = [];
  const modes = [
    ['incremental', {}],
    ['full redraw', {DOKROLL_FULL_REDRAW: '1'}],
  ] as const;
  for (const [label, env] of modes) {
    const result = await measureMode(label.replace(/\W+/g, '-'), env, svc, dir);
    results.push({...result, label});
    const lat = stats(result.shown.map((s) => s.latencyMs));
    process.stderr.write(
      `  ${label}: ${result.shown.length} changes shown, p50 ${lat.median.toFixed(0)} ms, p95 ${lat.p95.toFixed(0)} ms  ${result.load}\n`,
    );
  }

  console.log(
    `\nFigures 3 and 4 — task state change (GET /tasks every ${POLL_MS} ms) → frame showing it; console task poll ${CONSOLE_POLL_MS} ms; ${cycles} scale cycles 1→2→1 per mode`,
  );
  const rows = results.map((r) => {
    const lat = stats(r.shown.map((s) => s.latencyMs));
    const bytes = stats(r.shown.map((s) => s.frameBytes));
    return [
      r.label,
      String(r.shown.length),
      `${r.skipped} / ${r.unseenLong}`,
      `${lat.median.toFixed(0)} ms`,
      `${lat.p95.toFixed(0)} ms`,
      `${lat.max.toFixed(0)} ms`,
      `${bytes.median.toFixed(0)} B`,
      `${Math.round(r.totalBytes / Math.max(1, r.shown.length))} B`,
      `${r.cpuPercent.toFixed(1)} %`,
      r.load,
    ];
  });
  printTable(
    [
      'rendering',
      'changes shown',
      'skipped short / missed',
      'latency p50',
      'p95',
      'max',
      'bytes of the frame (median)',
      'all bytes / change',
      'console CPU',
      'load',
    ],
    rows,
  );
  const byState = new Map<string, number[]>();
  for (const s of results[0]!.shown)
    byState.set(`${s.change.desired}/${s.change.state}`, [
      ...(byState.get(`${s.change.desired}/${s.change.state}`) ?? []),
      s.latencyMs,
    ]);
  console.log(
    'incremental, latency by (desired/state): ' +
      [...byState].map(([k, v]) => `${k} p50 ${stats(v).median.toFixed(0)} ms (n=${v.length})`).join(', '),
  );
  console.log(`target: p95 ≤ ${CONSOLE_POLL_MS + 50} ms`);
} finally {
  if (serviceName)
    await removeServices([serviceName]).catch((error: unknown) => console.error(`cleanup: ${String(error)}`));
  fs.rmSync(dir, {recursive: true, force: true});
}
