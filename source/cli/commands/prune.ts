import {z} from 'zod';
import {versionsWithLive} from '../../services/history-query.js';
import {deleteRollbackPoint, describeDeletion, planPrune, type DeletionResult} from '../../services/registry/index.js';
import {EXIT} from '../../shared/errors.js';
import {parseWith, rejectExtraPositionals, requirePositional, ServiceNameArg, UsageError} from '../args.js';
import type {Command} from '../command.js';
import {confirm, loadRegistrySetup, requireYesOrTerminal} from './registry-setup.js';

const KeepArg = z
  .string()
  .regex(/^\d{1,6}$/, 'expected a whole number from 2 to 100000')
  .transform(Number)
  .refine((n) => n >= 2, 'must be at least 2 (the live version and the one before it are always kept)')
  .refine((n) => n <= 100_000, 'expected a whole number from 2 to 100000');

export function jsonDeletion(result: DeletionResult) {
  return {
    version: result.version,
    deleted: result.deleted,
    registry: result.registry,
    localTag: result.localTag,
    error: result.error,
  };
}

export const pruneCommand: Command = {
  name: 'prune',
  summary: 'delete old rollback points of a service: keep the newest N (never the live one or the one before)',
  usage: [
    'Usage: dokroll-tui prune SERVICE --keep N [--yes] [--json]',
    '',
    'Deletes every version but the newest N (N ≥ 2): the history row, the local tag and the registry',
    'tag (a registry manifest delete). The live version and the one before it are always kept. Each',
    'deletion is written to the audit log. The retention setting (default keep 10) does the same after',
    'each recorded version.',
    '  --yes, -y   do not ask (required when stdin is not a terminal)',
    '  --keep N    how many of the newest versions to keep (at least 2)',
  ].join('\n'),
  exitCodes: ['0  done', '1  some deletion failed (e.g. registry unreachable: that version is kept)', '2  bad input'],
  examples: ['dokroll-tui prune web --keep 5', 'dokroll-tui prune web --keep 5 --yes --json'],
  operands: ['service'],
  options: {
    keep: {type: 'string', accepts: 'a whole number of versions, at least 2'},
    yes: {type: 'boolean', short: 'y'},
  },
  mutates: () => true,
  async run(ctx) {
    const name = parseWith(ServiceNameArg, requirePositional(ctx.args, 0, 'SERVICE', 'prune'), 'SERVICE');
    rejectExtraPositionals(ctx.args, 1, 'prune');
    const keepText = ctx.option('keep');
    if (keepText === undefined) throw new UsageError('prune: missing --keep N (how many versions to keep)');
    const keep = parseWith(KeepArg, keepText, '--keep');
    const setup = await loadRegistrySetup(ctx, [name]);
    const store = await ctx.store();
    const gateway = await ctx.gateway();
    await gateway.assertManager();
    const {serviceName, rows, live} = await versionsWithLive(gateway, store, name);
    const plan = planPrune(serviceName, rows, keep, live);
    const keptText = plan.kept.map((k) => `v${k.version} (${k.why})`).join(', ');
    if (plan.remove.length === 0) {
      if (ctx.json) ctx.outJson(JSON.stringify({service: serviceName, keep, live, kept: plan.kept, deleted: []}));
      else ctx.out(`nothing to prune: ${rows.length} version(s) of ${serviceName}, all kept`);
      return EXIT.ok;
    }
    const doomed = plan.remove.map((r) => `v${r.number}`).join(', ');
    requireYesOrTerminal(ctx, 'prune', `${doomed} of ${serviceName}`);
    if (!ctx.json) ctx.out(`prune ${serviceName} --keep ${keep}: deleting ${doomed}; keeping ${keptText}`);
    if (!(await confirm(ctx, `Delete ${doomed} of ${serviceName} (history, local tags, registry tags)?`))) {
      ctx.err('cancelled: nothing was deleted');
      return EXIT.failed;
    }
    const target = await setup.targets.for(serviceName);
    const results: DeletionResult[] = [];
    for (const row of plan.remove) {
      const result = await deleteRollbackPoint(gateway, store, target, row, {reason: `prune --keep ${keep}`});
      results.push(result);
      if (!ctx.json) {
        if (result.deleted) ctx.out(describeDeletion(result));
        else ctx.err(describeDeletion(result));
      }
    }
    if (ctx.json) {
      ctx.outJson(
        JSON.stringify({service: serviceName, keep, live, kept: plan.kept, deleted: results.map(jsonDeletion)}),
      );
    }
    return results.every((r) => r.deleted) ? EXIT.ok : EXIT.failed;
  },
};
