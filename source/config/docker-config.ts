/**
 * The Docker CLI's config file (`$DOCKER_CONFIG/config.json`, default ~/.docker/config.json): the
 * parts that say where registry credentials are (auths, credHelpers, credsStore). Read-only; the
 * file is validated with zod and a broken one is a ConfigError naming it. No secret is ever put in
 * an error message.
 */
import {readFile} from 'node:fs/promises';
import {homedir} from 'node:os';
import {join, sep} from 'node:path';
import {z} from 'zod';
import {validate} from './config-issues.js';
import {ConfigError} from './errors.js';

const secretString = z.string({error: 'expected a string'});
const AuthEntrySchema = z.looseObject(
  {
    auth: secretString.optional(),
    username: z.string().optional(),
    password: secretString.optional(),
    identitytoken: secretString.optional(),
  },
  {error: (iss) => (iss.code === 'invalid_type' ? 'expected a mapping' : undefined)},
);
export type DockerAuthEntry = z.infer<typeof AuthEntrySchema>;

const HelperNameSchema = z.string().regex(/^(?:[A-Za-z0-9][A-Za-z0-9_.-]*)?$/, {
  error: (iss) => `'${String(iss.input)}' is not a credential helper name (docker-credential-<name>)`,
});
const DockerConfigSchema = z.looseObject({
  auths: z.record(z.string(), AuthEntrySchema).optional(),
  credsStore: HelperNameSchema.optional(),
  credHelpers: z.record(z.string(), HelperNameSchema).optional(),
});

export interface DockerConfig {
  path: string;
  /** The path with the home directory shown as `~`. */
  displayPath: string;
  auths: Record<string, DockerAuthEntry>;
  credsStore: string | null;
  credHelpers: Record<string, string>;
}

export function dockerConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.DOCKER_CONFIG
    ? join(env.DOCKER_CONFIG, 'config.json')
    : join(env.HOME || homedir(), '.docker', 'config.json');
}

export function displayPath(path: string, env: NodeJS.ProcessEnv = process.env): string {
  const home = env.HOME || homedir();
  return home && home !== sep && path.startsWith(home + sep) ? `~${path.slice(home.length)}` : path;
}

/** The Docker CLI config, or null when the file does not exist. */
export async function readDockerConfig(env: NodeJS.ProcessEnv = process.env): Promise<DockerConfig | null> {
  const path = dockerConfigPath(env);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new ConfigError(`cannot read Docker config ${path}: ${(error as Error).message}`, {file: path});
  }
  let data: unknown;
  try {
    data = text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    throw new ConfigError(`Docker config ${path} is not valid JSON`, {file: path});
  }
  const result = validate(DockerConfigSchema, data);
  if (!result.ok) {
    const {problems} = result;
    throw new ConfigError(`Docker config ${path}: ${problems.join('; ')}`, {file: path, problems});
  }
  return {
    path,
    displayPath: displayPath(path, env),
    auths: result.value.auths ?? {},
    credsStore: result.value.credsStore || null,
    credHelpers: result.value.credHelpers ?? {},
  };
}

/** `https://host/v1/` → `host`, as the Docker CLI normalizes auths keys. */
export function authKeyHost(key: string): string {
  return key.replace(/^https?:\/\//i, '').split('/')[0];
}

/** Docker Hub is stored under several spellings; `docker.io` credentials live under index.docker.io. */
function hostAliases(host: string): string[] {
  return host === 'docker.io' ? ['index.docker.io', 'docker.io', 'registry-1.docker.io'] : [host];
}

/** The credential helper for this registry (`credHelpers` first, then `credsStore`), if any. */
export function helperFor(
  config: DockerConfig,
  serverAddress: string,
  host: string,
): {name: string; configuredBy: string} | null {
  const keys = [serverAddress, ...hostAliases(host)];
  const key = keys.find((k) => Object.prototype.hasOwnProperty.call(config.credHelpers, k) && config.credHelpers[k]);
  if (key) return {name: config.credHelpers[key], configuredBy: `credHelpers["${key}"] in ${config.displayPath}`};
  return config.credsStore ? {name: config.credsStore, configuredBy: `credsStore in ${config.displayPath}`} : null;
}

/**
 * The credentials stored inline in `auths` for this registry: `auth` (base64 of user:password), or
 * username/password fields, or an identity token. Null when there is no usable entry.
 */
export function inlineAuthFor(
  config: DockerConfig,
  serverAddress: string,
  host: string,
): {username: string; password: string; identitytoken?: string} | null {
  const aliases = hostAliases(host);
  const key =
    Object.keys(config.auths).find((k) => k === serverAddress) ??
    Object.keys(config.auths).find((k) => aliases.includes(authKeyHost(k)));
  if (key === undefined) return null;
  const entry = config.auths[key];
  if (entry.identitytoken) return {username: entry.username ?? '', password: '', identitytoken: entry.identitytoken};
  if (entry.auth) {
    const decoded = /^[A-Za-z0-9+/]+={0,2}$/.test(entry.auth) ? Buffer.from(entry.auth, 'base64').toString('utf8') : '';
    const colon = decoded.indexOf(':');
    if (colon <= 0) {
      throw new ConfigError(`Docker config ${config.path}: auths["${key}"].auth is not base64 of 'user:password'`, {
        file: config.path,
      });
    }
    return {username: decoded.slice(0, colon), password: decoded.slice(colon + 1)};
  }
  if (entry.username && entry.password) return {username: entry.username, password: entry.password};
  return null;
}
