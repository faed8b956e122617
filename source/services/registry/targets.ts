/**
 * Where a service's rollback images go: the configured registry (per service or the default), the
 * repository (`<registry>/<prefix>/<service>` or `dokroll/<service>`), the credentials for it and
 * the registry API endpoint. Resolved once per command; credentials are resolved up front so that
 * a configuration that cannot work stops the command before anything is recorded (exit 2).
 */
import type {RegistryConfig} from '../../config/config-schema.js';
import {describeCredentials, resolveCredentials, type RegistryCredentials} from '../../config/credentials.js';
import {registryApiEndpoint, registryHost, type EffectiveConfig} from '../../config/effective-config.js';
import type {RegistryAuth} from '../../docker/gateway.js';
import {RegistryApi} from './registry-api.js';

export interface RegistryTarget {
  serviceName: string;
  registry: RegistryConfig;
  /** Where it was configured (`registry`, `services.web.registry`), for messages. */
  key: string;
  /** `127.0.0.1:5000/rollbacks/web`, `dokroll/web`. */
  repository: string;
  /** null for local. */
  host: string | null;
  credentials: RegistryCredentials | null;
  /** Versions kept by retention. */
  keep: number;
}

export interface TargetOptions {
  env?: NodeJS.ProcessEnv;
}

export function isRemote(target: RegistryTarget): boolean {
  return target.registry.type !== 'local';
}

/** `repository:v<n>`. */
export function versionTag(target: RegistryTarget, number: number): string {
  return `${target.repository}:v${number}`;
}

/** The repository path inside the registry (`rollbacks/web` for `127.0.0.1:5000/rollbacks/web`). */
export function repositoryPath(target: RegistryTarget): string {
  const host = target.host;
  if (host && target.repository.startsWith(`${host}/`)) return target.repository.slice(host.length + 1);
  return target.repository;
}

/** The X-Registry-Auth payload (plain data, never logged). */
export function authOf(target: RegistryTarget): RegistryAuth | undefined {
  return target.credentials ? target.credentials.toJSON() : undefined;
}

/** A registry API client for the target (null for local). */
export function apiFor(target: RegistryTarget): RegistryApi | null {
  const endpoint = registryApiEndpoint(target.registry);
  if (!endpoint || !target.host) return null;
  return new RegistryApi({...endpoint, host: target.host, credentials: authOf(target) ?? null});
}

/** Replaces every occurrence of the target's secret in a message (belt and braces: daemons do not echo it). */
export function scrub(target: RegistryTarget | null, message: string): string {
  const secrets = [target?.credentials?.password, target?.credentials?.identitytoken].filter(
    (s): s is string => !!s && s.length >= 4,
  );
  return secrets.reduce((text, secret) => text.split(secret).join('********'), message);
}

/** Resolves the target of one service; throws ConfigError (exit 2) naming the key when it cannot work. */
export async function resolveTarget(
  config: EffectiveConfig,
  serviceName: string,
  opts: TargetOptions = {},
  credentialsFor: (registry: RegistryConfig, key: string) => Promise<RegistryCredentials | null> = (registry, key) =>
    resolveCredentials(registry, {env: opts.env, keyPath: key}),
): Promise<RegistryTarget> {
  const registry = config.registryFor(serviceName);
  const key = config.registryKeyFor(serviceName);
  const credentials = await credentialsFor(registry, key);
  return {
    serviceName,
    registry,
    key,
    repository: config.imageRepoFor(serviceName, registry),
    host: registryHost(registry),
    credentials,
    keep: config.retentionFor(serviceName).keep,
  };
}

/** Resolves targets by service, caching credentials per registry setting (one credential-helper run each). */
export class RegistryTargets {
  private readonly cache = new Map<string, Promise<RegistryTarget>>();
  private readonly credentials = new Map<string, Promise<RegistryCredentials | null>>();

  constructor(
    readonly config: EffectiveConfig,
    private readonly opts: TargetOptions = {},
  ) {}

  for(serviceName: string): Promise<RegistryTarget> {
    let target = this.cache.get(serviceName);
    if (!target) {
      target = resolveTarget(this.config, serviceName, this.opts, (registry, key) =>
        this.credentialsFor(registry, key),
      );
      target.catch(() => this.cache.delete(serviceName));
      this.cache.set(serviceName, target);
    }
    return target;
  }

  /**
   * Checks that the registries of the given services can be used (credentials resolve) — with no
   * names, the default registry and every per-service one; throws the first ConfigError. Called
   * before a command records or deletes anything.
   */
  async check(serviceNames: readonly string[] = []): Promise<void> {
    if (serviceNames.length > 0) {
      for (const name of serviceNames) await this.for(name);
      return;
    }
    await this.credentialsFor(this.config.registry, 'registry');
    for (const name of Object.keys(this.config.services)) await this.for(name);
  }

  private credentialsFor(registry: RegistryConfig, key: string): Promise<RegistryCredentials | null> {
    let found = this.credentials.get(key);
    if (!found) {
      found = resolveCredentials(registry, {env: this.opts.env, keyPath: key});
      found.catch(() => this.credentials.delete(key));
      this.credentials.set(key, found);
    }
    return found;
  }
}

/** One line describing a target for `config check` and logs (credentials masked). */
export function describeTarget(target: RegistryTarget): string {
  if (!isRemote(target)) return `local tags ${target.repository}:v<n>`;
  return `${target.repository}:v<n> (credentials: ${describeCredentials(target.credentials)})`;
}
