/**
 * The CLI's front door: pick the command, parse its flags, run it, and turn every operator-facing
 * error into one clear line and its exit code. Anything else is a bug: say so, briefly, exit 1.
 */
import {z} from 'zod';
import {ConfigError} from '../config/errors.js';
import {DokrollError, EXIT, errorText} from '../shared/errors.js';
import {terminalSafe} from '../shared/terminal-text.js';
import {parseCommandArgs, splitCommand, UsageError} from './args.js';
import type {Command} from './command.js';
import {CommandContext, type Io} from './context.js';
import {COMMANDS} from './commands/index.js';
import {commandHelp, GLOBAL_OPTION_LINES} from './help.js';
import {refuseWhenReadOnly} from './read-only.js';

const VERSION = '0.1.0';

export function helpText(): string {
  const listed = COMMANDS.filter((c) => !c.hidden);
  const width = Math.max(...listed.map((c) => c.name.length));
  return [
    'dokroll-tui — deployment history, diffs and safe rollbacks for Docker Swarm',
    '',
    'Usage: dokroll-tui [OPTIONS] [COMMAND] [ARGS] [OPTIONS]',
    '       dokroll-tui            open the console (needs a terminal)',
    '',
    'Commands:',
    ...listed.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Global options (before or after the command, as with docker):',
    ...GLOBAL_OPTION_LINES,
    '',
    "Run 'dokroll-tui COMMAND --help' for a command's own options, exit codes and examples.",
  ].join('\n');
}

function findCommand(name: string): Command | undefined {
  return COMMANDS.find((c) => c.name === name);
}

export async function run(argv: string[], io: Io): Promise<number> {
  const [first, ...rest] = argv;
  if (first === '--version' || first === '-v') {
    io.stdout.write(`${VERSION}\n`);
    return EXIT.ok;
  }
  if (first === 'help') {
    const target = rest[0] && findCommand(rest[0]);
    io.stdout.write(`${target ? commandHelp(target) : helpText()}\n`);
    return EXIT.ok;
  }
  // Global options may come before the command word, as with `docker -H HOST service ls`.
  const {name: word, rest: commandArgv} = splitCommand(
    argv,
    COMMANDS.map((c) => c.options),
  );
  const name = word ?? 'console';
  const command = findCommand(name);
  let ctx: CommandContext | undefined;
  try {
    if (!command)
      throw new UsageError(`unknown command '${terminalSafe(name)}' (run 'dokroll-tui --help' for the list)`);
    const args = parseCommandArgs(commandArgv, command.options, command.name);
    if (args.values.help === true) {
      // `dokroll-tui --help` (no command word) is the overview, not the console's own help.
      io.stdout.write(`${word === undefined ? helpText() : commandHelp(command)}\n`);
      return EXIT.ok;
    }
    // zod compiles a fast path for each object schema on its first parse (new Function): the
    // console, parsing the same payloads every poll, gains by it; a one-shot command pays the
    // compiling on every run, and V8's code cache cannot keep generated code.
    if (command.name !== 'console') z.config({jitless: true});
    ctx = new CommandContext(args, io);
    await refuseWhenReadOnly(ctx, command);
    return await command.run(ctx);
  } catch (error) {
    return reportError(error, io, ctx?.json ?? argv.includes('--json'));
  } finally {
    await ctx?.close();
  }
}

/**
 * The error's message as terminal-safe lines: one line (an argument or a value from the swarm it
 * echoes is shown escaped, a newline in it included), except a config file's several problems, one
 * per line.
 */
function messageLines(error: DokrollError): string[] {
  if (error instanceof ConfigError && error.problems.length > 1) {
    const head = error.message.split('\n')[0]!;
    return [`dokroll-tui: ${terminalSafe(head)}`, ...error.problems.map((problem) => `  ${terminalSafe(problem)}`)];
  }
  return [`dokroll-tui: ${terminalSafe(error.message)}`];
}

export function reportError(error: unknown, io: Io, json: boolean): number {
  if (error instanceof DokrollError) {
    if (json) io.stdout.write(`${JSON.stringify({error: {code: error.code, message: error.message}})}\n`);
    for (const line of messageLines(error)) io.stderr.write(`${line}\n`);
    return error.exitCode;
  }
  const message = errorText(error);
  if (json) io.stdout.write(`${JSON.stringify({error: {code: 'internal', message}})}\n`);
  io.stderr.write(`dokroll-tui: internal error: ${terminalSafe(message)}\n`);
  if (io.env.DOKROLL_DEBUG && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
  return EXIT.failed;
}
