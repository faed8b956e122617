/**
 * Starts the console on a terminal: alternate screen in, Ink with incremental rendering and a frame
 * rate cap, and the terminal put back (cursor shown, main screen) however it ends — quit, Ctrl-C,
 * SIGTERM, SIGHUP or a crash.
 */
// First: must run before Ink is loaded (see interactive-env.ts).
import './interactive-env.js';
import {render} from 'ink';
import {terminalSafe} from '../shared/terminal-text.js';
import {DokrollError, EXIT} from '../shared/errors.js';
import type {ConsoleModel} from '../services/console-model.js';
import {App} from './App.js';
import {inkStdout} from './ink-stdout.js';
import {colorEnabled} from './theme/tone.js';
import {errorText} from '../shared/errors.js';

export interface RunConsoleOptions {
  stdin?: NodeJS.ReadStream;
  stdout?: NodeJS.WriteStream;
  stderr?: NodeJS.WriteStream;
  /** --no-color; NO_COLOR in `env` is honoured as well. */
  noColor?: boolean;
  env?: NodeJS.ProcessEnv;
  /** Frame rate cap (default 30: a change never waits more than ~33 ms behind the previous frame). */
  maxFps?: number;
  /** Ink's incremental rendering, only changed lines written (default true; false for comparisons). */
  incrementalRendering?: boolean;
  /** Ink prints console.* output above the frame (default true; tests turn it off). */
  patchConsole?: boolean;
  /**
   * Something the console cannot run without, still being prepared when it starts (the history
   * store): if it rejects, the console ends, the screen is restored, and the error is printed as
   * one line with its exit code (2 for a history file that cannot be used).
   */
  fatal?: Promise<unknown>;
}

/**
 * Alternate screen in, then a terminal state we can draw on whatever was left before (a program
 * killed with -9, a cat of a binary file): attributes reset, no scroll region, origin mode and insert
 * mode off, autowrap on, the screen cleared and the cursor home. Ink hides the cursor itself.
 */
export const ENTER_ALT_SCREEN = '\u001b[?1049h\u001b[0m\u001b[r\u001b[?6l\u001b[4l\u001b[?7h\u001b[H\u001b[2J';
export const LEAVE_ALT_SCREEN = '\u001b[?25h\u001b[?1049l';

/** Why the console cannot run on these streams, or null. Check it before connecting to anything. */
export function terminalProblem(stdin: {isTTY?: boolean}, stdout: {isTTY?: boolean}): string | null {
  const missing = !stdin.isTTY ? 'stdin' : !stdout.isTTY ? 'stdout' : null;
  if (!missing) return null;
  return [
    `the console needs an interactive terminal, and ${missing} is not one.`,
    "For scripts and pipes use the headless commands (history, diff, snapshot, rollback, …): run 'dokroll-tui --help'.",
  ].join('\n');
}

const SIGNAL_EXIT: Partial<Record<NodeJS.Signals, number>> = {SIGTERM: 143, SIGHUP: 129, SIGINT: 130};

/**
 * Runs the console until the operator quits. Resolves to the exit code: 0 on quit, 2 when there is
 * no terminal, 1 after a crash, 128+n after a signal.
 */
export async function runConsole(model: ConsoleModel, opts: RunConsoleOptions = {}): Promise<number> {
  const stdin = opts.stdin ?? process.stdin;
  const stdout = opts.stdout ?? process.stdout;
  const stderr = opts.stderr ?? process.stderr;
  const problem = terminalProblem(stdin, stdout);
  if (problem) {
    stderr.write(`dokroll-tui: ${problem}\n`);
    return EXIT.badInput;
  }

  // After a hang-up, writing to the terminal throws (EIO): nothing here may throw, or a signal or
  // crash handler would never finish and the process would linger.
  const write = (stream: NodeJS.WriteStream, text: string) => {
    try {
      stream.write(text);
    } catch {
      // The terminal is gone; there is nothing left to restore or tell.
    }
  };
  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    write(stdout, LEAVE_ALT_SCREEN);
  };

  write(stdout, ENTER_ALT_SCREEN);
  const instance = render(<App model={model} color={colorEnabled({noColor: opts.noColor, env: opts.env})} />, {
    stdin,
    stdout: inkStdout(stdout),
    stderr,
    exitOnCtrlC: false,
    patchConsole: opts.patchConsole ?? true,
    incrementalRendering: opts.incrementalRendering ?? true,
    maxFps: opts.maxFps ?? 30,
  });

  let finish: (code: number) => void = () => {};
  const ended = new Promise<number>((resolve) => {
    finish = resolve;
  });
  let stopping = false;
  const stop = (code: number, error?: unknown, crashed = true) => {
    if (stopping) return;
    stopping = true;
    finish(code);
    try {
      instance.unmount();
    } catch {
      // Already gone, or the terminal is: it still needs restoring where possible.
    }
    restore();
    if (error !== undefined && !crashed) {
      write(stderr, `dokroll-tui: ${terminalSafe(errorText(error))}\n`);
    } else if (error !== undefined) {
      const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
      // A stack has lines of its own; each is shown escaped.
      write(stderr, `dokroll-tui: the console crashed: ${text.split('\n').map(terminalSafe).join('\n')}\n`);
    }
  };

  const onSignal = (signal: NodeJS.Signals) => stop(SIGNAL_EXIT[signal] ?? 1);
  const onCrash = (error: unknown) => stop(EXIT.failed, error);
  const signals = Object.keys(SIGNAL_EXIT) as NodeJS.Signals[];
  for (const signal of signals) process.on(signal, onSignal);
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  process.on('exit', restore);

  opts.fatal?.catch((error: unknown) =>
    stop(error instanceof DokrollError ? error.exitCode : EXIT.failed, error, false),
  );
  instance.waitUntilExit().then(
    () => stop(EXIT.ok),
    (error: unknown) => stop(EXIT.failed, error),
  );

  try {
    return await ended;
  } finally {
    for (const signal of signals) process.off(signal, onSignal);
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
    process.off('exit', restore);
    model.watchService(null);
    model.watchStats(null);
  }
}
