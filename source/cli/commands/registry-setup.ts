/**
 * What the registry commands share: the rollback registry setup (the configuration loaded and,
 * unless told otherwise, its credentials checked before anything is touched: a bad config exits 2
 * with the key named), asking before deleting, and keeping a rollback's image afterwards.
 */
import type {DockerGateway} from '../../docker/gateway.js';
import {RegistrySetup} from '../../services/registry/index.js';
import type {Store} from '../../store/index.js';
import {UsageError} from '../args.js';
import type {CommandContext} from '../context.js';
import {askYesNo} from '../prompt.js';

/**
 * Loads the config (--config, else the default location) and checks the registry credentials of
 * `services` (none given: the default registry and every configured one; null: not checked).
 */
export async function loadRegistrySetup(
  ctx: CommandContext,
  services: readonly string[] | null = [],
): Promise<RegistrySetup> {
  const setup = new RegistrySetup(await ctx.config(), ctx.io.env);
  if (services !== null) await setup.check(services);
  return setup;
}

/** Without --yes a terminal is needed to ask; refuse before touching anything otherwise. */
export function requireYesOrTerminal(ctx: CommandContext, command: string, what: string): void {
  if (ctx.flag('yes') || ctx.io.stdin.isTTY) return;
  throw new UsageError(
    `${command}: refusing to delete ${what} without confirmation: stdin is not a terminal — pass --yes`,
  );
}

/** The y/N question, unless --yes answered it already. */
export function confirm(ctx: CommandContext, question: string): Promise<boolean> {
  return ctx.flag('yes') ? Promise.resolve(true) : askYesNo(ctx, question);
}

/**
 * After a rollback: keep the image of the version it recorded (and any other of the service not
 * kept yet) as the recorder would. Never fails the command; logs in text mode only.
 */
export async function keepPendingImages(
  ctx: CommandContext,
  setup: RegistrySetup,
  gateway: DockerGateway,
  store: Store,
  serviceName: string,
): Promise<void> {
  try {
    const log = (line: string) => (ctx.json ? undefined : ctx.out(line));
    await setup.sync(gateway, store, {log}).retryPending(serviceName);
  } catch (error) {
    if (!ctx.json) ctx.err(`warning: the rollback's version image was not kept: ${(error as Error).message}`);
  }
}
