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
import {parseWith, rejectExtraPositionals, requirePositional, UsageError} from '../args.js';
import type {Command} from '../command.js';
import type {CommandContext} from '../context.js';
import {renderTable} from '../table.js';
import {renderDiffLines} from './diff.js';
import {connectOptional} from './shared.js';
import {z} from 'zod';

const StackNameArg = z
  .string()
  .min(1, 'a stack name is required')
  .max(200)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'not a valid stack name');

const LimitArg = z.coerce.number().int().min(1).max(1_000_000);

const SUBCOMMANDS = ['ls', 'history', 'diff'] as const;

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
    '',
    'A stack is the services sharing the label com.docker.stack.namespace. A revision of a stack',
    'points at one recorded version of each of its services; the recorder writes one when a deployment',
    'of the stack has settled (see README, "Stacks").',
    '',
    '  ls        stacks in the swarm and in the history: services, revisions, latest revision',
    '  history   revisions newest first (default the newest 50): live marker (●), age, source,',
    '            health (the worst of its services), its services, and what changed',
    '  diff      services added, removed and changed from rA to rB (default: what runs now),',
    '            each changed service with its sectioned diff; secret values masked',
    '',
    'Exit codes: 0 ok, 1 failed, 2 bad input (unknown stack or revision).',
    '',
    'Examples:',
    '  dokroll-tui stack history shop',
    '  dokroll-tui stack diff shop r3 r5',
  ].join('\n'),
  options: {offline: {type: 'boolean'}, limit: {type: 'string'}, all: {type: 'boolean'}, 'show-secrets': {type: 'boolean'}},
  async run(ctx) {
    const sub = requirePositional(ctx.args, 0, `a subcommand (${SUBCOMMANDS.join(', ')})`, 'stack');
    if (sub === 'ls') return stackLs(ctx);
    if (sub === 'history') return stackHistory(ctx);
    if (sub === 'diff') return stackDiff(ctx);
    throw new UsageError(`stack: unknown subcommand '${terminalSafe(sub)}' (expected ${SUBCOMMANDS.join(', ')})`);
  },
};

async function stackLs(ctx: CommandContext): Promise<number> {
  rejectExtraPositionals(ctx.args, 1, 'stack ls');
  const store = await ctx.store();
  const stacks = await listStacks(await connectOptional(ctx), store);
  if (ctx.json) {
    ctx.out(
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
  if (limitText !== undefined && ctx.flag('all')) throw new UsageError('stack history: --limit and --all exclude each other');
  const limit = ctx.flag('all') ? undefined : limitText === undefined ? 50 : parseWith(LimitArg, limitText, '--limit');
  const store = await ctx.store();
  const history = await loadStackHistory(await connectOptional(ctx), store, stack, {limit});
  if (ctx.json) {
    ctx.out(
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
    ctx.out(`no revisions recorded for stack ${terminalSafe(stack)} yet (the recorder writes one once a deployment has settled)`);
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
    history.live === null ? '  (offline: live revision unknown)' : Object.keys(history.live).length === 0 ? '  (not running in the swarm)' : '';
  ctx.out(terminalSafe(`${history.stack}${liveNote}`));
  const width = ctx.io.stdout.isTTY ? ctx.io.stdout.columns : undefined;
  for (const line of renderTable(['REVISION', 'LIVE', 'AGE', 'SOURCE', 'HEALTH', 'SERVICES', 'CHANGES'], rows.map((r) => r.map(terminalSafe)), width)) {
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
    ctx.out(JSON.stringify(jsonStackDiff(diff), null, 2));
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
