/**
 * What `rollback` and `redeploy` share: confirmation, printing events as they come, interrupts
 * (SIGINT, SIGTERM, SIGHUP: stop watching, never cancel anything in Swarm), the verdict and its exit code.
 */
import type {Service} from '../../docker/schemas.js';
import {imageRegistryAuth} from '../../services/registry/index.js';
import {
  executeRollout,
  resumeRollout,
  type EngineDeps,
  type PlanDeps,
  type RolloutEvent,
  type RolloutKind,
  type RolloutOutcome,
  type RolloutPlan,
} from '../../services/rollback/index.js';
import {EXIT} from '../../shared/errors.js';
import {askYesNo} from '../prompt.js';
import {parseWith, SecondsArg, UsageError} from '../args.js';
import type {CommandContext} from '../context.js';
import {
  describeSettings,
  healthLine,
  jsonHealth,
  jsonPreflight,
  jsonProgress,
  jsonVerdict,
  preflightLines,
  progressLine,
  RESULT_EXIT,
  resumeHint,
  verdictLines,
} from '../rollout-output.js';

export const ROLLOUT_OPTIONS = {
  yes: {type: 'boolean', short: 'y'},
  watch: {type: 'string', accepts: 'a whole number of seconds from 0 to 86400'},
  force: {type: 'boolean'},
  resume: {type: 'boolean'},
} as const;

/** --watch SECONDS in ms (default 30 s). */
export function watchMsOf(ctx: CommandContext): number | undefined {
  const watch = ctx.option('watch');
  return watch === undefined ? undefined : parseWith(SecondsArg, watch, '--watch') * 1000;
}

/** Without --yes a terminal is needed to ask; refuse at once otherwise (before touching anything). */
export function requireConfirmable(ctx: CommandContext, command: string, service: string): void {
  if (ctx.flag('yes') || ctx.flag('dry-run') || ctx.flag('resume') || ctx.io.stdin.isTTY) return;
  throw new UsageError(
    `${command}: refusing to change '${service}' without confirmation: stdin is not a terminal — pass --yes`,
  );
}

/** What deps() opened, and the service it read on the way when asked to. */
export interface Session extends PlanDeps {
  /** `service` as inspected while the history opened (when one was named). */
  inspected?: Service;
}

/**
 * Gateway (with the node Engines the config names), store, and registry credentials as the Docker
 * CLI would find them (for the image check).
 * Given a service name or ID, inspects it while the history opens (planRollback reuses it).
 */
export async function deps(ctx: CommandContext, service?: string): Promise<Session> {
  // libSQL's code loads while the daemon answers; the history file is opened only once the daemon
  // is known to be a reachable manager (a daemon that is down changes nothing, not even the file).
  const loadingStore = ctx.preloadStore();
  const gateway = await ctx.gateway();
  const info = await gateway.assertManager();
  const inspecting = service === undefined ? undefined : gateway.inspectService(service);
  // Settled now, so that a store that fails to open leaves no rejection unobserved.
  inspecting?.catch(() => undefined);
  await ctx.useNodeEngines(gateway);
  await loadingStore;
  const store = await ctx.store();
  const inspected = await inspecting;
  return {gateway, store, info, registryAuth: imageRegistryAuth(ctx.io.env), ...(inspected ? {inspected} : {})};
}

/**
 * Says when the connected manager went away and the watch continues through another (several
 * managers named with --host / DOCKER_HOST). Returns the function that stops saying it.
 */
function reportFailovers(ctx: CommandContext, engine: EngineDeps): () => void {
  return engine.gateway.onFailover((event) => {
    if (ctx.json) ctx.outJson(JSON.stringify({type: 'failover', ...event}));
    else
      ctx.out(
        `manager ${event.from} went away (${event.cause}); continuing through ${event.to} (failover took ${event.elapsedMs} ms)`,
      );
  });
}

function printer(ctx: CommandContext): (event: RolloutEvent) => void {
  return (event) => {
    // CPU and memory samples are for the console's panel; the CLI reports the means with the verdict's version.
    if (event.type === 'metrics') return;
    if (ctx.json) {
      if (event.type === 'progress') ctx.outJson(JSON.stringify(jsonProgress(event.progress)));
      else if (event.type === 'health')
        ctx.outJson(JSON.stringify(jsonHealth(event.elapsedMs, event.windowMs, event.verdict)));
      else ctx.outJson(JSON.stringify(event));
      return;
    }
    if (event.type === 'applied')
      ctx.out(`applied at Version.Index ${event.versionIndex}: ${describeSettings(event.settings)}`);
    else if (event.type === 'progress') ctx.out(progressLine(event.progress));
    else if (event.type === 'health') ctx.out(healthLine(event.elapsedMs, event.windowMs, event.verdict));
    else ctx.out(`reverting: ${event.reason} — re-applying the spec that was live before`);
  };
}

/** The signals that stop a watch (Ctrl-C, `kill`, a dropped SSH connection) and their exit codes (128 + n). */
const INTERRUPTS = {SIGINT: RESULT_EXIT.interrupted, SIGTERM: 143, SIGHUP: 129} as const;
type Interrupt = keyof typeof INTERRUPTS;

export interface Interrupts {
  signal: AbortSignal;
  /** The exit code of the signal that stopped the watch (130 when none did). */
  exitCode(): number;
  release(): void;
}

/** Stops the watch on the first interrupt (a second one ends the process as usual). */
export function watchInterrupts(): Interrupts {
  const controller = new AbortController();
  let received: Interrupt | null = null;
  const handlers = (Object.keys(INTERRUPTS) as Interrupt[]).map((name) => {
    const stop = () => {
      received ??= name;
      // After a hang-up the terminal is gone: writing the hint must not crash the bookkeeping.
      if (name === 'SIGHUP') for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
      controller.abort();
    };
    process.once(name, stop);
    return [name, stop] as const;
  });
  return {
    signal: controller.signal,
    exitCode: () => (received ? INTERRUPTS[received] : RESULT_EXIT.interrupted),
    release: () => {
      for (const [name, stop] of handlers) process.off(name, stop);
    },
  };
}

function report(ctx: CommandContext, kind: RolloutKind, outcome: RolloutOutcome, interrupts: Interrupts): number {
  if (outcome.result === 'interrupted') {
    const resume = resumeHint(kind, outcome.service);
    if (ctx.json)
      ctx.outJson(
        JSON.stringify({type: 'interrupted', kind, service: outcome.service, reasons: outcome.reasons, resume}),
      );
    const applied = !outcome.reasons[0]?.startsWith('cancelled');
    ctx.err(
      applied
        ? `interrupted: stopped watching ${outcome.service}; Swarm carries on with the update. Reattach with: ${resume}`
        : `interrupted: ${outcome.reasons[0]}`,
    );
    return interrupts.exitCode();
  }
  if (ctx.json) ctx.outJson(JSON.stringify(jsonVerdict(outcome)));
  else
    for (const line of verdictLines(outcome)) {
      if (outcome.result === 'healthy') ctx.out(line);
      else ctx.err(line);
    }
  return RESULT_EXIT[outcome.result];
}

export interface RunOptions {
  dryRun: boolean;
  watchMs?: number;
  revertOnFailure?: boolean;
}

/** Prints the pre-flight, asks (unless --yes), executes, prints progress and the verdict. */
export async function runPlan(
  ctx: CommandContext,
  engine: EngineDeps,
  plan: RolloutPlan,
  opts: RunOptions,
): Promise<number> {
  if (ctx.json) ctx.outJson(JSON.stringify(jsonPreflight(plan)));
  else for (const line of preflightLines(plan)) ctx.out(line);
  if (opts.dryRun) return plan.report.ok ? EXIT.ok : EXIT.failed;
  if (!plan.failure && !ctx.flag('yes')) {
    const question =
      plan.kind === 'redeploy'
        ? `Redeploy ${plan.serviceName}?`
        : `Roll ${plan.serviceName} back to v${plan.toVersion}?`;
    if (!(await askYesNo(ctx, question))) {
      ctx.err('cancelled: nothing was changed');
      return EXIT.failed;
    }
  }
  const interrupts = watchInterrupts();
  const stopReporting = reportFailovers(ctx, engine);
  try {
    const outcome = await executeRollout(engine, plan, {
      watchMs: opts.watchMs,
      revertOnFailure: opts.revertOnFailure,
      signal: interrupts.signal,
      onEvent: printer(ctx),
    });
    return report(ctx, plan.kind, outcome, interrupts);
  } finally {
    stopReporting();
    interrupts.release();
  }
}

/** `--resume`: reattach to the rollout in flight and finish it. */
export async function runResume(
  ctx: CommandContext,
  kind: RolloutKind,
  service: string,
  opts: RunOptions,
): Promise<number> {
  const engine = await deps(ctx);
  const interrupts = watchInterrupts();
  const stopReporting = reportFailovers(ctx, engine);
  try {
    const outcome = await resumeRollout(engine, service, {
      onAttach: (name) => (ctx.json ? undefined : ctx.out(`resuming: watching ${name}`)),
      watchMs: opts.watchMs,
      revertOnFailure: opts.revertOnFailure,
      signal: interrupts.signal,
      onEvent: printer(ctx),
    });
    return report(ctx, outcome.kind ?? kind, outcome, interrupts);
  } finally {
    stopReporting();
    interrupts.release();
  }
}
