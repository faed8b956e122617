/**
 * The built console in a real terminal for benchmarks: a tmux session (own server socket, 100x30
 * by default) runs `script`, which runs the console on a pseudo-terminal and copies every byte the
 * console writes, as it writes it, into a FIFO this process reads. So each output chunk gets the
 * time it left the console (within a millisecond), which `tmux capture-pane` polling cannot give.
 * Also known: the console's PID (for /proc) and the moment just before `node` started (epoch ns,
 * written by the shell that then execs node), for time to first frame.
 */
import {execFile} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {performance} from 'node:perf_hooks';
import {REPO_ROOT} from '../test/support/testbed.js';
import {sleep} from './kit.js';

export interface Chunk {
  /** Epoch ms (sub-millisecond) when the chunk was read from the FIFO. */
  at: number;
  data: string;
}

/** The console's header line (first frame): "dokroll ◌ connecting", "dokroll ● connected …". */
export const HEADER = /dokroll \S+ (connect|connection)/;

/** Epoch ms with sub-millisecond precision. */
export const epochMs = () => performance.timeOrigin + performance.now();

/** Text of terminal output: colours dropped, every cursor movement or erase turned into a line break. */
export function screenText(data: string): string {
  return data
    .replace(/\u001b\[[0-9;?]*m/g, '')
    .replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '\n')
    .replace(/\u001b[()][A-Za-z0-9]/g, '')
    .replace(/\r/g, '\n');
}

function run(file: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, {encoding: 'utf8', timeout: 20_000}, (error, stdout, stderr) =>
      error ? reject(new Error(`${file} ${args.slice(0, 4).join(' ')}: ${stderr || error.message}`)) : resolve(stdout),
    );
  });
}

const quote = (word: string) => (/^[A-Za-z0-9_./:=@%+,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`);

export interface ConsoleRunOptions {
  /** Arguments after `node dist/cli/main.js`. */
  args: string[];
  /** Arguments for node itself (e.g. --cpu-prof). */
  nodeArgs?: string[];
  /** Another build of the CLI to run (default dist/cli/main.js), for before/after comparisons. */
  cli?: string;
  env?: Record<string, string>;
  columns?: number;
  rows?: number;
}

export class ConsolePty {
  readonly chunks: Chunk[] = [];
  private readonly socket = `dokroll-bench-${process.pid}-${randomBytes(3).toString('hex')}`;
  private readonly fifo: string;
  private readonly pidFile: string;
  private readonly startFile: string;
  private reader: fs.ReadStream | null = null;
  private pidValue: number | null = null;

  private constructor(dir: string) {
    this.fifo = path.join(dir, `out-${this.socket}.fifo`);
    this.pidFile = path.join(dir, `pid-${this.socket}`);
    this.startFile = path.join(dir, `start-${this.socket}`);
  }

  /** Starts the console; resolves once the FIFO is open (the console may not have drawn yet). */
  static async start(dir: string, opts: ConsoleRunOptions): Promise<ConsolePty> {
    const pty = new ConsolePty(dir);
    await run('mkfifo', [pty.fifo]);
    const reader = fs.createReadStream(pty.fifo);
    pty.reader = reader;
    // Listen at once: the writer (script) may open the FIFO before tmux even returns.
    const opened = new Promise<void>((resolve, reject) => {
      reader.once('open', () => resolve());
      reader.once('error', reject);
    });
    let header = true;
    reader.on('data', (data: Buffer | string) => {
      let text = data.toString();
      // `script` writes a "Script started on … [COMMAND=…]" line first: not the console's output.
      if (header) {
        header = false;
        if (text.startsWith('Script started')) text = text.slice(text.indexOf('\n') + 1);
        if (text === '') return;
      }
      pty.chunks.push({at: epochMs(), data: text});
    });
    reader.on('error', () => undefined);
    const cli = opts.cli ?? path.join(REPO_ROOT, 'dist', 'cli', 'main.js');
    const inner = `echo $$ > ${quote(pty.pidFile)}; date +%s%N > ${quote(pty.startFile)}; exec node ${[...(opts.nodeArgs ?? []), cli, ...opts.args].map(quote).join(' ')}`;
    const command = `script -q -f -O ${quote(pty.fifo)} -c ${quote(inner)}; sleep 3600`;
    const envArgs = Object.entries(opts.env ?? {}).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
    await pty.tmux([
      'new-session',
      '-d',
      '-s',
      'b',
      '-x',
      String(opts.columns ?? 100),
      '-y',
      String(opts.rows ?? 30),
      '-c',
      REPO_ROOT,
      ...envArgs,
      command,
    ]);
    await opened;
    return pty;
  }

  private tmux(args: string[]): Promise<string> {
    return run('tmux', ['-L', this.socket, '-f', '/dev/null', ...args]);
  }

  /** PID of the console's node process. */
  async pid(): Promise<number> {
    if (this.pidValue !== null) return this.pidValue;
    for (let i = 0; i < 400; i++) {
      const text = fs.existsSync(this.pidFile) ? fs.readFileSync(this.pidFile, 'utf8').trim() : '';
      if (/^\d+$/.test(text)) return (this.pidValue = Number(text));
      await sleep(25);
    }
    throw new Error('the console did not start');
  }

  /** Epoch ms just before `node` was exec'd. */
  async startedAt(): Promise<number> {
    for (let i = 0; i < 400; i++) {
      const text = fs.existsSync(this.startFile) ? fs.readFileSync(this.startFile, 'utf8').trim() : '';
      if (/^\d{19}$/.test(text)) return Number(BigInt(text) / 1000n) / 1000;
      await sleep(25);
    }
    throw new Error('the console did not start');
  }

  /** Bytes written so far. */
  bytes(since = 0): number {
    let total = 0;
    for (const chunk of this.chunks) if (chunk.at >= since) total += Buffer.byteLength(chunk.data);
    return total;
  }

  /** Output chunks in [from, to). */
  between(from: number, to = Infinity): Chunk[] {
    return this.chunks.filter((c) => c.at >= from && c.at < to);
  }

  /** Epoch ms of the first chunk (from `since`) after which the output so far matches `test`. */
  async waitOutput(test: (text: string) => boolean, what: string, timeoutMs = 60_000, since = 0): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    let checked = 0;
    let text = '';
    for (;;) {
      const chunks = this.chunks.filter((c) => c.at >= since);
      for (; checked < chunks.length; checked++) {
        text += screenText(chunks[checked]!.data);
        if (test(text)) return chunks[checked]!.at;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} in the console's output`);
      await sleep(10);
    }
  }

  screen(): Promise<string> {
    return this.tmux(['capture-pane', '-p', '-t', 'b']).catch(() => '');
  }

  async waitScreen(test: string | RegExp, timeoutMs = 60_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const screen = await this.screen();
      if (typeof test === 'string' ? screen.includes(test) : test.test(screen)) return screen;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(test)} on the screen:\n${screen}`);
      await sleep(50);
    }
  }

  keys(...keys: string[]): Promise<string> {
    return this.tmux(['send-keys', '-t', 'b', ...keys]);
  }

  type(text: string): Promise<string> {
    return this.tmux(['send-keys', '-t', 'b', '-l', text]);
  }

  /** Quits the console (q), then ends the tmux server. */
  async stop(): Promise<void> {
    await this.keys('q').catch(() => undefined);
    const pid = this.pidValue;
    for (let i = 0; i < 40 && pid !== null && fs.existsSync(`/proc/${pid}`); i++) await sleep(50);
    await this.tmux(['kill-server']).catch(() => undefined);
    this.reader?.destroy();
    for (const file of [this.fifo, this.pidFile, this.startFile]) fs.rmSync(file, {force: true});
  }
}
