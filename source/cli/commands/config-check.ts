/**
 * `config check`: the effective configuration (credentials masked) and, for every remote rollback
 * registry in it, whether its API answers (GET /v2/) and whether the credentials are accepted.
 */
import type {RegistryConfig} from '../../config/config-schema.js';
import {describeCredentials, resolveCredentials, type RegistryCredentials} from '../../config/credentials.js';
import {ConfigError} from '../../config/errors.js';
import {
  imageRepoFor,
  loadConfig,
  registryApiEndpoint,
  registryHost,
  type EffectiveConfig,
} from '../../config/effective-config.js';
import {RegistryApi} from '../../services/registry/index.js';
import {DokrollError, EXIT} from '../../shared/errors.js';
import {rejectExtraPositionals, UsageError} from '../args.js';
import type {Command} from '../command.js';
import type {CommandContext} from '../context.js';

interface RegistryReport {
  key: string;
  type: RegistryConfig['type'];
  repository: string;
  credentials: string | null;
  /** null: not applicable (local) or not tried (bad credentials config). */
  reachable: boolean | null;
  login: 'ok' | 'failed' | 'anonymous' | 'not-needed' | 'not-checked';
  detail: string;
  ok: boolean;
  configError: boolean;
}

/** Every registry setting in the config: the default and each service's own. */
function registrySettings(config: EffectiveConfig): {key: string; registry: RegistryConfig; example: string}[] {
  const list = [{key: 'registry', registry: config.registry, example: '<service>'}];
  for (const [name, service] of Object.entries(config.services)) {
    if (service.registry) list.push({key: config.registryKeyFor(name), registry: service.registry, example: name});
  }
  return list;
}

async function checkRegistry(
  key: string,
  registry: RegistryConfig,
  example: string,
  env: NodeJS.ProcessEnv,
): Promise<RegistryReport> {
  const repo = imageRepoFor(example, registry);
  const repository = `${example === '<service>' ? repo.replace(/[^/]+$/, '<service>') : repo}:v<n>`;
  const base = {key, type: registry.type, repository};
  if (registry.type === 'local') {
    return {
      ...base,
      credentials: null,
      reachable: null,
      login: 'not-needed',
      detail: 'local tags only (nothing to reach)',
      ok: true,
      configError: false,
    };
  }
  let credentials: RegistryCredentials | null;
  try {
    credentials = await resolveCredentials(registry, {env, keyPath: key});
  } catch (error) {
    if (!(error instanceof DokrollError)) throw error;
    const configError = error instanceof ConfigError;
    return {
      ...base,
      credentials: null,
      reachable: null,
      login: 'not-checked',
      detail: error.message,
      ok: false,
      configError,
    };
  }
  const api = new RegistryApi({
    ...registryApiEndpoint(registry)!,
    host: registryHost(registry)!,
    credentials: credentials?.toJSON() ?? null,
  });
  const described = describeCredentials(credentials);
  try {
    const ping = await api.ping();
    if (ping.status === 'ok') {
      const login = credentials ? 'ok' : 'anonymous';
      const detail = credentials
        ? `GET /v2/ answered, login accepted${ping.scheme ? ` (${ping.scheme})` : ''}`
        : 'GET /v2/ answered without credentials';
      return {...base, credentials: described, reachable: true, login, detail, ok: true, configError: false};
    }
    const detail =
      ping.status === 'auth-required'
        ? `the registry requires a login${ping.scheme ? ` (${ping.scheme})` : ''} and no credentials were found: set credentials in the config, DOKROLL_REGISTRY_USER/DOKROLL_REGISTRY_PASSWORD, or docker login ${api.host}`
        : `login rejected: ${ping.detail ?? 'unauthorized'}`;
    return {...base, credentials: described, reachable: true, login: 'failed', detail, ok: false, configError: false};
  } catch (error) {
    if (!(error instanceof DokrollError)) throw error;
    return {
      ...base,
      credentials: described,
      reachable: false,
      login: 'not-checked',
      detail: error.message,
      ok: false,
      configError: false,
    };
  }
}

function textLines(config: EffectiveConfig, reports: RegistryReport[]): string[] {
  const lines = [
    `config file: ${config.file ? `${config.file} (${config.source})` : 'none (defaults)'}`,
    `read-only: ${config.readOnly ? 'yes' : 'no'}`,
    `recorder stability window: ${config.recorder.stabilityWindowMs / 1000} s`,
    `retention: keep ${config.retention.keep}`,
  ];
  for (const [name, service] of Object.entries(config.services)) {
    const parts = [
      service.retention?.keep !== undefined ? `keep ${service.retention.keep}` : null,
      service.readOnly !== undefined ? `read-only ${service.readOnly ? 'yes' : 'no'}` : null,
      service.registry ? `registry ${service.registry.type}` : null,
    ].filter(Boolean);
    lines.push(`service ${name}: ${parts.join(', ') || 'defaults'}`);
  }
  for (const r of reports) {
    lines.push(`${r.key}: ${r.type} → ${r.repository}`);
    if (r.credentials !== null) lines.push(`  credentials: ${r.credentials}`);
    if (r.reachable !== null) lines.push(`  reachable: ${r.reachable ? 'yes' : 'no'}`);
    lines.push(`  ${r.ok ? 'ok' : 'PROBLEM'}: ${r.detail}`);
  }
  return lines;
}

export const configCheckCommand: Command = {
  name: 'config',
  summary: 'config check: print the effective configuration and test the rollback registries',
  usage: [
    'Usage: dokroll-tui config check [--config PATH] [--json]',
    '',
    'Prints the effective configuration (credentials masked) and, for each remote rollback registry,',
    'whether its API answers (GET /v2/) and whether the credentials are accepted.',
  ].join('\n'),
  exitCodes: [
    '0  all good',
    '1  a registry is unreachable or refuses the login',
    '2  invalid configuration (the message names the key)',
  ],
  examples: ['dokroll-tui config check', 'dokroll-tui --config ./config.yaml config check --json'],
  operands: [['check']],
  options: {},
  async run(ctx: CommandContext) {
    const sub = ctx.args.positionals[0];
    if (sub !== 'check') throw new UsageError(`config: expected 'config check'${sub ? ` (got '${sub}')` : ''}`);
    rejectExtraPositionals(ctx.args, 1, 'config');
    const config = await loadConfig({path: ctx.option('config'), env: ctx.io.env});
    const reports: RegistryReport[] = [];
    for (const {key, registry, example} of registrySettings(config)) {
      reports.push(await checkRegistry(key, registry, example, ctx.io.env));
    }
    const code = reports.some((r) => r.configError)
      ? EXIT.badInput
      : reports.every((r) => r.ok)
        ? EXIT.ok
        : EXIT.failed;
    if (ctx.json) {
      const registries = reports.map(({configError: _, ...rest}) => rest);
      ctx.outJson(
        JSON.stringify({...config.toJSON(), source: config.source, registries, ok: code === EXIT.ok}, null, 2),
      );
    } else {
      for (const line of textLines(config, reports)) ctx.out(line);
      const problems = reports.filter((r) => !r.ok);
      if (problems.length > 0)
        ctx.err(`dokroll-tui: config check: ${problems.map((r) => `${r.key}: ${r.detail}`).join('; ')}`);
    }
    return code;
  },
};
