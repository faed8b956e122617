import type {RollbackMode, UpdateOverrides} from '../../domain/rollback-target.js';
import {planRollback} from '../../services/rollback/index.js';
import {
  DurationArg,
  parseWith,
  rejectExtraPositionals,
  requirePositional,
  ServiceNameArg,
  UsageError,
  VersionArg,
} from '../args.js';
import type {Command} from '../command.js';
import type {CommandContext} from '../context.js';
import {keepPendingImages, loadRegistrySetup} from './registry-setup.js';
import {deps, requireConfirmable, ROLLOUT_OPTIONS, runPlan, runResume, watchMsOf} from './rollout-runner.js';

/** --image-only / --config-only → mode; both is a usage error. */
export function modeOf(imageOnly: boolean, configOnly: boolean): RollbackMode {
  if (imageOnly && configOnly) throw new UsageError('rollback: --image-only and --config-only exclude each other');
  return imageOnly ? 'image' : configOnly ? 'config' : 'full';
}

/** --parallelism N, --order start-first|stop-first, --delay DURATION. */
export function overridesOf(values: {parallelism?: string; order?: string; delay?: string}): UpdateOverrides {
  const overrides: UpdateOverrides = {};
  if (values.parallelism !== undefined) {
    if (!/^\d{1,4}$/.test(values.parallelism)) {
      throw new UsageError(
        `--parallelism: expected a whole number of tasks (0 = all at once) (got '${values.parallelism}')`,
      );
    }
    overrides.parallelism = Number(values.parallelism);
  }
  if (values.order !== undefined) {
    if (values.order !== 'start-first' && values.order !== 'stop-first') {
      throw new UsageError(`--order: expected start-first or stop-first (got '${values.order}')`);
    }
    overrides.order = values.order;
  }
  if (values.delay !== undefined) overrides.delayMs = parseWith(DurationArg, values.delay, '--delay');
  return overrides;
}

function rejectWithResume(ctx: CommandContext, names: string[]): void {
  const given = names.filter((name) => ctx.args.values[name] !== undefined);
  if (given.length)
    throw new UsageError(
      `rollback: --resume reattaches to the rollback in flight; it takes no --${given.join(', --')}`,
    );
}

export const rollbackCommand: Command = {
  name: 'rollback',
  summary: 'roll a service back to any recorded version, with pre-flight checks and a health verdict',
  usage: [
    'Usage: dokroll-tui rollback SERVICE --to vN [--image-only | --config-only] [--dry-run] [--yes] [--json]',
    '                            [--watch SECONDS] [--force] [--revert-on-failure] [--allow-local-image]',
    '                            [--parallelism N] [--order start-first|stop-first] [--delay DURATION]',
    '       dokroll-tui rollback SERVICE --resume [--json] [--watch SECONDS]',
    '',
    "Re-applies version vN's stored spec as a normal rolling update (image pinned by digest or local ID).",
    '  --to vN              the version to roll back to (see history SERVICE)',
    "  --image-only         keep the live spec, deploy only vN's image",
    "  --config-only        deploy vN's spec with the live image",
    '  --dry-run            print the pre-flight checks and the changes, then exit (0 if they pass, 1 if not)',
    '  --yes, -y            do not ask (required when stdin is not a terminal)',
    '  --watch SECONDS      health watch after the update converged (default 30)',
    '  --force              proceed even if the service is mid-update by someone else',
    '  --revert-on-failure  re-apply the spec that was live before if the rollback fails',
    '  --allow-local-image  deploy an image no registry has although other nodes may run the tasks',
    '                       (you loaded it on every node yourself; refused by default)',
    '  --parallelism N      tasks updated at once (default 1)',
    '  --order X            start-first (default; stop-first when a fixed host-mode port is published) or stop-first',
    "  --delay DURATION     pause between batches (default: the version's own)",
    '  --resume             reattach to a rollback whose command was interrupted, and finish it',
    '',
    'Ctrl-C stops watching only: Swarm finishes the update; reattach with --resume.',
  ].join('\n'),
  exitCodes: [
    '0    healthy (--dry-run: the pre-flight passed)',
    '1    failed or reverted (--dry-run: a pre-flight check failed)',
    '2    bad input',
    '3    degraded',
    '4    conflict: someone else changed or is updating the service',
    '130  interrupted: Swarm finishes the update; reattach with --resume',
  ],
  examples: [
    'dokroll-tui rollback web --to v3',
    'dokroll-tui rollback web --to v3 --dry-run',
    'dokroll-tui rollback web --to v3 --yes --image-only --watch 60',
    'dokroll-tui rollback web --resume',
  ],
  operands: ['service'],
  options: {
    ...ROLLOUT_OPTIONS,
    to: {type: 'string', accepts: 'a version like v3'},
    'image-only': {type: 'boolean'},
    'config-only': {type: 'boolean'},
    'dry-run': {type: 'boolean'},
    'revert-on-failure': {type: 'boolean'},
    parallelism: {type: 'string', accepts: 'a whole number of tasks (0 = all at once)'},
    order: {type: 'string', accepts: 'start-first or stop-first'},
    delay: {type: 'string', accepts: 'a duration like 0s, 500ms or 10s'},
    'allow-local-image': {type: 'boolean'},
  },
  mutates: (ctx) => !ctx.flag('dry-run'),
  async run(ctx) {
    const service = parseWith(ServiceNameArg, requirePositional(ctx.args, 0, 'SERVICE', 'rollback'), 'SERVICE');
    rejectExtraPositionals(ctx.args, 1, 'rollback');
    const watchMs = watchMsOf(ctx);
    const revertOnFailure = ctx.flag('revert-on-failure') || undefined;
    if (ctx.flag('resume')) {
      rejectWithResume(ctx, [
        'to',
        'image-only',
        'config-only',
        'dry-run',
        'parallelism',
        'order',
        'delay',
        'force',
        'allow-local-image',
      ]);
      return runResume(ctx, 'rollback', service, {dryRun: false, watchMs, revertOnFailure});
    }
    const toText = ctx.option('to');
    if (toText === undefined)
      throw new UsageError("rollback: missing --to vN (see 'dokroll-tui history SERVICE' for versions)");
    const version = parseWith(VersionArg, toText, '--to');
    const mode = modeOf(ctx.flag('image-only'), ctx.flag('config-only'));
    const overrides = overridesOf({
      parallelism: ctx.option('parallelism'),
      order: ctx.option('order'),
      delay: ctx.option('delay'),
    });
    requireConfirmable(ctx, 'rollback', service);
    // A config file that cannot be read stops the rollback (exit 2); credentials that cannot be
    // resolved only leave the rollback registry out (the image may well be local), with a warning.
    const setup = await loadRegistrySetup(ctx, null);
    const {inspected, ...engine} = await deps(ctx, service);
    const registry = setup.rollbackDeps(engine.gateway, (message) => ctx.err(`warning: ${message}`));
    const plan = await planRollback(
      {...engine, ...registry},
      {
        service,
        inspected,
        version,
        mode,
        overrides,
        force: ctx.flag('force'),
        allowLocalImage: ctx.flag('allow-local-image'),
      },
    );
    const code = await runPlan(ctx, engine, plan, {dryRun: ctx.flag('dry-run'), watchMs, revertOnFailure});
    if (!ctx.flag('dry-run')) await keepPendingImages(ctx, setup, engine.gateway, engine.store, plan.serviceName);
    return code;
  },
};
