/**
 * The CLI's one read-only guard. A command that changes the swarm or the history says so
 * (`Command.mutates`); before it runs, the front door asks here whether the config file makes its
 * service read-only (`services.<name>.readOnly`, else the top-level `readOnly`) and refuses with
 * exit 2 and the setting named. A service given by ID is looked up by name when a per-service
 * setting could apply.
 */
import {ReadOnlyError} from '../config/errors.js';
import type {EffectiveConfig} from '../config/effective-config.js';
import type {Command} from './command.js';
import type {CommandContext} from './context.js';

/** The service's name: `given` itself unless it is not a configured name and may be an ID. */
async function serviceNameOf(ctx: CommandContext, config: EffectiveConfig, given: string): Promise<string> {
  const perService = Object.values(config.services).some((service) => service.readOnly !== undefined);
  if (!perService || Object.prototype.hasOwnProperty.call(config.services, given)) return given;
  try {
    const gateway = await ctx.gateway();
    return (await gateway.findService(given))?.Spec.Name ?? given;
  } catch {
    // The command itself reports an unreachable daemon; the name given is all there is.
    return given;
  }
}

/** Throws ReadOnlyError (exit 2) when `command` would change a service the config makes read-only. */
export async function refuseWhenReadOnly(ctx: CommandContext, command: Command): Promise<void> {
  if (!command.mutates?.(ctx)) return;
  const given = ctx.args.positionals[0];
  // No SERVICE: the command's own usage error says so.
  if (given === undefined) return;
  const config = await ctx.config();
  const reason = config.readOnlyReason(await serviceNameOf(ctx, config, given));
  if (reason) throw new ReadOnlyError(reason, `${command.name} ${given}`);
}
