import {deletableVersion, deleteRollbackPoint, describeDeletion} from '../../services/registry/index.js';
import {EXIT} from '../../shared/errors.js';
import {serviceVersionOperands} from '../args.js';
import type {Command} from '../command.js';
import {jsonDeletion} from './prune.js';
import {confirm, loadRegistrySetup, requireYesOrTerminal} from './registry-setup.js';

export const deleteCommand: Command = {
  name: 'delete',
  summary: 'delete one rollback point: history row, local tag and registry tag',
  usage: [
    'Usage: dokroll-tui delete SERVICE vN [--yes] [--json]',
    '',
    'Deletes version vN: its history row, its local tag and its registry tag (a manifest delete by',
    'digest; kept when another version points to the same manifest). The live version and the one',
    'before it cannot be deleted. The deletion is written to the audit log.',
    '  --yes, -y   do not ask (required when stdin is not a terminal)',
  ].join('\n'),
  exitCodes: [
    '0  deleted',
    '1  failed (e.g. registry unreachable: the version is kept)',
    '2  bad input, or a protected version (the live one or the one before it)',
  ],
  examples: ['dokroll-tui delete web v2', 'dokroll-tui delete web v2 --yes'],
  operands: ['service', 'version'],
  options: {yes: {type: 'boolean', short: 'y'}},
  mutates: () => true,
  async run(ctx) {
    const {name, version} = serviceVersionOperands(ctx.args, 'delete');
    const setup = await loadRegistrySetup(ctx, [name]);
    const store = await ctx.store();
    const gateway = await ctx.gateway();
    await gateway.assertManager();
    const row = await deletableVersion(gateway, store, name, version);
    const {serviceName} = row;
    requireYesOrTerminal(ctx, 'delete', `v${version} of ${serviceName}`);
    if (!(await confirm(ctx, `Delete v${version} of ${serviceName} (history, local tag, registry tag)?`))) {
      ctx.err('cancelled: nothing was deleted');
      return EXIT.failed;
    }
    const target = await setup.targets.for(serviceName);
    const result = await deleteRollbackPoint(gateway, store, target, row, {reason: 'delete'});
    if (ctx.json) ctx.outJson(JSON.stringify({service: serviceName, ...jsonDeletion(result)}));
    else if (result.deleted) ctx.out(describeDeletion(result));
    else ctx.err(`dokroll-tui: ${describeDeletion(result)}`);
    return result.deleted ? EXIT.ok : EXIT.failed;
  },
};
