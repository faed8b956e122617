import {keepVersionImage, describePush} from '../../services/registry/index.js';
import {requireVersion} from '../../services/history-query.js';
import {EXIT} from '../../shared/errors.js';
import {serviceVersionOperands} from '../args.js';
import type {Command} from '../command.js';
import {loadRegistrySetup} from './registry-setup.js';

export const pushCommand: Command = {
  name: 'push',
  summary: "tag a version's image v<n> and push it to the rollback registry (retry a failed push)",
  usage: [
    'Usage: dokroll-tui push SERVICE vN [--json]',
    '',
    "Tags version vN's image as <registry>/<prefix>/<service>:vN and pushes it, recording the digest",
    'the registry reports (with the local registry: tags dokroll/<service>:vN only). The image must be',
    "in the connected node's image store (or pullable by its recorded digest).",
  ].join('\n'),
  exitCodes: ['0  pushed (or tagged)', '1  push failed (the reason is stored and shown)', '2  bad input'],
  examples: ['dokroll-tui push web v3'],
  operands: ['service', 'version'],
  options: {},
  mutates: () => true,
  async run(ctx) {
    const {name, version} = serviceVersionOperands(ctx.args, 'push');
    const setup = await loadRegistrySetup(ctx, [name]);
    const store = await ctx.store();
    const row = await requireVersion(store, name, version);
    const gateway = await ctx.gateway();
    const target = await setup.targets.for(row.serviceName);
    const outcome = await keepVersionImage(gateway, store, target, row, {env: ctx.io.env});
    const ok = outcome.state !== 'push_failed';
    await store.audit.append({
      action: 'push_image',
      serviceName: row.serviceName,
      toVersion: row.number,
      result: ok ? 'ok' : 'failed',
      detail: describePush(outcome),
      durationMs: outcome.durationMs,
    });
    if (ctx.json) {
      ctx.outJson(
        JSON.stringify({
          service: outcome.serviceName,
          version: outcome.version,
          pushState: outcome.state,
          imageLocation: outcome.location,
          ref: outcome.ref,
          digest: outcome.digest,
          imageSize: outcome.size,
          pushError: outcome.error,
          durationMs: outcome.durationMs,
        }),
      );
    } else if (ok) {
      ctx.out(describePush(outcome));
    } else {
      ctx.err(`dokroll-tui: ${describePush(outcome)}`);
    }
    return ok ? EXIT.ok : EXIT.failed;
  },
};
