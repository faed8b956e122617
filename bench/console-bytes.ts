/**
 * What the console costs the terminal: it runs the built console in a real pseudo-terminal (tmux,
 * 100x30, with `script` logging every byte the console writes and when), against N services of the
 * local swarm, and prints:
 *   - time to first frame (header drawn) and to the first data (the services listed);
 *   - bytes per second while idle, on the overview and on a service's task view (tasks older than a
 *     minute, and with a task younger than a minute, whose age changes every second);
 *   - bytes and writes while a watched service scales 1 -> 2 (one new task going through its states);
 * once with Ink's incremental rendering (the default) and once with its full redraw
 * (DOKROLL_FULL_REDRAW=1), for comparison. Prints figures; asserts nothing.
 *
 *   npm run build && node --import tsx bench/console-bytes.ts [N=10] [IDLE_SECONDS=10]
 *
 * Needs the test bed (scripts/testbed.sh). Services are named bench-*, labelled dokroll.test=1 and
 * removed at the end. Other services of the swarm are shown too: activity there is measured as well.
 */
import {execFile, execFileSync} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {connect} from '../source/docker/gateway.js';
import {Recorder} from '../source/services/recorder.js';
import {openStore} from '../source/store/index.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = path.join(ROOT, 'dist', 'cli', 'main.js');
const DOCKER = '/usr/bin/docker';
const count = Number(process.argv[2] ?? 10);
const idleSeconds = Number(process.argv[3] ?? 10);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function run(file: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      {env: {...process.env, ...env}, encoding: 'utf8', timeout: 120_000},
      (error, stdout, stderr) =>
        error
          ? reject(new Error(`${path.basename(file)} ${args.slice(0, 3).join(' ')}: ${stderr || error.message}`))
          : resolve(stdout),
    );
  });
}

async function until<T>(probe: () => T | Promise<T>, what: string, timeoutMs = 60_000): Promise<NonNullable<T>> {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

class Terminal {
  private readonly socket = `dokroll-bench-${process.pid}-${randomBytes(3).toString('hex')}`;
  readonly log: string;
  readonly timing: string;
  startedAt = 0;

  constructor(dir: string, label: string) {
    this.log = path.join(dir, `${label}.out`);
    this.timing = path.join(dir, `${label}.timing`);
  }

  private tmux(args: string[]): Promise<string> {
    return run('tmux', ['-L', this.socket, '-f', '/dev/null', ...args]);
  }

  async start(command: string, env: Record<string, string>): Promise<void> {
    const envArgs = Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
    const script = `script -q -f -T ${this.timing} -O ${this.log} -c '${command}'; sleep 3600`;
    this.startedAt = Date.now();
    await this.tmux(['new-session', '-d', '-s', 'b', '-x', '100', '-y', '30', '-c', ROOT, ...envArgs, script]);
  }

  bytes(): number {
    try {
      return fs.statSync(this.log).size;
    } catch {
      return 0;
    }
  }

  /** Writes the console made so far (chunks `script` read from the terminal). */
  writes(): number {
    try {
      return fs
        .readFileSync(this.timing, 'utf8')
        .split('\n')
        .filter((l) => /^\d/.test(l)).length;
    } catch {
      return 0;
    }
  }

  screen(): Promise<string> {
    return this.tmux(['capture-pane', '-p', '-t', 'b']).catch(() => '');
  }

  async waitScreen(text: string, timeoutMs = 60_000): Promise<number> {
    await until(async () => (await this.screen()).includes(text), `"${text}" on screen`, timeoutMs);
    return Date.now() - this.startedAt;
  }

  keys(...keys: string[]) {
    return this.tmux(['send-keys', '-t', 'b', ...keys]);
  }

  type(text: string) {
    return this.tmux(['send-keys', '-t', 'b', '-l', text]);
  }

  kill() {
    return this.tmux(['kill-server']).catch(() => undefined);
  }
}

/** Bytes and writes during `ms`. */
async function measure(term: Terminal, ms: number): Promise<{bytes: number; writes: number}> {
  const [b0, w0] = [term.bytes(), term.writes()];
  await sleep(ms);
  return {bytes: term.bytes() - b0, writes: term.writes() - w0};
}

/** Waits until the console has written nothing for `quietMs`. */
async function settle(term: Terminal, quietMs = 1500, timeoutMs = 30_000): Promise<void> {
  const started = Date.now();
  let last = term.bytes();
  let since = Date.now();
  while (Date.now() - started < timeoutMs) {
    await sleep(100);
    const now = term.bytes();
    if (now !== last) [last, since] = [now, Date.now()];
    else if (Date.now() - since >= quietMs) return;
  }
}

interface Figures {
  firstFrameMs: number;
  firstDataMs: number;
  idleOverview: number;
  idleService: number;
  idleYoung: number;
  scaleBytes: number;
  scaleWrites: number;
}

async function runMode(
  label: string,
  env: Record<string, string>,
  dir: string,
  db: string,
  names: string[],
  watchedSince: number,
): Promise<Figures> {
  const term = new Terminal(dir, label);
  const watched = names[0]!;
  try {
    await term.start(`node ${CLI} --db ${db} --no-record`, env);
    const firstFrameMs = await until(
      () =>
        fs.existsSync(term.log) && fs.readFileSync(term.log, 'utf8').includes('dokroll')
          ? Date.now() - term.startedAt
          : 0,
      'the first frame',
    );
    const firstDataMs = await term.waitScreen(names[names.length - 1]!);
    await settle(term);
    const idleOverview = await measure(term, idleSeconds * 1000);

    await term.type(`/${watched}`);
    await term.keys('Enter');
    await term.waitScreen(`› ${watched}`);
    await term.keys('Enter');
    await term.waitScreen('✔ healthy');
    // Task ages tick every second during a task's first minute: measure idle past it.
    await sleep(Math.max(0, watchedSince + 65_000 - Date.now()));
    await settle(term);
    const idleService = await measure(term, idleSeconds * 1000);

    const [b0, w0] = [term.bytes(), term.writes()];
    await run(DOCKER, ['service', 'scale', '--detach', `${watched}=2`]);
    await until(async () => ((await term.screen()).match(/✔ healthy/g) ?? []).length >= 3, 'the second task healthy');
    await settle(term, 1500);
    const scaleBytes = term.bytes() - b0;
    const scaleWrites = term.writes() - w0;
    // Now with a task less than a minute old: its age ("running 12s") changes every second.
    const idleYoung = await measure(term, idleSeconds * 1000);
    await run(DOCKER, ['service', 'scale', '--detach', `${watched}=1`]);
    await term.keys('q');
    await sleep(500);
    return {
      firstFrameMs,
      firstDataMs,
      idleOverview: idleOverview.bytes / idleSeconds,
      idleService: idleService.bytes / idleSeconds,
      idleYoung: idleYoung.bytes / idleSeconds,
      scaleBytes,
      scaleWrites,
    };
  } finally {
    await term.kill();
  }
}

async function main(): Promise<void> {
  if (!fs.existsSync(CLI)) throw new Error('dist/cli/main.js is missing: run `npm run build` first');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dokroll-bench-'));
  const db = `file:${dir}/history.db`;
  const prefix = `bench-${randomBytes(2).toString('hex')}`;
  const names = Array.from({length: count}, (_, i) => `${prefix}-${String(i + 1).padStart(2, '0')}`);
  const image = execFileSync(DOCKER, ['image', 'inspect', '-f', '{{.Id}}', 'dokroll-fixture:v1'], {
    encoding: 'utf8',
  }).trim();
  const gateway = await connect({env: {}});
  const store = await openStore({url: db, env: {}});
  try {
    process.stderr.write(`creating ${count} services ${prefix}-*\n`);
    for (const [i, name] of names.entries()) {
      const health =
        i === 0
          ? ['--health-cmd', 'timeout 2 wget -q -O- http://127.0.0.1:8080/health', '--health-interval', '1s']
          : [];
      await run(DOCKER, [
        'service',
        'create',
        '--quiet',
        '--detach',
        '--name',
        name,
        '--label',
        'dokroll.test=1',
        ...health,
        image,
      ]);
    }
    await until(
      async () => {
        const services = await gateway.listServices();
        return names.every((n) => services.find((s) => s.Spec.Name === n)?.ServiceStatus?.RunningTasks === 1);
      },
      'every bench service running',
      120_000,
    );
    const watchedSince = Date.now();
    const recorder = new Recorder(gateway, store);
    for (const name of names) await recorder.recordNow(await gateway.inspectService(name), 'snapshot');

    const incremental = await runMode('incremental', {}, dir, db, names, watchedSince);
    const full = await runMode('full', {DOKROLL_FULL_REDRAW: '1'}, dir, db, names, watchedSince);

    const rows: [string, (f: Figures) => string][] = [
      ['time to first frame (ms)', (f) => String(f.firstFrameMs)],
      [`time to ${count} services listed (ms)`, (f) => String(f.firstDataMs)],
      [`idle, overview of ${count}+ services (B/s)`, (f) => f.idleOverview.toFixed(1)],
      ['idle, task view, tasks > 1 min old (B/s)', (f) => f.idleService.toFixed(1)],
      ['idle, task view, a task < 1 min old (B/s)', (f) => f.idleYoung.toFixed(1)],
      ['scale 1 -> 2 on the task view: bytes', (f) => String(f.scaleBytes)],
      ['scale 1 -> 2: screen writes', (f) => String(f.scaleWrites)],
      [
        'scale 1 -> 2: bytes per write',
        (f) => (f.scaleWrites ? Math.round(f.scaleBytes / f.scaleWrites) : 0).toString(),
      ],
    ];
    const width = Math.max(...rows.map(([name]) => name.length));
    console.log(
      `console bytes, 100x30 terminal, ${count} bench services (+ whatever else runs in the swarm), idle windows ${idleSeconds} s`,
    );
    console.log(`${''.padEnd(width)}  ${'incremental'.padStart(12)}  ${'full redraw'.padStart(12)}`);
    for (const [name, value] of rows)
      console.log(`${name.padEnd(width)}  ${value(incremental).padStart(12)}  ${value(full).padStart(12)}`);
  } finally {
    await run(DOCKER, ['service', 'rm', ...names]).catch(() => undefined);
    gateway.close();
    store.close();
    fs.rmSync(dir, {recursive: true, force: true});
  }
}

await main();
