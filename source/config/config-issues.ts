/**
 * Turns zod issues into operator-facing lines of the form `key.path: what is wrong`.
 * Schema-level messages (config-schema.ts) win; `configErrorMap` words the generic ones.
 */
import {type z} from 'zod';
import {describeValue} from './config-schema.js';

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a mapping',
  record: 'a mapping',
  array: 'a list',
};

/** The per-parse error map: words type errors and ranges for the operator. */
export const configErrorMap: z.core.$ZodErrorMap = (iss) => {
  switch (iss.code) {
    case 'invalid_type':
      if (iss.input === undefined) return 'required';
      return `expected ${TYPE_NAMES[iss.expected] ?? iss.expected}, got ${describeValue(iss.input)}`;
    case 'too_small':
      return `must be at least ${String(iss.minimum)}`;
    case 'too_big':
      return `must be at most ${String(iss.maximum)}`;
    case 'unrecognized_keys':
      return iss.keys.map(() => 'unknown key').join('\n');
    default:
      return undefined;
  }
};

const PLAIN_KEY = /^[A-Za-z0-9_][A-Za-z0-9_-]*$/;

/** `services.web.registry.type`, `services["my.app"].readOnly`, `list[0]`; the root is `(top level)`. */
export function formatKeyPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (typeof part === 'string' && PLAIN_KEY.test(part)) out += out === '' ? part : `.${part}`;
    else out += `[${JSON.stringify(String(part))}]`;
  }
  return out === '' ? '(top level)' : out;
}

/** One line per problem, in file order as zod reports it. */
export function formatIssues(issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[] = []): string[] {
  const lines: string[] = [];
  for (const iss of issues) {
    const path = [...prefix, ...iss.path];
    if (iss.code === 'unrecognized_keys') {
      const messages = iss.message.split('\n');
      iss.keys.forEach((key, i) => lines.push(`${formatKeyPath([...path, key])}: ${messages[i] ?? 'unknown key'}`));
    } else if (iss.code === 'invalid_key') {
      lines.push(`${formatKeyPath(path)}: ${iss.issues[0]?.message ?? iss.message}`);
    } else {
      lines.push(`${formatKeyPath(path)}: ${iss.message}`);
    }
  }
  return lines;
}

/** Validates `data` against `schema`; returns the data or the formatted problem lines. */
export function validate<S extends z.ZodType>(
  schema: S,
  data: unknown,
): {ok: true; value: z.output<S>} | {ok: false; problems: string[]} {
  const result = schema.safeParse(data, {error: configErrorMap, reportInput: true});
  return result.success ? {ok: true, value: result.data} : {ok: false, problems: formatIssues(result.error.issues)};
}
