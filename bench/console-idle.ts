/**
 * Figures 5 and 6: what the console costs while nothing happens, and how fast it starts.
 *
 * Creates services of the fixture image (3 replicas each, no health check, no published port)
 * with parallel `docker service create --detach`: first SMALL (default 10), then up to LARGE
 * (default 50). At each size:
 *   - figure 6: the console is started STARTS times (default 5) in a real terminal
 *     (bench/console-pty.ts); time to first frame = from just before `node` starts to the first
 *     output showing the header (and the CPU time it had used by then, from /proc), time to data =
 *     to the first frame listing a bench service; and `docker service ls` is timed as many times,
 *     alternating with the console starts;
 *   - figure 5: the console (recorder on, as by default, and once with --no-record) runs on its
 *     overview; after SETTLE seconds (default 40: the recorder's catch-up and the 30 s stability
 *     window of the versions it records), CPU (utime+stime from /proc/PID/stat) and RSS
 *     (/proc/PID/status) are read over WINDOW seconds (default 60), and the Engine API requests it
 *     makes are counted by a unix-socket proxy in front of the Docker socket (DOCKER_HOST points
 *     the console at it), with a breakdown per endpoint. Service events anyone caused in the window
 *     are counted too: on a shared daemon, other people's deployments are work for the console.
 * Every bench service is removed at the end.
 *
 *   node --import tsx bench/console-idle.ts [SMALL=10] [LARGE=50] [WINDOW=60] [SETTLE=40] [STARTS=5]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {randomBytes} from 'node:crypto';
import {dockerApiGet, filtersQuery} from '../test/support/docker-api.js';
import {ensureBuilt} from '../test/support/built-cli.js';
import {fixtureImageId, removeServices, testbed} from '../test/support/swarm.js';
import {startCountingProxy, type CountingProxy} from './counting-proxy.js';
import {ConsolePty, HEADER} from './console-pty.js';
import {countServiceEvents, DOCKER, loadAverage, must, printTable, sleep, stats, timed} from './kit.js';

const [small, large, windowS, settleS, starts] = [10, 50, 60, 40, 5].map((d, i) =>
  Number(process.argv[i + 2] ?? d),
) as [number, number, number, number, number];
const CLK_TCK = 100;

function cpuTicks(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of stat)
}

function rssMiB(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

async function mapLimit<T>(items: T[], limit: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({length: limit}, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

interface ApiServiceStatus {
  Spec: {Name: string};
  ServiceStatus?: {RunningTasks?: number};
}

async function createServices(names: string[], image: string): Promise<void> {
  await mapLimit(names, 8, (name) =>
    must(DOCKER, [
      'service',
      'create',
      '--quiet',
      '--detach',
      '--name',
      name,
      '--label',
      `${testbed.serviceLabel}=1`,
      '--replicas',
      '3',
      image,
    ]),
  );
  const deadline = Date.now() + 300_000;
  for (;;) {
    const services = await dockerApiGet<ApiServiceStatus[]>(
      `/services?status=true&${filtersQuery({label: [`${testbed.serviceLabel}=1`]})}`,
    );
    const running = new Map(services.map((s) => [s.Spec.Name, s.ServiceStatus?.RunningTasks ?? 0]));
    if (names.every((n) => running.get(n) === 3)) return;
    if (Date.now() > deadline) throw new Error('bench services did not all reach 3 running tasks');
    await sleep(1000);
  }
}

interface Idle {
  cpuPercent: number;
  rssEnd: number;
  rssMax: number;
  requestsPerS: number;
  breakdown: string;
  /** Service events in the swarm during the window (other people's activity on a shared daemon). */
  events: number;
  load: string;
}

async function idleRun(dir: string, proxy: CountingProxy, record: boolean, label: string): Promise<Idle> {
  const args = ['--db', `file:${dir}/idle-${label}.db`, ...(record ? [] : ['--no-record'])];
  const pty = await ConsolePty.start(dir, {args, env: {DOCKER_HOST: proxy.url}});
  try {
    const pid = await pty.pid();
    await pty.waitScreen('● connected', 60_000);
    await sleep(settleS * 1000);
    const load = loadAverage();
    const events = countServiceEvents();
    const t0 = performance.now();
    const ticks0 = cpuTicks(pid);
    let rssMax = 0;
    for (let s = 0; s < windowS; s++) {
      rssMax = Math.max(rssMax, rssMiB(pid));
      await sleep(1000);
    }
    const ticks1 = cpuTicks(pid);
    const t1 = performance.now();
    const eventCount = events.stop();
    const rssEnd = rssMiB(pid);
    const seconds = (t1 - t0) / 1000;
    const requests = proxy.requests.filter((r) => r.at >= t0 && r.at <= t1).length;
    const breakdown = [...proxy.breakdown(t0, t1)].map(([k, v]) => `${k} ×${v}`).join(', ');
    return {
      cpuPercent: ((ticks1 - ticks0) / CLK_TCK / seconds) * 100,
      rssEnd,
      rssMax: Math.max(rssMax, rssEnd),
      requestsPerS: requests / seconds,
      breakdown,
      events: eventCount,
      load,
    };
  } finally {
    await pty.stop();
  }
}

interface Startup {
  firstFrameMs: number[];
  /** CPU time (user + system) the console had used when its first frame was seen. */
  firstFrameCpuMs: number[];
  firstDataMs: number[];
  serviceLsMs: number[];
  load: string;
}

async function startupRuns(dir: string, names: string[]): Promise<Startup> {
  const result: Startup = {
    firstFrameMs: [],
    firstFrameCpuMs: [],
    firstDataMs: [],
    serviceLsMs: [],
    load: loadAverage(),
  };
  const db = `file:${dir}/startup.db`;
  for (let i = 0; i < starts; i++) {
    const ls = await timed(DOCKER, ['service', 'ls']);
    if (ls.code !== 0) throw new Error(`docker service ls: ${ls.stderr}`);
    result.serviceLsMs.push(ls.ms);
    const pty = await ConsolePty.start(dir, {args: ['--db', db], env: {DOCKER_HOST: 'unix:///var/run/docker.sock'}});
    try {
      const startedAt = await pty.startedAt();
      const pid = await pty.pid();
      const frame = await pty.waitOutput((text) => HEADER.test(text), 'the header');
      result.firstFrameCpuMs.push((cpuTicks(pid) * 1000) / CLK_TCK);
      const data = await pty.waitOutput(
        (text) => names.some((n) => text.includes(n.slice(0, 14))),
        'a bench service listed',
      );
      result.firstFrameMs.push(frame - startedAt);
      result.firstDataMs.push(data - startedAt);
    } finally {
      await pty.stop();
    }
  }
  return result;
}

await ensureBuilt();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dokroll-bench-'));
const prefix = `bench-idle-${randomBytes(2).toString('hex')}`;
const names = Array.from({length: large}, (_, i) => `${prefix}-${String(i + 1).padStart(2, '0')}`);
const proxy = await startCountingProxy(path.join(dir, 'docker.sock'));
const image = await fixtureImageId('v1');
const results: {size: number; others: number; startup: Startup; idle: Idle; idleNoRecord: Idle}[] = [];
try {
  let made = 0;
  for (const size of [small, large]) {
    process.stderr.write(`creating services ${made + 1}..${size} (${prefix}-*), 3 replicas each\n`);
    await createServices(names.slice(made, size), image);
    made = size;
    const all = await dockerApiGet<ApiServiceStatus[]>('/services');
    const others = all.filter((s) => !s.Spec.Name.startsWith(prefix)).length;
    const startup = await startupRuns(dir, names.slice(0, size));
    process.stderr.write(
      `  ${size} services: first frame ${stats(startup.firstFrameMs).median.toFixed(0)} ms, data ${stats(startup.firstDataMs).median.toFixed(0)} ms, docker service ls ${stats(startup.serviceLsMs).median.toFixed(0)} ms\n`,
    );
    const idle = await idleRun(dir, proxy, true, `${size}`);
    process.stderr.write(
      `  ${size} services, recorder on: ${idle.cpuPercent.toFixed(2)}% CPU, ${idle.rssEnd.toFixed(0)} MiB, ${idle.requestsPerS.toFixed(2)} req/s (${idle.breakdown})  ${idle.load}\n`,
    );
    const idleNoRecord = await idleRun(dir, proxy, false, `${size}-norec`);
    process.stderr.write(
      `  ${size} services, --no-record: ${idleNoRecord.cpuPercent.toFixed(2)}% CPU, ${idleNoRecord.rssEnd.toFixed(0)} MiB, ${idleNoRecord.requestsPerS.toFixed(2)} req/s (${idleNoRecord.breakdown})  ${idleNoRecord.load}\n`,
    );
    results.push({size, others, startup, idle, idleNoRecord});
  }

  console.log(
    `\nFigure 5 — the console idle on its overview, ${windowS} s window after ${settleS} s settling (3 replicas per service)`,
  );
  const rows: string[][] = [];
  for (const r of results) {
    for (const [mode, idle] of [
      ['recorder on', r.idle],
      ['--no-record', r.idleNoRecord],
    ] as const) {
      rows.push([
        `${r.size} bench services (+${r.others} others), ${mode}`,
        `${idle.cpuPercent.toFixed(2)} %`,
        `${idle.rssEnd.toFixed(0)} MiB (max ${idle.rssMax.toFixed(0)})`,
        idle.requestsPerS.toFixed(2),
        String(idle.events),
        idle.load,
      ]);
    }
  }
  printTable(['', 'CPU (one core)', 'RSS', 'API requests/s', "others' service events", 'load'], rows);
  for (const r of results) {
    console.log(`  requests in the window, ${r.size} services, recorder on: ${r.idle.breakdown}`);
    console.log(`  requests in the window, ${r.size} services, --no-record: ${r.idleNoRecord.breakdown}`);
  }
  console.log(`\nFigure 6 — time to first frame (${starts} starts per size, alternating with docker service ls)`);
  printTable(
    ['', 'first frame (header)', 'CPU used by then', 'services listed', 'docker service ls', 'load'],
    results.map((r) => [
      `${r.size} bench services (+${r.others} others)`,
      `${stats(r.startup.firstFrameMs).median.toFixed(0)} ms (max ${stats(r.startup.firstFrameMs).max.toFixed(0)})`,
      `${stats(r.startup.firstFrameCpuMs).median.toFixed(0)} ms`,
      `${stats(r.startup.firstDataMs).median.toFixed(0)} ms (max ${stats(r.startup.firstDataMs).max.toFixed(0)})`,
      `${stats(r.startup.serviceLsMs).median.toFixed(0)} ms (max ${stats(r.startup.serviceLsMs).max.toFixed(0)})`,
      r.startup.load,
    ]),
  );
} finally {
  process.stderr.write('removing the bench services\n');
  for (let i = 0; i < names.length; i += 25)
    await removeServices(names.slice(i, i + 25)).catch((error: unknown) => console.error(`cleanup: ${String(error)}`));
  await proxy.close();
  fs.rmSync(dir, {recursive: true, force: true});
}
