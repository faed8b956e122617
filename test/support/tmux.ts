/**
 * A real terminal for end-to-end tests: a detached tmux session (on its own tmux server socket, so
 * nothing else's sessions are touched) running a command, keys sent with send-keys, the screen read
 * with capture-pane. The command is wrapped so that when it exits its status stays on screen
 * (`[exited N]`) instead of the session vanishing.
 */
import {execFile} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import {writeFile} from 'node:fs/promises';
import {REPO_ROOT} from './testbed.js';

const TMUX = 'tmux';

export interface TmuxOptions {
  /** Default 100 x 30. */
  columns?: number;
  rows?: number;
  /** Extra environment for the command. */
  env?: Record<string, string>;
  /** Default: the repository root. */
  cwd?: string;
}

export interface WaitScreenOptions {
  timeoutMs?: number;
  intervalMs?: number;
}

function run(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(TMUX, args, {encoding: 'utf8', timeout: 10_000}, (error, stdout, stderr) => {
      if (error) reject(new Error(`tmux ${args.slice(0, 4).join(' ')} failed: ${stderr || error.message}`));
      else resolve(stdout);
    });
  });
}

/** Single-quotes a word for sh. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

export class TmuxSession {
  private constructor(
    readonly socket: string,
    readonly name: string,
  ) {}

  /** Starts `command` (argv) in a new detached session. */
  static async start(command: string[], opts: TmuxOptions = {}): Promise<TmuxSession> {
    const id = randomBytes(4).toString('hex');
    const session = new TmuxSession(`dokroll-test-${process.pid}-${id}`, `t${id}`);
    const envArgs = Object.entries(opts.env ?? {}).flatMap(([key, value]) => ['-e', `${key}=${value}`]);
    const line = `${command.map(shellQuote).join(' ')}; echo "[exited $?]"; sleep 86400`;
    await session.tmux([
      'new-session',
      '-d',
      '-s',
      session.name,
      '-x',
      String(opts.columns ?? 100),
      '-y',
      String(opts.rows ?? 30),
      '-c',
      opts.cwd ?? REPO_ROOT,
      ...envArgs,
      line,
    ]);
    return session;
  }

  private tmux(args: string[]): Promise<string> {
    return run(['-L', this.socket, '-f', '/dev/null', ...args]);
  }

  /** Named keys as tmux knows them: Enter, Down, Up, Escape, Tab, C-c, or single characters. */
  async keys(...keys: string[]): Promise<void> {
    await this.tmux(['send-keys', '-t', this.name, ...keys]);
  }

  /** Types text literally. */
  async type(text: string): Promise<void> {
    await this.tmux(['send-keys', '-t', this.name, '-l', text]);
  }

  /** Resizes the window, as a terminal emulator does when its window is resized. */
  async resize(columns: number, rows: number): Promise<void> {
    await this.tmux(['resize-window', '-t', this.name, '-x', String(columns), '-y', String(rows)]);
  }

  /** Writes straight to the terminal, as another program sharing it would (bypassing the command). */
  async scribble(text: string): Promise<void> {
    const tty = (await this.tmux(['display-message', '-p', '-t', this.name, '#{pane_tty}'])).trim();
    await writeFile(tty, text);
  }

  /** The visible screen, plain text. */
  async screen(): Promise<string> {
    return this.tmux(['capture-pane', '-p', '-t', this.name]);
  }

  /** The visible screen with its colours and attributes as escape sequences (capture-pane -e). */
  async styledScreen(): Promise<string> {
    return this.tmux(['capture-pane', '-p', '-e', '-t', this.name]);
  }

  /** Polls the screen until `match` shows; the timeout error quotes the last screen. */
  async waitFor(match: string | RegExp | ((screen: string) => boolean), opts: WaitScreenOptions = {}): Promise<string> {
    const timeoutMs = opts.timeoutMs ?? 15_000;
    const started = Date.now();
    const test = (s: string) =>
      typeof match === 'string' ? s.includes(match) : match instanceof RegExp ? match.test(s) : match(s);
    for (;;) {
      const last = await this.screen().catch((error: Error) => `(no screen: ${error.message})`);
      if (test(last)) return last;
      if (Date.now() - started > timeoutMs) {
        throw new Error(
          `Timed out after ${timeoutMs} ms waiting for ${String(match)} on the terminal. Screen:\n${last}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, opts.intervalMs ?? 100));
    }
  }

  /** The pane's title (what an OSC 0/2 sequence written to the terminal would change). */
  async paneTitle(): Promise<string> {
    return (await this.tmux(['display-message', '-p', '-t', this.name, '#{pane_title}'])).trim();
  }

  /** Appends every byte the program writes to the terminal from now on to `file`. */
  async recordOutput(file: string): Promise<void> {
    await this.tmux(['pipe-pane', '-o', '-t', this.name, `cat >> ${shellQuote(file)}`]);
  }

  /** Ends the session and its tmux server. */
  async kill(): Promise<void> {
    await this.tmux(['kill-server']).catch(() => undefined);
  }
}
