/**
 * Registry credentials, resolved on demand and never stored or printed.
 *
 * Order: the registry's `credentials` in the config file and the DOKROLL_REGISTRY_USER /
 * DOKROLL_REGISTRY_PASSWORD environment variables (the config's username and passwordEnv win over
 * the generic variables, which apply to every registry); otherwise what the Docker CLI itself uses:
 * a credential helper (`credHelpers[host]`, then `credsStore`), then `auths[host]` in its config file.
 */
import {inspect} from 'node:util';
import {runCredentialHelper} from './credential-helper.js';
import {type RegistryConfig} from './config-schema.js';
import {readDockerConfig, helperFor, inlineAuthFor} from './docker-config.js';
import {DOCKER_HUB_AUTH_SERVER, registryAuthServer, registryHost} from './effective-config.js';
import {ConfigError} from './errors.js';

export const MASK = '********';

/** The X-Registry-Auth payload shape (dockerode's `authconfig`). */
export interface RegistryAuth {
  username: string;
  password: string;
  serveraddress: string;
  identitytoken?: string;
}

/**
 * Credentials for one registry. JSON-serializes to exactly the X-Registry-Auth shape (so it can be
 * passed as `registryAuth`), but prints masked through console.log / util.inspect / String().
 * Never JSON.stringify it into a log.
 */
export class RegistryCredentials implements RegistryAuth {
  readonly username: string;
  readonly password: string;
  readonly serveraddress: string;
  readonly identitytoken?: string;

  constructor(
    auth: RegistryAuth,
    /** Where they came from, for display: `~/.docker/config.json`, `$DOKROLL_REGISTRY_PASSWORD`, ... */
    readonly source: string,
  ) {
    this.username = auth.username;
    this.password = auth.password;
    this.serveraddress = auth.serveraddress;
    if (auth.identitytoken) this.identitytoken = auth.identitytoken;
  }

  toJSON(): RegistryAuth {
    const {username, password, serveraddress, identitytoken} = this;
    return identitytoken ? {username, password, serveraddress, identitytoken} : {username, password, serveraddress};
  }

  toString(): string {
    return describeCredentials(this);
  }

  [inspect.custom](): string {
    return `RegistryCredentials(${this.serveraddress}: ${describeCredentials(this)})`;
  }
}

/** `dokroll / ******** (from ~/.docker/config.json)`; `none (anonymous)` for null. */
export function describeCredentials(credentials: RegistryCredentials | null): string {
  if (!credentials) return 'none (anonymous)';
  const {identitytoken, username} = credentials;
  const who = identitytoken ? `identity token${username ? ` for ${username}` : ''}` : username;
  return `${who} / ${MASK} (from ${credentials.source})`;
}

export interface ResolveCredentialsOptions {
  env?: NodeJS.ProcessEnv;
  /** The registry's key in the config, for messages (EffectiveConfig.registryKeyFor); default `registry`. */
  keyPath?: string;
  /** Credential helper timeout (default 5 s). */
  timeoutMs?: number;
}

function fromEnvironment(
  registry: Exclude<RegistryConfig, {type: 'local'}>,
  serveraddress: string,
  env: NodeJS.ProcessEnv,
  key: string,
): RegistryCredentials | null {
  const configured = registry.credentials;
  const envUser = env.DOKROLL_REGISTRY_USER || undefined;
  const envPassword = env.DOKROLL_REGISTRY_PASSWORD || undefined;
  if (!configured && !envUser && !envPassword) return null;

  const username = configured?.username ?? envUser;
  const userFrom = configured?.username ? `${key}.credentials.username` : '$DOKROLL_REGISTRY_USER';
  let password: string | undefined;
  let passwordFrom = '$DOKROLL_REGISTRY_PASSWORD';
  if (configured?.passwordEnv) {
    password = env[configured.passwordEnv] || undefined;
    passwordFrom = `$${configured.passwordEnv}`;
    if (!password) {
      throw new ConfigError(
        `${key}.credentials.passwordEnv: environment variable ${configured.passwordEnv} is not set ` +
          `(it should hold the password or token for ${serveraddress})`,
      );
    }
  } else {
    password = envPassword;
  }
  if (!username) {
    throw new ConfigError(
      configured?.passwordEnv
        ? `${key}.credentials.username: required with passwordEnv (or set DOKROLL_REGISTRY_USER)`
        : `DOKROLL_REGISTRY_PASSWORD is set but no user name: set DOKROLL_REGISTRY_USER or ${key}.credentials.username`,
    );
  }
  if (!password) {
    throw new ConfigError(
      configured?.username
        ? `${key}.credentials: no password for '${username}': set passwordEnv to the name of an environment ` +
            'variable holding it, or set DOKROLL_REGISTRY_PASSWORD'
        : 'DOKROLL_REGISTRY_USER is set but DOKROLL_REGISTRY_PASSWORD is not',
    );
  }
  return new RegistryCredentials({username, password, serveraddress}, `${userFrom} and ${passwordFrom}`);
}

/**
 * Credentials for pushing to / pulling from `registry`, or null when none are configured (anonymous
 * access; always null for the local registry). Throws ConfigError for a configuration that cannot
 * work (unset passwordEnv variable, broken Docker config, missing helper binary) and
 * CredentialsError when a credential helper fails or times out.
 */
export async function resolveCredentials(
  registry: RegistryConfig,
  opts: ResolveCredentialsOptions = {},
): Promise<RegistryCredentials | null> {
  if (registry.type === 'local') return null;
  const env = opts.env ?? process.env;
  const serveraddress = registryAuthServer(registry)!;
  const host = registryHost(registry)!;

  const explicit = fromEnvironment(registry, serveraddress, env, opts.keyPath ?? 'registry');
  return explicit ?? dockerCredentialsFor(host, {env, timeoutMs: opts.timeoutMs});
}

const DOCKER_HUB_HOSTS = ['docker.io', 'index.docker.io', 'registry-1.docker.io'];

/**
 * What the Docker CLI itself would use for a registry host (`docker.io`, `ghcr.io`, `host:port`):
 * a credential helper (`credHelpers[host]`, then `credsStore`), then `auths` in the Docker config.
 * Also useful for the registry of a service's own image. Null when there is nothing.
 */
export async function dockerCredentialsFor(
  host: string,
  opts: {env?: NodeJS.ProcessEnv; timeoutMs?: number} = {},
): Promise<RegistryCredentials | null> {
  const env = opts.env ?? process.env;
  const isHub = DOCKER_HUB_HOSTS.includes(host);
  const serveraddress = isHub ? DOCKER_HUB_AUTH_SERVER : host;
  const lookupHost = isHub ? 'docker.io' : host;
  const docker = await readDockerConfig(env);
  if (!docker) return null;
  const helper = helperFor(docker, serveraddress, lookupHost);
  if (helper) {
    const found = await runCredentialHelper(helper.name, serveraddress, {
      env,
      timeoutMs: opts.timeoutMs,
      configuredBy: helper.configuredBy,
    });
    if (found) {
      const source = `credential helper docker-credential-${helper.name}`;
      // Helpers answer "<token>" as the user name when the secret is an identity (refresh) token.
      return found.username === '<token>'
        ? new RegistryCredentials({username: '', password: '', serveraddress, identitytoken: found.secret}, source)
        : new RegistryCredentials({username: found.username, password: found.secret, serveraddress}, source);
    }
  }
  const inline = inlineAuthFor(docker, serveraddress, lookupHost);
  return inline ? new RegistryCredentials({...inline, serveraddress}, docker.displayPath) : null;
}
