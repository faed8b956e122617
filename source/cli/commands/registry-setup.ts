/**
 * What the registry commands share: the configuration (loaded and its credentials checked before
 * anything is touched: a bad config exits 2 with the key named), the live version of a service,
 * and asking before deleting.
 */
import readline from 'node:readline';
import {dockerCredentialsFor} from '../../config/credentials.js';
import {loadConfig, type EffectiveConfig} from '../../config/effective-config.js';
import type {DockerGateway, RegistryAuth} from '../../docker/gateway.js';
import {loadHistory} from '../../services/history-query.js';
import {chooseRollbackImage, RegistrySync, RegistryTargets} from '../../services/registry/index.js';
import {checkImage} from '../../services/rollback/image-check.js';
import type {PlanDeps} from '../../services/rollback/index.js';
import {DokrollError} from '../../shared/errors.js';
import type {Store, VersionRow} from '../../store/index.js';
import {UsageError} from '../args.js';
import type {CommandContext} from '../context.js';

export interface RegistrySetup {
  config: EffectiveConfig;
  targets: RegistryTargets;
}

/** Loads the config and resolves the registry credentials of `services` (and every configured one). */
export async function loadRegistrySetup(ctx: CommandContext, services: readonly string[] = []): Promise<RegistrySetup> {
  const config = await loadConfig({path: ctx.option('config'), env: ctx.io.env});
  const targets = new RegistryTargets(config, {env: ctx.io.env});
  await targets.check(services);
  return {config, targets};
}

export function registrySync(
  setup: RegistrySetup,
  gateway: DockerGateway,
  store: Store,
  ctx: CommandContext,
  log: (line: string) => void,
  background = false,
): RegistrySync {
  return new RegistrySync(gateway, store, setup.targets, {log, env: ctx.io.env, background});
}

/** The service's versions (newest first), its history name and its live version (null if unknown). */
export async function versionsWithLive(
  gateway: DockerGateway | null,
  store: Store,
  nameOrId: string,
): Promise<{serviceName: string; rows: VersionRow[]; live: number | null}> {
  const history = await loadHistory(gateway, store, nameOrId);
  const live = history.entries.find((e) => e.live)?.row.number ?? null;
  return {serviceName: history.serviceName, rows: history.entries.map((e) => e.row), live};
}

/** Without --yes a terminal is needed to ask; refuse before touching anything otherwise. */
export function requireYesOrTerminal(ctx: CommandContext, command: string, what: string): void {
  if (ctx.flag('yes') || ctx.io.stdin.isTTY) return;
  throw new UsageError(`${command}: refusing to delete ${what} without confirmation: stdin is not a terminal — pass --yes`);
}

export function confirm(ctx: CommandContext, question: string): Promise<boolean> {
  if (ctx.flag('yes')) return Promise.resolve(true);
  return new Promise((resolve) => {
    const rl = readline.createInterface({input: ctx.io.stdin, output: ctx.io.stderr, terminal: true});
    rl.on('SIGINT', () => {
      rl.close();
      resolve(false);
    });
    rl.question(`${question} [y/N] `, (answer) => {
      rl.close();
      resolve(/^y(es)?$/i.test(answer.trim()));
    });
  });
}

/**
 * What a rollback's pre-flight needs from the rollback registry: where the version's image comes
 * from (pushed digest, local tag) and credentials for any registry. A config file that cannot be
 * read stops the rollback (exit 2); credentials that cannot be resolved only leave the registry out
 * (the image may well be local), with a warning.
 */
export async function rollbackRegistryDeps(ctx: CommandContext, gateway: DockerGateway): Promise<Pick<PlanDeps, 'rollbackImage' | 'registryAuth'>> {
  const config = await loadConfig({path: ctx.option('config'), env: ctx.io.env});
  const targets = new RegistryTargets(config, {env: ctx.io.env});
  const env = ctx.io.env;
  const target = async (serviceName: string) =>
    targets.for(serviceName).catch((error: unknown) => {
      if (!(error instanceof DokrollError)) throw error;
      ctx.err(`warning: rollback registry not used: ${error.message}`);
      return null;
    });
  // An image's own registry (not the rollback registry): what `docker pull` would use.
  const registryAuth = async (host: string): Promise<RegistryAuth | undefined> =>
    (await dockerCredentialsFor(host, {env}).catch(() => null))?.toJSON();
  return {
    registryAuth,
    rollbackImage: async (input) => {
      const chosen = await target(input.row.serviceName);
      return chosen ? chooseRollbackImage(gateway, chosen, input, (image) => checkImage(gateway, image, registryAuth)) : null;
    },
  };
}

/**
 * After a rollback: keep the image of the version it recorded (and any other of the service not
 * kept yet) as the recorder would. Never fails the command; logs in text mode only.
 */
export async function keepPendingImages(ctx: CommandContext, gateway: DockerGateway, store: Store, serviceName: string): Promise<void> {
  try {
    const config = await loadConfig({path: ctx.option('config'), env: ctx.io.env});
    const targets = new RegistryTargets(config, {env: ctx.io.env});
    const log = (line: string) => (ctx.json ? undefined : ctx.out(line));
    await new RegistrySync(gateway, store, targets, {log, env: ctx.io.env}).retryPending(serviceName);
  } catch (error) {
    if (!ctx.json) ctx.err(`warning: the rollback's version image was not kept: ${(error as Error).message}`);
  }
}
