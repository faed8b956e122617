/**
 * Command-line parsing: node's parseArgs tokenizes, we judge every token, zod checks the values.
 * Global options (--host/-H, --db, --config, --ssh-key, --json, --no-color) are accepted anywhere
 * on the line, before or after the command, as the docker CLI does. Every mistake is a UsageError
 * (exit 2): one line naming the flag or argument and what is accepted.
 */
import {parseArgs, type ParseArgsConfig} from 'node:util';
import {z} from 'zod';
import {MAX_DURATION_MS, MAX_DURATION_TEXT, parseDuration} from '../config/duration.js';
import {DokrollError, EXIT} from '../shared/errors.js';
import {terminalSafe} from '../shared/terminal-text.js';

export class UsageError extends DokrollError {
  constructor(message: string) {
    super(message, EXIT.badInput, 'usage');
  }
}

/** One flag: a switch, or an option taking a value (`accepts` says which, for the error lines). */
export type FlagSpec =
  {type: 'boolean'; short?: string} | {type: 'string'; short?: string; multiple?: boolean; accepts?: string};
export type FlagSpecs = Record<string, FlagSpec>;

/** Options every command takes, anywhere on the line. */
export const GLOBAL_OPTIONS = {
  db: {type: 'string', accepts: 'a database file path or URL'},
  host: {
    type: 'string',
    short: 'H',
    multiple: true,
    accepts: 'a Docker endpoint (unix://, tcp://, ssh://), or several managers comma-separated',
  },
  config: {type: 'string', accepts: 'a config file path'},
  'ssh-key': {type: 'string', accepts: 'an identity file path'},
  json: {type: 'boolean'},
  'no-color': {type: 'boolean'},
  help: {type: 'boolean', short: 'h'},
} satisfies FlagSpecs;

export interface ParsedArgs {
  positionals: string[];
  values: Record<string, string | string[] | boolean | undefined>;
}

const quote = (text: string) => `'${terminalSafe(text)}'`;

function valueTakers(specs: FlagSpecs[]): {long: Set<string>; short: Set<string>} {
  const long = new Set<string>();
  const short = new Set<string>();
  for (const spec of specs) {
    for (const [name, flag] of Object.entries(spec)) {
      if (flag.type !== 'string') continue;
      long.add(name);
      if (flag.short) short.add(flag.short);
    }
  }
  return {long, short};
}

/**
 * The command word — the first argument that is neither an option nor an option's value — and the
 * arguments without it. `specs` are every option set of every command (an option before the command
 * word may be the console's, `dokroll-tui --service web`). No command word: `name` is undefined.
 */
export function splitCommand(argv: readonly string[], specs: FlagSpecs[]): {name?: string; rest: string[]} {
  const takes = valueTakers([GLOBAL_OPTIONS, ...specs]);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') break;
    if (arg.startsWith('--')) {
      if (!arg.includes('=') && takes.long.has(arg.slice(2))) i++;
    } else if (arg.startsWith('-') && arg.length > 1) {
      // A short cluster (-yH VALUE): the last letter may take the next argument.
      if (takes.short.has(arg[arg.length - 1]!) && ![...arg.slice(1, -1)].some((c) => takes.short.has(c))) i++;
    } else {
      return {name: arg, rest: [...argv.slice(0, i), ...argv.slice(i + 1)]};
    }
  }
  return {rest: [...argv]};
}

/** Our flag specs as node's parseArgs takes them. */
export function parseArgsOptions(specs: FlagSpecs): NonNullable<ParseArgsConfig['options']> {
  return Object.fromEntries(
    Object.entries(specs).map(([name, spec]) => [name, {type: spec.type, ...(spec.short ? {short: spec.short} : {})}]),
  );
}

/** Tokens of `argv` judged against the global options and `options` of `command`. */
export function parseCommandArgs(argv: string[], options: FlagSpecs, command: string): ParsedArgs {
  const specs: FlagSpecs = {...GLOBAL_OPTIONS, ...options};
  const {tokens} = parseArgs({
    args: argv,
    options: parseArgsOptions(specs),
    allowPositionals: true,
    strict: false,
    tokens: true,
  });
  const values: ParsedArgs['values'] = {};
  const positionals: string[] = [];
  const seeHelp = `see 'dokroll-tui ${command} --help'`;
  for (const token of tokens) {
    if (token.kind === 'positional') positionals.push(token.value);
    if (token.kind !== 'option') continue;
    const spec = specs[token.name];
    const flag = `--${token.name}`;
    if (!spec) throw new UsageError(`${command}: unknown option ${quote(token.rawName)} (${seeHelp})`);
    if (spec.type === 'boolean') {
      if (token.value !== undefined) throw new UsageError(`${flag}: takes no value (got ${quote(token.value)})`);
      values[token.name] = true;
      continue;
    }
    const accepts = spec.accepts ?? 'a value';
    const value = token.value;
    // `--to --yes`: parseArgs would take the next option as the value; a value is never an option.
    if (value === undefined || (!token.inlineValue && value.startsWith('--') && value.length > 2)) {
      throw new UsageError(
        `${flag}: missing value: expected ${accepts}${value === undefined ? '' : ` before ${quote(value)}`}`,
      );
    }
    if (spec.multiple) {
      const previous = values[token.name];
      values[token.name] = [...(Array.isArray(previous) ? previous : []), value];
    } else if (values[token.name] !== undefined) {
      throw new UsageError(
        `${flag}: given more than once (${quote(String(values[token.name]))} and ${quote(value)}); give it once`,
      );
    } else {
      values[token.name] = value;
    }
  }
  return {positionals, values};
}

/** `v3`, `V3` or `3` → 3. */
export const VersionArg = z
  .string()
  .regex(/^[vV]?\d{1,9}$/, 'expected a version like v3')
  .transform((value) => Number(value.replace(/^[vV]/, '')))
  .refine((n) => n >= 1, 'versions start at v1');

export const ServiceNameArg = z
  .string()
  .min(1, 'a service name is required')
  .max(200)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'not a valid service name or ID');

/**
 * A whole number written in decimal digits only, from `min` to `max`: '', ' 5', '-1', '1e3', '0x10'
 * and '5.0' are refused (never coerced to 0 or NaN).
 */
export function wholeNumberArg(min: number, max: number, unit = '') {
  const expected = `expected a whole number${unit} from ${min} to ${max}`;
  return z
    .string()
    .regex(/^\d{1,15}$/, expected)
    .transform(Number)
    .refine((n) => n >= min && n <= max, expected);
}

export const SecondsArg = wholeNumberArg(0, 86_400, ' of seconds');
/** Seconds where 0 would mean "never" or a busy loop (environment settings of intervals). */
export const PositiveSecondsArg = wholeNumberArg(1, 86_400, ' of seconds');

/** A duration as the docker CLI writes one (0s, 500ms, 10s, 1m30s), within what the Engine keeps. */
export const DurationArg = z.string().transform((text, ctx) => {
  const ms = parseDuration(text);
  if (ms === null) ctx.addIssue({code: 'custom', message: 'expected a duration like 0s, 500ms, 10s or 1m30s'});
  else if (ms > MAX_DURATION_MS)
    ctx.addIssue({code: 'custom', message: `expected a duration of at most ${MAX_DURATION_TEXT} (the Engine's limit)`});
  else return ms;
  return z.NEVER;
});

/** --limit N of the listing commands (history, audit). */
export const LimitArg = wholeNumberArg(1, 10_000);

export function parseWith<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const reason = result.error.issues[0]?.message ?? 'invalid';
    throw new UsageError(`${what}: ${reason} (got ${quote(String(value))})`);
  }
  return result.data;
}

/** A numeric environment setting: undefined when unset; set but empty or not a number is refused. */
export function envNumber<T>(env: NodeJS.ProcessEnv, name: string, schema: z.ZodType<T>): T | undefined {
  const value = env[name];
  return value === undefined ? undefined : parseWith(schema, value, name);
}

export function requirePositional(args: ParsedArgs, index: number, what: string, command: string): string {
  const value = args.positionals[index];
  if (value === undefined) throw new UsageError(`${command}: missing ${what} (see 'dokroll-tui ${command} --help')`);
  return value;
}

export function rejectExtraPositionals(args: ParsedArgs, max: number, command: string): void {
  if (args.positionals.length > max) {
    throw new UsageError(`${command}: unexpected argument ${quote(args.positionals[max]!)}`);
  }
}

/** The `SERVICE vN` operands of a command about one version (push, delete), and nothing after them. */
export function serviceVersionOperands(args: ParsedArgs, command: string): {name: string; version: number} {
  const name = parseWith(ServiceNameArg, requirePositional(args, 0, 'SERVICE', command), 'SERVICE');
  const version = parseWith(VersionArg, requirePositional(args, 1, 'vN', command), 'vN');
  rejectExtraPositionals(args, 2, command);
  return {name, version};
}
