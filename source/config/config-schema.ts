/**
 * The config file's schema (zod). Every object is strict, so a misspelt key is an error rather than a
 * silently ignored setting; every message is written for the operator and is reported under its key
 * path by config-issues.ts. Defaults are applied later, in effective-config.ts.
 */
import {z} from 'zod';
import {MAX_DURATION_MS, MAX_DURATION_TEXT, parseDuration} from './duration.js';
import {SERVICE_NAME, checkPrefix, parseRegistryUrl} from './registry-names.js';

export const REGISTRY_TYPES = ['local', 'dockerhub', 'ghcr', 'registry'] as const;
export type RegistryType = (typeof REGISTRY_TYPES)[number];

/** Keys that look like an inline secret get this message instead of "unknown key". */
const SECRET_KEY = /^(?:password|passwd|pass|secret|token|auth|identitytoken)$/i;
export const INLINE_SECRET_MESSAGE =
  'passwords are not allowed in the config file: set credentials.passwordEnv to the name of an ' +
  'environment variable that holds it, or use docker login';

function closest(key: string, allowed: string[]): string | undefined {
  const distance = (a: string, b: string): number => {
    const row = Array.from({length: b.length + 1}, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      let diag = row[0];
      row[0] = i;
      for (let j = 1; j <= b.length; j++) {
        const up = row[j];
        row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
        diag = up;
      }
    }
    return row[b.length];
  };
  const lower = key.toLowerCase();
  return allowed.find((k) => k.toLowerCase() === lower) ?? allowed.find((k) => distance(lower, k.toLowerCase()) <= 2);
}

/** The message for one unknown key of an object whose known keys are `allowed`. */
export function unknownKeyMessage(key: string, allowed: string[], hints: Record<string, string> = {}): string {
  if (hints[key]) return hints[key];
  if (SECRET_KEY.test(key)) return INLINE_SECRET_MESSAGE;
  const suggestion = closest(key, allowed);
  if (suggestion) return `unknown key (did you mean '${suggestion}'?)`;
  return `unknown key (expected ${allowed.map((k) => `'${k}'`).join(', ')})`;
}

/**
 * A strict object whose unknown-key issue carries one message per key, newline-separated in key
 * order (config-issues.ts turns them into one `path.key: message` line each).
 */
function strict<T extends z.ZodRawShape>(shape: T, hints: Record<string, string> = {}) {
  const allowed = Object.keys(shape);
  return z.strictObject(shape, {
    error: (iss) =>
      iss.code === 'unrecognized_keys'
        ? iss.keys.map((k: string) => unknownKeyMessage(k, allowed, hints)).join('\n')
        : undefined,
  });
}

const required = (what: string) => (iss: {input?: unknown}) =>
  iss.input === undefined ? `required: ${what}` : undefined;

export const DurationSchema = z.unknown().transform((value, ctx) => {
  const ms = parseDuration(value);
  if (ms === null) {
    ctx.addIssue({
      code: 'custom',
      input: value,
      message:
        "expected a duration such as '30s', '2m', '500ms' or a number of milliseconds, " +
        `got ${describeValue(value)}`,
    });
    return z.NEVER;
  }
  if (ms > MAX_DURATION_MS) {
    ctx.addIssue({
      code: 'custom',
      input: value,
      message: `expected a duration of at most ${MAX_DURATION_TEXT}, got ${describeValue(value)}`,
    });
    return z.NEVER;
  }
  return ms;
});

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const CredentialsSchema = strict({
  username: z.string().min(1, 'must not be empty').optional(),
  passwordEnv: z
    .string({error: (iss) => (iss.input === undefined ? undefined : 'expected the name of an environment variable')})
    .regex(ENV_NAME, "must be the NAME of an environment variable (letters, digits and '_'), not the password")
    .optional(),
}).refine((c) => c.username !== undefined || c.passwordEnv !== undefined, {
  message: 'set username and passwordEnv, or remove credentials to use your docker login',
});
export type RegistryCredentialsConfig = z.infer<typeof CredentialsSchema>;

const prefix = (kind: 'dockerhub' | 'ghcr' | 'registry', what?: string) =>
  z.string({error: what ? required(what) : undefined}).superRefine((value, ctx) => {
    const problem = checkPrefix(value, kind);
    if (problem) ctx.addIssue({code: 'custom', input: value, message: problem});
  });

const RegistryUrlSchema = z
  .string({error: required("the registry address, 'host[:port]' or 'https://host[:port]'")})
  .superRefine((value, ctx) => {
    const parsed = parseRegistryUrl(value);
    if (typeof parsed === 'string') ctx.addIssue({code: 'custom', input: value, message: parsed});
  });

const LocalRegistrySchema = strict(
  {type: z.literal('local')},
  {
    credentials: 'a local registry takes no credentials',
    prefix: 'a local registry takes no prefix (local tags are dokroll/<service>:v<n>)',
  },
);
const DockerHubRegistrySchema = strict({
  type: z.literal('dockerhub'),
  prefix: prefix('dockerhub', 'the Docker Hub namespace (user or organization) to push to'),
  credentials: CredentialsSchema.optional(),
});
const GhcrRegistrySchema = strict({
  type: z.literal('ghcr'),
  prefix: prefix('ghcr', 'the GitHub owner to push to, optionally followed by /path'),
  credentials: CredentialsSchema.optional(),
});
const GenericRegistrySchema = strict({
  type: z.literal('registry'),
  url: RegistryUrlSchema,
  prefix: prefix('registry').optional(),
  insecure: z.boolean().optional(),
  credentials: CredentialsSchema.optional(),
});

export const RegistryConfigSchema = z.discriminatedUnion(
  'type',
  [LocalRegistrySchema, DockerHubRegistrySchema, GhcrRegistrySchema, GenericRegistrySchema],
  {
    error: (iss) => {
      if (iss.code !== 'invalid_union') return undefined;
      const input = iss.input as {type?: unknown} | undefined;
      const expected = `(expected ${REGISTRY_TYPES.join(', ')})`;
      return input?.type === undefined
        ? `required: the registry type ${expected}`
        : `unknown registry type ${describeValue(input.type)} ${expected}`;
    },
  },
);
export type RegistryConfig = z.infer<typeof RegistryConfigSchema>;
export type RemoteRegistryConfig = Exclude<RegistryConfig, {type: 'local'}>;

export const RetentionSchema = strict({
  keep: z
    .number()
    .int('must be a whole number')
    .min(2, 'must be at least 2 (the live version and the one before it are always kept)')
    .optional(),
});

export const ServiceConfigSchema = strict({
  registry: RegistryConfigSchema.optional(),
  retention: RetentionSchema.optional(),
  readOnly: z.boolean().optional(),
});
export type ServiceConfig = z.infer<typeof ServiceConfigSchema>;

const ServiceNameSchema = z.string().regex(SERVICE_NAME, {
  error: (iss) =>
    `invalid service name ${describeValue(iss.input)} (Docker service names are letters, digits, ` +
    "'-', '_' and '.', starting with a letter or digit, at most 63 characters)",
});

/** A node's own Engine: unix:///path, tcp://host:port or ssh://[user@]host[:port], as DOCKER_HOST takes it. */
export const NodeEngineSchema = strict({
  host: z
    .string({error: required("the address of the node's Engine (unix:///…, tcp://host:port or ssh://user@host)")})
    .regex(/^(?:unix:\/\/\/|tcp:\/\/|ssh:\/\/)[^\s]+$/i, {
      error: (iss) =>
        `invalid Docker host ${describeValue(iss.input)}: expected unix:///path/to/docker.sock, tcp://host:port or ssh://[user@]host[:port]`,
    }),
});

const NodeKeySchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, {
  error: (iss) =>
    `invalid node ${describeValue(iss.input)} (a node's hostname as 'docker node ls' shows it, or its node ID)`,
});

export const ConfigFileSchema = strict({
  recorder: strict({stabilityWindow: DurationSchema.optional()}).optional(),
  readOnly: z.boolean().optional(),
  retention: RetentionSchema.optional(),
  registry: RegistryConfigSchema.optional(),
  services: z.record(ServiceNameSchema, ServiceConfigSchema).optional(),
  nodes: z.record(NodeKeySchema, NodeEngineSchema).optional(),
});
/** The config file as written (validated, no defaults applied). */
export type ConfigFile = z.infer<typeof ConfigFileSchema>;

/** A value as the operator wrote it, for messages: 'text', 12, true, null, a list, a mapping. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return `'${value.length > 60 ? `${value.slice(0, 57)}...` : value}'`;
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (value !== null && typeof value === 'object') return 'a mapping';
  return String(value);
}
