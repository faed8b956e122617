import type {DockerGateway} from '../../docker/gateway.js';
import type {CommandContext} from '../context.js';

/** The gateway, unless --offline was given: then history is read from the store alone. */
export async function connectOptional(ctx: CommandContext): Promise<DockerGateway | null> {
  if (ctx.flag('offline')) return null;
  const gateway = await ctx.gateway();
  await gateway.assertManager();
  return gateway;
}
