/**
 * `stack`: the history of whole stacks (the services sharing com.docker.stack.namespace).
 *   stack ls                      stacks in the swarm and in the history
 *   stack history NAME            revisions, newest first, the live one marked
 *   stack diff NAME rA [rB|live]  services added, removed and changed, each with its sectioned diff
 */
import {formatAge} from '../../domain/format.js';
import {parseRevision} from '../../domain/stack.js';
import {
  diffStackRevisions,
  listStacks,
  loadStackHistory,
  type RevisionSelector,
  type StackDiff,
} from '../../services/stacks/stack-history.js';
import {EXIT} from '../../shared/errors.js';
import {terminalSafe} from '../../shared/terminal-text.js';
import {traceMark} from '../../shared/phase-trace.js';
import {parseWith, rejectExtraPositionals, requirePositional, UsageError} from '../args.js';
import type {Command} from '../command.js';
import type {CommandContext} from '../context.js';
import {renderTable} from '../table.js';
import {renderDiffLines} from './diff.js';
import {connectOptional} from './shared.js';
import {
  deps as engineDeps,
  requireConfirmable,
  ROLLOUT_OPTIONS,
  watchInterrupts,
  watchMsOf,
  type Interrupts,
} from './rollout-runner.js';
import {askYesNo} from '../prompt.js';
import {parseDuration} from '../../config/duration.js';
import {loadConfig} from '../../config/effective-config.js';
import {ReadOnlyError} from '../../config/errors.js';
import {
  describePlan,
  executeStackRollback,
  planStackRollback,
  resumeStackRollback,
  type StackOutcome,
  type StackPlan,
} from '../../services/stacks/stack-rollback.js';
import {RESULT_EXIT, progressLine} from '../rollout-output.js';
import type {RolloutEvent} from '../../services/rollback/index.js';
import {findStackInFlight} from '../../services/stacks/stack-journal.js';
import {z} from 'zod';

const StackNameArg = z
  .string()
  .min(1, 'a stack name is required')
  .max(200)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'not a valid stack name');

const LimitArg = z.coerce.number().int().min(1).max(1_000_000);

const SUBCOMMANDS = ['ls', 'history', 'diff', 'rollback'] as const;

const label = (selector: RevisionSelector) => (selector === 'live' ? 'live' : `r${selector}`);
const versionLabel = (version: number | null) => (version === null ? 'unrecorded' : `v${version}`);

function revisionArg(text: string, what: string): number {
  const n = parseRevision(text);
  if (n === null) throw new UsageError(`stack: ${what}: expected a revision like r3 (got '${terminalSafe(text)}')`);
  return n;
}

export const stackCommand: Command = {
  name: 'stack',
  summary: 'history and diffs of whole stacks (services deployed with docker stack deploy)',
  usage: [
    'Usage: dokroll-tui stack ls [--json] [--offline]',
    '       dokroll-tui stack history STACK [--limit N | --all] [--json] [--offline]',
    '       dokroll-tui stack diff STACK rA [rB|live] [--json] [--show-secrets] [--offline]',
    '       dokroll-tui stack rollback STACK (--to rN | --at TIME) [--dry-run] [--yes] [--json] [--prune]',
    '                                  [--sequential] [--revert-on-failure] [--watch SECONDS] [--force]',
    '       dokroll-tui stack rollback STACK --resume [--json] [--watch SECONDS]',
    '',
    'A stack is the services sharing the label com.docker.stack.namespace. A revision of a stack',
    'points at one recorded version of each of its services; the recorder writes one when a deployment',
    'of the stack has settled (see README, "Stacks").',
    '',
    'Subcommands:',
    '  ls        stacks in the swarm and in the history: services, revisions, latest revision',
    '  history   revisions newest first (default the newest 50): live marker (●), age, source,',
    '            health (the worst of its services), its services, and what changed',
    '  diff      services added, removed and changed from rA to rB (default: what runs now),',
    '            each changed service with its sectioned diff; secret values masked',
    '  rollback  every service of the stack back to revision rN (or to the revision live at TIME):',
    '            each service rolls back to its version of rN with its own pre-flight; services',
    '            removed since are re-created from their stored spec; services added since are kept',
    '            (removed with --prune). One failing check changes nothing. Services roll in parallel;',
    '            one verdict.',
    '',
    'Options:',
    '  --offline              read the history without contacting the Docker daemon',
    '  --limit N              history: show the newest N revisions (default 50)',
    '  --all                  history: show every revision',
    '  --show-secrets         diff: show secret-looking values unmasked',
    '  --to rN                rollback: the revision to roll back to',
    '  --at TIME              rollback: the revision live at TIME (ISO time, or 2h / 30m ago)',
    '  --dry-run              rollback: print the plan and every pre-flight check, change nothing',
    '  --yes, -y              rollback: do not ask (required when stdin is not a terminal)',
    '  --prune                rollback: remove the services added since rN (else they are kept)',
    '  --sequential           rollback: one service after another instead of all at once',
    '  --revert-on-failure    rollback: if any service fails, put every service back to what ran before',
    '  --watch SECONDS        rollback: health watch after each service converged (default 30)',
    '  --force                rollback: proceed even if a service is mid-update by someone else',
    '  --resume               rollback: finish a stack rollback whose command was interrupted (killed,',
    '                         Ctrl-C, a dropped SSH connection): reattach to each service, verdict, revision',
  ].join('\n'),
  exitCodes: [
    '0  ok; rollback: every service healthy',
    '1  failed, or reverted',
    '2  bad input: unknown stack or revision, or a bad flag',
    '3  rollback: degraded',
    '4  conflict: another stack rollback or an update by someone else is in progress',
    '130  interrupted: Swarm finishes the updates; finish the rollback with --resume',
  ],
  examples: [
    'dokroll-tui stack ls',
    'dokroll-tui stack history shop',
    'dokroll-tui stack diff shop r3 r5',
    'dokroll-tui stack rollback shop --to r3 --dry-run',
    'dokroll-tui stack rollback shop --at 2h --yes',
    'dokroll-tui stack rollback shop --resume',
  ],
  operands: [['ls', 'history', 'diff', 'rollback']],
  options: {
    offline: {type: 'boolean'},
    limit: {type: 'string', accepts: 'a whole number from 1 to 1000000'},
    all: {type: 'boolean'},
    'show-secrets': {type: 'boolean'},
    ...ROLLOUT_OPTIONS,
    to: {type: 'string', accepts: 'a revision like r3'},
    at: {type: 'string', accepts: 'an ISO time or a duration ago like 2h'},
    'dry-run': {type: 'boolean'},
    prune: {type: 'boolean'},
    sequential: {type: 'boolean'},
    'revert-on-failure': {type: 'boolean'},
  },
  async run(ctx) {
    const sub = requirePositional(ctx.args, 0, `a subcommand (${SUBCOMMANDS.join(', ')})`, 'stack');
    if (sub === 'ls') return stackLs(ctx);
    if (sub === 'history') return stackHistory(ctx);
    if (sub === 'diff') return stackDiff(ctx);
    if (sub === 'rollback') return stackRollback(ctx);
    throw new UsageError(`stack: unknown subcommand '${terminalSafe(sub)}' (expected ${SUBCOMMANDS.join(', ')})`);
  },
};

async function stackLs(ctx: CommandContext): Promise<number> {
  rejectExtraPositionals(ctx.args, 1, 'stack ls');
  const store = await ctx.store();
  const stacks = await listStacks(await connectOptional(ctx), store);
  if (ctx.json) {
    ctx.outJson(
      JSON.stringify(
        stacks.map((s) => ({
          stack: s.stack,
          services: s.services,
          revisions: s.revisions,
          latest: s.latest === null ? null : `r${s.latest}`,
          latestAt: s.latestAt?.toISOString() ?? null,
        })),
        null,
        2,
      ),
    );
    return EXIT.ok;
  }
  if (stacks.length === 0) {
    ctx.out('no stacks in the swarm or in the history');
    return EXIT.ok;
  }
  const now = Date.now();
  const rows = stacks.map((s) => [
    terminalSafe(s.stack),
    s.services.length === 0 ? 'not running' : String(s.services.length),
    String(s.revisions),
    s.latest === null ? '—' : `r${s.latest}`,
    s.latestAt ? formatAge(s.latestAt, now) : '—',
  ]);
  for (const line of renderTable(['STACK', 'SERVICES', 'REVISIONS', 'LATEST', 'AGE'], rows)) ctx.out(line);
  return EXIT.ok;
}

async function stackHistory(ctx: CommandContext): Promise<number> {
  const stack = parseWith(StackNameArg, requirePositional(ctx.args, 1, 'STACK', 'stack history'), 'STACK');
  rejectExtraPositionals(ctx.args, 2, 'stack history');
  const limitText = ctx.option('limit');
  if (limitText !== undefined && ctx.flag('all'))
    throw new UsageError('stack history: --limit and --all exclude each other');
  const limit = ctx.flag('all') ? undefined : limitText === undefined ? 50 : parseWith(LimitArg, limitText, '--limit');
  const store = await ctx.store();
  const history = await loadStackHistory(await connectOptional(ctx), store, stack, {limit});
  if (ctx.json) {
    ctx.outJson(
      JSON.stringify(
        {
          stack: history.stack,
          live: history.live,
          more: history.more,
          revisions: history.entries.map(({row, live, health, changes}) => ({
            revision: row.number,
            live,
            recordedAt: row.recordedAt.toISOString(),
            source: row.source,
            note: row.note,
            health,
            services: row.members,
            changes: changes && {
              summary: changes.summary,
              added: changes.added,
              removed: changes.removed,
              changed: changes.changed,
            },
          })),
        },
        null,
        2,
      ),
    );
    return EXIT.ok;
  }
  if (history.entries.length === 0) {
    ctx.out(
      `no revisions recorded for stack ${terminalSafe(stack)} yet (the recorder writes one once a deployment has settled)`,
    );
    return EXIT.ok;
  }
  const now = Date.now();
  const rows = history.entries.map(({row, live, health, changes}) => [
    `r${row.number}`,
    live ? '●' : ' ',
    formatAge(row.recordedAt, now),
    row.source,
    health,
    Object.entries(row.members)
      .map(([service, n]) => `${service} v${n}`)
      .join(', '),
    changes === null
      ? 'first recorded revision'
      : [
          row.note,
          ...changes.changed.map((c) => `${c.service} v${c.from}→v${c.to}: ${c.summary}`),
          ...changes.added.map((a) => `+ ${a.service} v${a.version}`),
          ...changes.removed.map((r) => `- ${r.service} v${r.version}`),
        ]
          .filter((part) => part !== null && part !== '')
          .join('; ') || 'no changes',
  ]);
  const liveNote =
    history.live === null
      ? '  (offline: live revision unknown)'
      : Object.keys(history.live).length === 0
        ? '  (not running in the swarm)'
        : '';
  ctx.out(terminalSafe(`${history.stack}${liveNote}`));
  const width = ctx.io.stdout.isTTY ? ctx.io.stdout.columns : undefined;
  for (const line of renderTable(
    ['REVISION', 'LIVE', 'AGE', 'SOURCE', 'HEALTH', 'SERVICES', 'CHANGES'],
    rows.map((r) => r.map(terminalSafe)),
    width,
  )) {
    ctx.out(line);
  }
  if (history.more > 0) ctx.out(`… ${history.more} older revision(s) not shown (--limit N or --all)`);
  return EXIT.ok;
}

async function stackDiff(ctx: CommandContext): Promise<number> {
  const stack = parseWith(StackNameArg, requirePositional(ctx.args, 1, 'STACK', 'stack diff'), 'STACK');
  const from = revisionArg(requirePositional(ctx.args, 2, 'revision rA', 'stack diff'), 'rA');
  const toText = ctx.args.positionals[3];
  const to: RevisionSelector = toText === undefined || toText === 'live' ? 'live' : revisionArg(toText, 'rB');
  rejectExtraPositionals(ctx.args, 4, 'stack diff');
  const store = await ctx.store();
  const gateway = to === 'live' || !ctx.flag('offline') ? await connectOptional(ctx) : null;
  const diff = await diffStackRevisions(gateway, store, stack, from, to, {showSecrets: ctx.flag('show-secrets')});
  if (ctx.json) {
    ctx.outJson(JSON.stringify(jsonStackDiff(diff), null, 2));
    return EXIT.ok;
  }
  ctx.out(terminalSafe(`${diff.stack}: ${label(diff.from)} → ${label(diff.to)}`));
  if (diff.added.length + diff.removed.length + diff.changed.length === 0) {
    ctx.out('no differences');
    return EXIT.ok;
  }
  for (const a of diff.added) ctx.out(terminalSafe(`+ service ${a.service} (${versionLabel(a.version)})`));
  for (const r of diff.removed) ctx.out(terminalSafe(`- service ${r.service} (${versionLabel(r.version)})`));
  for (const c of diff.changed) {
    ctx.out(terminalSafe(`~ service ${c.service}: ${versionLabel(c.from)} → ${versionLabel(c.to)}`));
    for (const line of renderDiffLines(c.diff)) ctx.out(terminalSafe(`    ${line}`));
  }
  if (diff.unchanged.length > 0) ctx.out(terminalSafe(`unchanged: ${diff.unchanged.join(', ')}`));
  return EXIT.ok;
}

function jsonStackDiff(diff: StackDiff) {
  return {
    stack: diff.stack,
    from: label(diff.from),
    to: label(diff.to),
    changed: diff.added.length + diff.removed.length + diff.changed.length > 0,
    added: diff.added,
    removed: diff.removed,
    services: diff.changed.map((c) => ({
      service: c.service,
      from: c.from,
      to: c.to,
      sections: c.diff.sections.map((s) => ({
        section: s.section,
        title: s.title,
        changes: s.changes.map((ch) => ({kind: ch.kind, key: ch.key, old: ch.old ?? null, new: ch.new ?? null})),
      })),
    })),
    unchanged: diff.unchanged,
  };
}

/** `--at`: an ISO time, or a duration ago (`2h`, `30m`, `90s`). */
export function parseAt(text: string, now = Date.now()): Date {
  const ago = parseDuration(text);
  if (ago !== null && /[a-z]$/.test(text.trim())) return new Date(now - ago);
  const iso = /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(text.trim()) ? new Date(text.trim()) : null;
  if (iso === null || Number.isNaN(iso.getTime())) {
    throw new UsageError(
      `stack rollback: --at: expected an ISO time (2026-12-03T10:00:00Z) or a duration ago like 2h or 30m (got '${terminalSafe(text)}')`,
    );
  }
  return iso;
}

async function stackRollback(ctx: CommandContext): Promise<number> {
  const stack = parseWith(StackNameArg, requirePositional(ctx.args, 1, 'STACK', 'stack rollback'), 'STACK');
  rejectExtraPositionals(ctx.args, 2, 'stack rollback');
  if (ctx.flag('resume')) return stackResume(ctx, stack);
  const toText = ctx.option('to');
  const atText = ctx.option('at');
  if (toText !== undefined && atText !== undefined)
    throw new UsageError('stack rollback: --to and --at exclude each other');
  if (toText === undefined && atText === undefined)
    throw new UsageError("stack rollback: missing --to rN or --at TIME (see 'dokroll-tui stack history STACK')");
  const at = atText === undefined ? null : parseAt(atText);
  const watchMs = watchMsOf(ctx);
  requireConfirmable(ctx, 'stack rollback', stack);
  traceMark('stack rollback: arguments read');
  const deps = await engineDeps(ctx);
  traceMark('stack rollback: connected, history open');
  let revision: number;
  if (at !== null) {
    const row = await deps.store.stacks.liveAt(stack, at);
    if (!row)
      throw new UsageError(
        `stack rollback: no revision of stack '${terminalSafe(stack)}' was recorded by ${at.toISOString()}`,
      );
    revision = row.number;
  } else {
    revision = revisionArg(toText!, '--to');
  }
  const plan = await planStackRollback(deps, stack, revision, {prune: ctx.flag('prune'), force: ctx.flag('force')});
  traceMark(`stack ${stack}: plan and pre-flight done`);
  if (ctx.json && ctx.flag('dry-run')) {
    ctx.outJson(JSON.stringify(jsonPlan(plan), null, 2));
    return plan.ok ? EXIT.ok : EXIT.failed;
  }
  if (!ctx.json) for (const line of planLines(plan)) ctx.out(terminalSafe(line));
  if (ctx.flag('dry-run')) return plan.ok ? EXIT.ok : EXIT.failed;
  // Read-only: the top-level setting, or that of any service the rollback would change.
  const config = await loadConfig({path: ctx.option('config'), env: ctx.io.env});
  for (const p of plan.services) {
    if (p.action === 'unchanged' || p.action === 'keep') continue;
    const reason = config.readOnlyReason(p.service);
    if (reason) throw new ReadOnlyError(reason, `stack rollback ${stack}`);
  }
  if (!plan.ok) return report(ctx, await executeStackRollback(deps, plan));
  if (plan.services.every((p) => p.action === 'unchanged' || p.action === 'keep')) {
    if (ctx.json)
      ctx.outJson(
        JSON.stringify({
          stack,
          result: 'healthy',
          to: `r${revision}`,
          reasons: ['nothing to do'],
          plan: jsonPlan(plan),
        }),
      );
    else ctx.out(`stack ${terminalSafe(stack)} already runs r${revision}: nothing to do`);
    return EXIT.ok;
  }
  const removing = plan.services.filter((p) => p.action === 'remove');
  if (!ctx.flag('yes')) {
    if (!(await askYesNo(ctx, `Roll stack ${terminalSafe(stack)} back to r${revision}?`))) {
      ctx.err('cancelled: nothing was changed');
      return EXIT.failed;
    }
    if (
      removing.length > 0 &&
      !(await askYesNo(
        ctx,
        `Remove ${removing.map((p) => terminalSafe(p.service)).join(', ')} (added since r${revision})?`,
      ))
    ) {
      ctx.err('cancelled: nothing was changed');
      return EXIT.failed;
    }
  }
  const interrupts = watchInterrupts();
  try {
    const outcome = await executeStackRollback(deps, plan, {
      sequential: ctx.flag('sequential'),
      revertOnFailure: ctx.flag('revert-on-failure'),
      watchMs,
      signal: interrupts.signal,
      onEvent: printEvent(ctx),
    });
    traceMark(`stack ${stack}: verdict ${outcome.result}`);
    return report(ctx, outcome, interrupts);
  } finally {
    interrupts.release();
  }
}

/** `stack rollback NAME --resume`: finish the stack rollback whose command was interrupted. */
async function stackResume(ctx: CommandContext, stack: string): Promise<number> {
  const given = ['to', 'at', 'dry-run', 'prune', 'sequential', 'force'].filter(
    (name) => ctx.args.values[name] !== undefined,
  );
  if (given.length > 0)
    throw new UsageError(
      `stack rollback: --resume finishes the stack rollback in flight; it takes no --${given.join(', --')}`,
    );
  const watchMs = watchMsOf(ctx);
  const deps = await engineDeps(ctx);
  // Read-only: a resume may still apply the updates of services not started yet.
  const config = await loadConfig({path: ctx.option('config'), env: ctx.io.env});
  for (const entry of (await findStackInFlight(deps.store, stack))?.services ?? []) {
    if (entry.action === 'unchanged' || entry.action === 'keep') continue;
    const reason = config.readOnlyReason(entry.service);
    if (reason) throw new ReadOnlyError(reason, `stack rollback ${stack} --resume`);
  }
  const interrupts = watchInterrupts();
  try {
    const outcome = await resumeStackRollback(deps, stack, {
      revertOnFailure: ctx.flag('revert-on-failure') || undefined,
      watchMs,
      signal: interrupts.signal,
      onEvent: printEvent(ctx),
      onAttach: (name) => (ctx.json ? undefined : ctx.out(terminalSafe(`resuming: the rollback of stack ${name}`))),
    });
    return report(ctx, outcome, interrupts);
  } finally {
    interrupts.release();
  }
}

function printEvent(ctx: CommandContext): (service: string, event: RolloutEvent) => void {
  return (service, event) => {
    if (event.type === 'metrics') return;
    if (ctx.json)
      ctx.outJson(
        JSON.stringify({
          service,
          ...(event.type === 'progress'
            ? {
                type: 'progress',
                phase: event.progress.phase,
                done: event.progress.slotsDone,
                total: event.progress.slotsTotal,
              }
            : {type: event.type}),
        }),
      );
    else if (event.type === 'progress') ctx.out(terminalSafe(`${service}: ${progressLine(event.progress)}`));
    else if (event.type === 'applied')
      ctx.out(terminalSafe(`${service}: update applied (Version.Index ${event.versionIndex})`));
    else if (event.type === 'reverting') ctx.out(terminalSafe(`${service}: reverting — ${event.reason}`));
  };
}

function planLines(plan: StackPlan): string[] {
  const lines = [`stack ${plan.stack}: roll back to r${plan.target.number} (${describePlan(plan)})`];
  for (const p of plan.services) {
    const what =
      p.action === 'rollback'
        ? `roll back v${p.from ?? '?'} → v${p.to}`
        : p.action === 'unchanged'
          ? `unchanged (v${p.to})`
          : p.action === 'recreate'
            ? `re-create v${p.to} (removed since r${plan.target.number})`
            : p.action === 'remove'
              ? 'REMOVE (added since; --prune)'
              : 'kept (added since; pass --prune to remove it)';
    lines.push(`  ${p.service}: ${what}`);
    for (const c of p.checks)
      if (!c.ok || p.action !== 'unchanged') lines.push(`    ${c.ok ? '✔' : '✖'} ${c.name}: ${c.detail}`);
    if (p.plan && p.action === 'rollback')
      for (const line of renderDiffLines(p.plan.report.diff)) lines.push(`      ${line}`);
  }
  if (plan.failure) lines.push(`pre-flight failed: ${plan.failure.message} — nothing was changed`);
  return lines;
}

function jsonPlan(plan: StackPlan) {
  return {
    stack: plan.stack,
    to: `r${plan.target.number}`,
    ok: plan.ok,
    failure: plan.failure,
    services: plan.services.map((p) => ({
      service: p.service,
      action: p.action,
      from: p.from,
      to: p.to,
      checks: p.checks,
    })),
  };
}

function report(ctx: CommandContext, outcome: StackOutcome, interrupts?: Interrupts): number {
  if (outcome.result === 'interrupted') {
    const resume = `dokroll-tui stack rollback ${outcome.stack} --resume`;
    if (ctx.json)
      ctx.outJson(JSON.stringify({type: 'interrupted', stack: outcome.stack, reasons: outcome.reasons, resume}));
    ctx.err(
      terminalSafe(
        `interrupted: stopped watching the rollback of stack ${outcome.stack}; Swarm carries on with the updates. Finish it with: ${resume}`,
      ),
    );
    return interrupts?.exitCode() ?? RESULT_EXIT.interrupted;
  }
  if (ctx.json) {
    ctx.outJson(
      JSON.stringify({
        stack: outcome.stack,
        result: outcome.result,
        to: `r${outcome.to}`,
        recordedRevision: outcome.recordedRevision === null ? null : `r${outcome.recordedRevision}`,
        durationMs: outcome.durationMs,
        reasons: outcome.reasons,
        services: outcome.services.map((s) => ({
          service: s.service,
          action: s.action,
          result: s.result,
          from: s.from,
          to: s.to,
          version: s.version,
          reasons: s.reasons,
        })),
      }),
    );
  } else {
    // As for a service's rollback: a verdict that is not healthy goes to stderr.
    const write = outcome.result === 'healthy' ? ctx.out.bind(ctx) : ctx.err.bind(ctx);
    const mark = outcome.result === 'healthy' ? '✔' : '✖';
    const recorded = outcome.recordedRevision === null ? '' : ` (recorded as r${outcome.recordedRevision})`;
    write(
      terminalSafe(
        `${mark} result: ${outcome.result} — stack ${outcome.stack} rolled back to r${outcome.to}${recorded}`,
      ),
    );
    for (const s of outcome.services)
      write(terminalSafe(`  ${s.service}: ${s.action} ${s.result}${s.reasons[0] ? ` — ${s.reasons[0]}` : ''}`));
    for (const reason of outcome.reasons) write(terminalSafe(`  ${reason}`));
  }
  return RESULT_EXIT[outcome.result];
}
