/**
 * The configuration in force: the config file (if any) validated and with defaults applied, plus the
 * per-service lookups the recorder, the registry work and the CLI need.
 */
import {ConfigError} from './errors.js';
import {locateConfigFile, readConfigFile, type ConfigSource} from './config-file.js';
import {formatKeyPath, validate} from './config-issues.js';
import {ConfigFileSchema, type ConfigFile, type RegistryConfig, type ServiceConfig} from './config-schema.js';
import {parseRegistryUrl, repoNameForService} from './registry-names.js';

export const DEFAULT_RETENTION_KEEP = 10;
export const DEFAULT_STABILITY_WINDOW_MS = 30_000;
export const DEFAULT_REGISTRY: RegistryConfig = Object.freeze({type: 'local'});
/** Repository of local-only rollback tags (`dokroll/<service>:v<n>`). */
export const LOCAL_REPO_NAMESPACE = 'dokroll';
/** The key Docker Hub credentials live under in ~/.docker/config.json and X-Registry-Auth. */
export const DOCKER_HUB_AUTH_SERVER = 'https://index.docker.io/v1/';

export interface Retention {
  keep: number;
}

export interface LoadConfigOptions {
  /** From `--config PATH`. */
  path?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export class EffectiveConfig {
  /** The file the settings came from, or null when none exists (all defaults). */
  readonly file: string | null;
  readonly source: ConfigSource | null;
  readonly readOnly: boolean;
  readonly recorder: {stabilityWindowMs: number};
  readonly retention: Retention;
  readonly registry: RegistryConfig;
  readonly services: Readonly<Record<string, ServiceConfig>>;
  /** Node (hostname or node ID) → the address of its own Engine, asked for its containers' health. */
  readonly nodeEngines: Readonly<Record<string, string>>;

  constructor(config: ConfigFile, origin: {file: string | null; source: ConfigSource | null}) {
    this.file = origin.file;
    this.source = origin.source;
    this.readOnly = config.readOnly ?? false;
    this.recorder = {stabilityWindowMs: config.recorder?.stabilityWindow ?? DEFAULT_STABILITY_WINDOW_MS};
    this.retention = {keep: config.retention?.keep ?? DEFAULT_RETENTION_KEEP};
    this.registry = config.registry ?? DEFAULT_REGISTRY;
    this.services = Object.fromEntries(Object.entries(config.services ?? {}));
    this.nodeEngines = Object.fromEntries(Object.entries(config.nodes ?? {}).map(([node, {host}]) => [node, host]));
  }

  private service(serviceName: string): ServiceConfig | undefined {
    return Object.prototype.hasOwnProperty.call(this.services, serviceName) ? this.services[serviceName] : undefined;
  }

  /** The service's own registry setting, else the default one. */
  registryFor(serviceName: string): RegistryConfig {
    return this.service(serviceName)?.registry ?? this.registry;
  }

  /** Where registryFor(serviceName) was configured, for messages: `services.web.registry` or `registry`. */
  registryKeyFor(serviceName: string): string {
    return this.service(serviceName)?.registry ? formatKeyPath(['services', serviceName, 'registry']) : 'registry';
  }

  /** The service's retention merged over the default (keep 10). */
  retentionFor(serviceName: string): Retention {
    return {keep: this.service(serviceName)?.retention?.keep ?? this.retention.keep};
  }

  /**
   * Why changes to the service are refused, naming the setting and the file
   * (`services.web.readOnly is true in /etc/dokroll/config.json`), or null when they are allowed.
   * The service's own readOnly wins over the top-level one; no service (null): the top-level one.
   */
  readOnlyReason(serviceName: string | null): string | null {
    const own = serviceName === null ? undefined : this.service(serviceName)?.readOnly;
    const where = this.file ?? 'the configuration';
    if (own !== undefined)
      return own ? `${formatKeyPath(['services', serviceName!, 'readOnly'])} is true in ${where}` : null;
    return this.readOnly ? `readOnly is true in ${where}` : null;
  }

  /** The repository (no tag) rollback images of the service are tagged into. */
  imageRepoFor(serviceName: string, registry: RegistryConfig = this.registryFor(serviceName)): string {
    return imageRepoFor(serviceName, registry);
  }

  /** The effective settings as plain data (for `config check` and --json); holds no credentials. */
  toJSON(): object {
    return {
      file: this.file,
      readOnly: this.readOnly,
      recorder: this.recorder,
      retention: this.retention,
      registry: this.registry,
      services: this.services,
      nodes: Object.fromEntries(Object.entries(this.nodeEngines).map(([node, host]) => [node, {host}])),
    };
  }
}

/**
 * The host used in image references and as the credentials key: `docker.io`, `ghcr.io`, or the
 * configured `host[:port]`; null for the local registry.
 */
export function registryHost(registry: RegistryConfig): string | null {
  switch (registry.type) {
    case 'local':
      return null;
    case 'dockerhub':
      return 'docker.io';
    case 'ghcr':
      return 'ghcr.io';
    case 'registry': {
      const address = parseRegistryUrl(registry.url);
      if (typeof address === 'string') throw new ConfigError(`registry.url: ${address}`);
      return address.host;
    }
  }
}

/** The server address for credentials (X-Registry-Auth, docker config, credential helpers). */
export function registryAuthServer(registry: RegistryConfig): string | null {
  return registry.type === 'dockerhub' ? DOCKER_HUB_AUTH_SERVER : registryHost(registry);
}

/** Base URL of the registry's HTTP API (for manifest lookups and deletes), and whether TLS is verified. */
export function registryApiEndpoint(registry: RegistryConfig): {baseUrl: string; tlsVerify: boolean} | null {
  switch (registry.type) {
    case 'local':
      return null;
    case 'dockerhub':
      return {baseUrl: 'https://registry-1.docker.io', tlsVerify: true};
    case 'ghcr':
      return {baseUrl: 'https://ghcr.io', tlsVerify: true};
    case 'registry': {
      const host = registryHost(registry)!;
      const plainHttp = registry.insecure === true && !/^https:\/\//i.test(registry.url);
      return {baseUrl: `${plainHttp ? 'http' : 'https'}://${host}`, tlsVerify: registry.insecure !== true};
    }
  }
}

/**
 * The repository rollback images of a service go to (callers add `:v<n>`): `dokroll/web` (local),
 * `ns/web` (Docker Hub, in the short form Docker shows), `ghcr.io/owner/web`, `127.0.0.1:5000/prefix/web`.
 */
export function imageRepoFor(serviceName: string, registry: RegistryConfig): string {
  const name = repoNameForService(serviceName);
  switch (registry.type) {
    case 'local':
      return `${LOCAL_REPO_NAMESPACE}/${name}`;
    case 'dockerhub':
      return `${registry.prefix}/${name}`;
    case 'ghcr':
      return `ghcr.io/${registry.prefix}/${name}`;
    case 'registry':
      return [registryHost(registry), registry.prefix, name].filter(Boolean).join('/');
  }
}

/** Validates already-parsed config data (`file` names the source in messages). */
export function configFromData(
  data: unknown,
  origin: {file: string | null; source?: ConfigSource | null} = {file: null},
): EffectiveConfig {
  const result = validate(ConfigFileSchema, data);
  if (!result.ok) {
    const where = origin.file ?? 'config';
    const message =
      result.problems.length === 1
        ? `${where}: ${result.problems[0]}`
        : `${where}: ${result.problems.length} problems:\n  ${result.problems.join('\n  ')}`;
    throw new ConfigError(message, {file: origin.file, problems: result.problems});
  }
  return new EffectiveConfig(result.value, {file: origin.file, source: origin.source ?? null});
}

/** Finds, reads and validates the config file; all defaults when there is none. Throws ConfigError. */
export async function loadConfig(opts: LoadConfigOptions = {}): Promise<EffectiveConfig> {
  const location = await locateConfigFile(opts);
  if (!location) return new EffectiveConfig({}, {file: null, source: null});
  const contents = await readConfigFile(location);
  return configFromData(contents.data, {file: contents.path, source: contents.source});
}
