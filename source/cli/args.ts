/**
 * Command-line parsing: node's parseArgs for the shape, zod for the values. Every mistake is a
 * UsageError (exit 2) naming the flag or argument and what is accepted.
 */
import {parseArgs, type ParseArgsConfig} from 'node:util';
import {z} from 'zod';
import {DokrollError, EXIT} from '../shared/errors.js';

export class UsageError extends DokrollError {
  constructor(message: string) {
    super(message, EXIT.badInput, 'usage');
  }
}

type OptionSpec = NonNullable<ParseArgsConfig['options']>;

/** Options every command takes. */
export const COMMON_OPTIONS = {
  db: {type: 'string'},
  host: {type: 'string', short: 'H'},
  config: {type: 'string'},
  'ssh-key': {type: 'string'},
  json: {type: 'boolean'},
  help: {type: 'boolean', short: 'h'},
} satisfies OptionSpec;

export interface ParsedArgs {
  positionals: string[];
  values: Record<string, string | string[] | boolean | undefined>;
}

export function parseCommandArgs(argv: string[], options: OptionSpec, command: string): ParsedArgs {
  try {
    const {values, positionals} = parseArgs({
      args: argv,
      options: {...COMMON_OPTIONS, ...options},
      allowPositionals: true,
      strict: true,
    });
    return {positionals, values: values as ParsedArgs['values']};
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // parseArgs messages are long and mention "strict"; keep the useful first sentence.
    const first = message.split('. ')[0]!.replace(/^Unknown option/, 'unknown option');
    throw new UsageError(`${command}: ${first} (see 'dokroll-tui ${command} --help')`);
  }
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

/** --limit N of the listing commands (history, audit). */
export const LimitArg = z.coerce.number().int().min(1).max(10_000);

export const SecondsArg = z.coerce.number().int().min(0).max(86_400);

export function parseWith<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const reason = result.error.issues[0]?.message ?? 'invalid';
    throw new UsageError(`${what}: ${reason} (got '${String(value)}')`);
  }
  return result.data;
}

export function requirePositional(args: ParsedArgs, index: number, what: string, command: string): string {
  const value = args.positionals[index];
  if (value === undefined) throw new UsageError(`${command}: missing ${what} (see 'dokroll-tui ${command} --help')`);
  return value;
}

export function rejectExtraPositionals(args: ParsedArgs, max: number, command: string): void {
  if (args.positionals.length > max) {
    throw new UsageError(`${command}: unexpected argument '${args.positionals[max]}'`);
  }
}
