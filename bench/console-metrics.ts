/**
 * What the console costs with its operator tools on: the built console in a real terminal (tmux,
 * 80x24, every byte it writes recorded with pipe-pane), its CPU (utime + stime of its process from
 * /proc) and the bytes it writes per second, in four windows:
 *   (a) idle on the services list (nothing changing);
 *   (b) during a rollback's health watch (spinner, elapsed and watch clocks ticking, the new tasks'
 *       CPU/memory sampled every second, their log tail);
 *   (c) the logs view following a service that logs a line a second per task;
 *   (d) the tasks view with CPU and memory sampled every second.
 * Prints figures; asserts nothing.
 *
 *   npm run build && node --import tsx bench/console-metrics.ts [WINDOW_SECONDS=15]
 *
 * Needs the test bed (scripts/testbed.sh). Its service is named bench-metrics-*, labelled
 * dokroll.test=1 and removed at the end.
 */
import {execFileSync} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {connect} from '../source/docker/gateway.js';
import {Recorder} from '../source/services/recorder.js';
import {openStore} from '../source/store/index.js';
import {REPO_ROOT} from '../test/support/testbed.js';
import {TmuxSession} from '../test/support/tmux.js';
import {DOCKER, loadAverage, must, printTable, sleep} from './kit.js';

const CLI = path.join(REPO_ROOT, 'dist', 'cli', 'main.js');
const windowSeconds = Number(process.argv[2] ?? 15);
const TICKS = 100; // clock ticks per second in /proc/PID/stat
const SCRIPT = `trap 'exit 0' TERM; echo "started $LABEL"; n=0; while :; do n=$((n+1)); echo "$LABEL tick $n"; sleep 1 & wait $!; done`;

/** CPU seconds (user + system) of a process so far. */
function cpuSeconds(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS;
}

/** The console's node process: the one running the CLI on this benchmark's database. */
function consolePid(db: string): number {
  const out = execFileSync('ps', ['-eo', 'pid=,args='], {encoding: 'utf8'});
  const line = out.split('\n').find((l) => l.includes(CLI) && l.includes(db) && !l.includes('sh -c'));
  if (!line) throw new Error('the console process was not found');
  return Number(line.trim().split(/\s+/)[0]);
}

interface Window {
  cpuPercent: number;
  bytesPerSecond: number;
}

async function measure(pid: number, log: string, seconds: number): Promise<Window> {
  const size = () => (fs.existsSync(log) ? fs.statSync(log).size : 0);
  const [c0, b0, t0] = [cpuSeconds(pid), size(), Date.now()];
  await sleep(seconds * 1000);
  const elapsed = (Date.now() - t0) / 1000;
  return {cpuPercent: ((cpuSeconds(pid) - c0) / elapsed) * 100, bytesPerSecond: (size() - b0) / elapsed};
}

async function main(): Promise<void> {
  if (!fs.existsSync(CLI)) throw new Error('dist/cli/main.js is missing: run `npm run build` first');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dokroll-bench-metrics-'));
  const db = path.join(dir, 'history.db');
  const log = path.join(dir, 'terminal.out');
  const name = `bench-metrics-${randomBytes(2).toString('hex')}`;
  const gateway = await connect({env: {}});
  const store = await openStore({url: `file:${db}`, env: {}});
  let term: TmuxSession | null = null;
  try {
    const image = execFileSync(DOCKER, ['image', 'inspect', '-f', '{{.Id}}', 'dokroll-fixture:v1'], {
      encoding: 'utf8',
    }).trim();
    await must(DOCKER, [
      'service',
      'create',
      '--quiet',
      '--detach=false',
      '--name',
      name,
      '--label',
      'dokroll.test=1',
      '--replicas',
      '2',
      '--update-parallelism',
      '2',
      '--update-order',
      'start-first',
      '--update-monitor',
      '1s',
      '--stop-grace-period',
      '2s',
      '--env',
      'LABEL=one',
      '--entrypoint',
      'sh',
      image,
      '-c',
      SCRIPT,
    ]);
    const recorder = new Recorder(gateway, store);
    await recorder.recordNow(await gateway.inspectService(name), 'snapshot');
    await must(DOCKER, ['service', 'update', '--quiet', '--detach=false', '--env-add', 'LABEL=two', name]);
    await recorder.recordNow(await gateway.inspectService(name), 'snapshot');

    term = await TmuxSession.start(['node', CLI, '--db', db, '--no-record', '--service', name], {
      columns: 80,
      rows: 24,
      env: {DOCKER_HOST: 'unix:///var/run/docker.sock', DOKROLL_WATCH_SECONDS: String(windowSeconds + 10)},
    });
    await term.recordOutput(log);
    await term.waitFor(/2\/2 v2/, {timeoutMs: 30_000});
    const pid = consolePid(db);
    await sleep(3_000);
    const idle = await measure(pid, log, windowSeconds);

    // (d) the tasks view, stats sampled every second.
    await term.keys('Enter');
    await term.waitFor(/ %\s+[\d.]+[KMG]iB/, {timeoutMs: 20_000});
    await sleep(2_000);
    const tasks = await measure(pid, log, windowSeconds);

    // (c) the logs view following the service (two tasks, a line a second each).
    await term.keys('l');
    await term.waitFor(/two tick \d+/, {timeoutMs: 20_000});
    await sleep(2_000);
    const logs = await measure(pid, log, windowSeconds);

    // (b) a rollback to v1, measured during its health watch.
    await term.keys('Escape', 'Escape');
    await term.keys('h');
    await term.waitFor(/v1 /, {timeoutMs: 20_000});
    await term.keys('Down', 'r');
    await term.waitFor('pre-flight passed', {timeoutMs: 30_000});
    await term.keys('Down', 'Enter');
    await term.waitFor(/health watch: .* pending/, {timeoutMs: 90_000});
    await term.waitFor(/new tasks: cpu [\d.]+ %/, {timeoutMs: 20_000});
    const watch = await measure(pid, log, windowSeconds);

    await term.keys('q');
    const rows: [string, Window][] = [
      ['(a) idle, services list', idle],
      ['(b) health watch: clocks, stats, log tail', watch],
      ['(c) logs view following', logs],
      ['(d) tasks view with CPU/memory', tasks],
    ];
    printTable(
      ['80x24, one service of 2 tasks logging a line a second', 'CPU (one core)', 'bytes/s'],
      rows.map(([label, w]) => [label, `${w.cpuPercent.toFixed(2)} %`, w.bytesPerSecond.toFixed(0)]),
    );
    console.log(`windows of ${windowSeconds} s; load average ${loadAverage()}`);
  } finally {
    await term?.kill();
    await must(DOCKER, ['service', 'rm', name]).catch(() => undefined);
    gateway.close();
    store.close();
    fs.rmSync(dir, {recursive: true, force: true});
  }
}

await main();
