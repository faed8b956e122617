import {planRedeploy} from '../../services/rollback/index.js';
import {parseWith, rejectExtraPositionals, requirePositional, ServiceNameArg} from '../args.js';
import type {Command} from '../command.js';
import {deps, requireConfirmable, ROLLOUT_OPTIONS, runPlan, runResume, watchMsOf} from './rollout-runner.js';

export const redeployCommand: Command = {
  name: 'redeploy',
  summary: 'force a rolling restart of the live version, with progress and a health verdict',
  usage: [
    'Usage: dokroll-tui redeploy SERVICE [--yes] [--json] [--watch SECONDS] [--force] [--dry-run]',
    '       dokroll-tui redeploy SERVICE --resume [--json] [--watch SECONDS]',
    '',
    "Replaces every task with a fresh one of the same spec (ForceUpdate), using the service's own",
    'update settings; no new version is recorded. Same progress, verdict and exit codes as rollback.',
    '',
    'Options:',
    '  --yes, -y         do not ask (required when stdin is not a terminal)',
    '  --watch SECONDS   health watch after the update converged (default 30)',
    '  --force           proceed even if the service is mid-update by someone else',
    '  --dry-run         print the pre-flight checks, then exit',
    '  --resume          reattach to a redeploy whose command was interrupted',
  ].join('\n'),
  exitCodes: [
    '0    healthy',
    '1    failed',
    '2    bad input',
    '3    degraded',
    '4    conflict: someone else changed or is updating the service',
    '130  interrupted: Swarm carries on; reattach with --resume',
  ],
  examples: ['dokroll-tui redeploy web', 'dokroll-tui redeploy web --yes --watch 10'],
  operands: ['service'],
  options: {...ROLLOUT_OPTIONS, 'dry-run': {type: 'boolean'}},
  mutates: (ctx) => !ctx.flag('dry-run'),
  async run(ctx) {
    const service = parseWith(ServiceNameArg, requirePositional(ctx.args, 0, 'SERVICE', 'redeploy'), 'SERVICE');
    rejectExtraPositionals(ctx.args, 1, 'redeploy');
    const watchMs = watchMsOf(ctx);
    if (ctx.flag('resume')) return runResume(ctx, 'redeploy', service, {dryRun: false, watchMs});
    requireConfirmable(ctx, 'redeploy', service);
    const engine = await deps(ctx);
    const plan = await planRedeploy(engine, service, ctx.flag('force'));
    return runPlan(ctx, engine, plan, {dryRun: ctx.flag('dry-run'), watchMs});
  },
};
