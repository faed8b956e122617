import type {DockerGateway} from '../../docker/gateway.js';
import {parseWith, ServiceNameArg} from '../args.js';
import type {CommandContext} from '../context.js';

/** The gateway, unless --offline was given: then history is read from the store alone. */
export async function connectOptional(ctx: CommandContext): Promise<DockerGateway | null> {
  if (ctx.flag('offline')) return null;
  const gateway = await ctx.gateway();
  await gateway.assertManager();
  return gateway;
}

/** `--service NAME` (repeatable), for commands that watch the whole swarm. */
export const SERVICE_FILTER_OPTION = {service: {type: 'string', multiple: true, accepts: 'a service name'}} as const;

/**
 * Which services a swarm-wide command (record, console) looks at: the `--service` names, else the
 * comma-separated DOKROLL_SERVICES, else all (undefined).
 */
export function serviceFilter(ctx: CommandContext): ((serviceName: string) => boolean) | undefined {
  const fromFlags = ctx.options('service');
  const names =
    fromFlags.length > 0
      ? fromFlags
      : (ctx.io.env.DOKROLL_SERVICES ?? '')
          .split(',')
          .map((n) => n.trim())
          .filter(Boolean);
  if (names.length === 0) return undefined;
  const wanted = new Set(names.map((name) => parseWith(ServiceNameArg, name, '--service')));
  return (serviceName) => wanted.has(serviceName);
}
