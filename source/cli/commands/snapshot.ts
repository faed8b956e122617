import {Recorder} from '../../services/recorder.js';
import {EXIT} from '../../shared/errors.js';
import {parseWith, rejectExtraPositionals, requirePositional, ServiceNameArg} from '../args.js';
import type {Command} from '../command.js';
import {loadRegistrySetup} from './registry-setup.js';

export const snapshotCommand: Command = {
  name: 'snapshot',
  summary: 'record the current spec of a service as a version now',
  usage: [
    'Usage: dokroll-tui snapshot SERVICE [--json]',
    '',
    'Records the live spec as a new version unless it equals the latest recorded one, then keeps its',
    'image: tagged <registry>/<prefix>/<service>:vN and pushed (or tagged dokroll/<service>:vN locally),',
    'and applies the retention setting.',
  ].join('\n'),
  exitCodes: [
    '0  recorded, or unchanged since the latest version',
    '1  the daemon is unreachable',
    '2  bad input: unknown service, bad config or database',
  ],
  examples: ['dokroll-tui snapshot web'],
  operands: ['service'],
  options: {},
  mutates: () => true,
  async run(ctx) {
    const name = parseWith(ServiceNameArg, requirePositional(ctx.args, 0, 'SERVICE', 'snapshot'), 'SERVICE');
    rejectExtraPositionals(ctx.args, 1, 'snapshot');
    const setup = await loadRegistrySetup(ctx, [name]);
    const gateway = await ctx.gateway();
    await gateway.assertManager();
    const service = await gateway.inspectService(name);
    const store = await ctx.store();
    const log = (line: string) => (ctx.json ? undefined : ctx.out(line));
    const registry = setup.sync(gateway, store, {log});
    const recorder = new Recorder(gateway, store, {registry});
    const {row, created} = await recorder.recordNow(service, 'snapshot');
    if (ctx.json) {
      const image = (await store.versions.get(row.serviceName, row.number))?.rollbackImage;
      ctx.outJson(
        JSON.stringify({
          service: service.Spec.Name,
          version: row.number,
          created,
          pushState: image?.pushState ?? null,
          pushRef: image?.ref ?? null,
          pushDigest: image?.digest ?? null,
          pushError: image?.error ?? null,
        }),
      );
    } else {
      ctx.out(
        created
          ? `recorded ${service.Spec.Name} v${row.number}`
          : `${service.Spec.Name} is unchanged since v${row.number}: nothing recorded`,
      );
    }
    return EXIT.ok;
  },
};
