import type {Change, SnapshotDiff} from '../../domain/diff.js';
import {diffVersions, type VersionSelector} from '../../services/history-query.js';
import {EXIT} from '../../shared/errors.js';
import {parseWith, rejectExtraPositionals, requirePositional, ServiceNameArg, VersionArg} from '../args.js';
import type {Command} from '../command.js';
import {connectOptional} from './shared.js';

const MARK = {added: '+', removed: '-', changed: '~'} as const;

export function renderDiffLines(diff: SnapshotDiff): string[] {
  if (!diff.changed) return ['no differences'];
  const lines: string[] = [];
  for (const section of diff.sections) {
    lines.push(section.title);
    for (const change of section.changes) {
      if (change.kind === 'added') lines.push(`  + ${change.key}: ${change.new ?? ''}`);
      else if (change.kind === 'removed') lines.push(`  - ${change.key}: ${change.old ?? ''}`);
      else lines.push(`  ${MARK.changed} ${change.key}: ${change.old ?? ''} → ${change.new ?? ''}${noteText(change)}`);
    }
  }
  return lines;
}

const noteText = (change: Change) => (change.note ? ` (${change.note})` : '');

/** The diff as --json prints it: masked values say `"secret": true`, a note is kept. */
export function jsonDiff(diff: SnapshotDiff) {
  return {
    changed: diff.changed,
    sections: diff.sections.map((s) => ({
      section: s.section,
      title: s.title,
      changes: s.changes.map((c) => ({
        kind: c.kind,
        key: c.key,
        old: c.old ?? null,
        new: c.new ?? null,
        ...(c.secret ? {secret: true} : {}),
        ...(c.note ? {note: c.note} : {}),
      })),
    })),
  };
}

const label = (selector: VersionSelector) => (selector === 'live' ? 'live' : `v${selector}`);

export const diffCommand: Command = {
  name: 'diff',
  summary: 'show what differs between two versions (or a version and the live spec)',
  usage: [
    'Usage: dokroll-tui diff SERVICE vA [vB] [--json] [--show-secrets] [--offline]',
    '',
    'Changes from vA to vB (default: the live spec), grouped by section: image, command, env,',
    'secrets, configs, limits, reservations, ports, mounts, networks, labels, health check, replicas,',
    'placement, update and rollback config, then every other field that differs by its path (Other',
    'fields). Lines start with + (added), - (removed), ~ (changed).',
    'Env values whose name looks secret (PASSWORD, TOKEN, KEY, ...) are masked unless --show-secrets.',
    '',
    'Options:',
    '  --show-secrets   show secret-looking env values unmasked',
    '  --offline        compare recorded versions without contacting the Docker daemon',
  ].join('\n'),
  exitCodes: [
    '0  compared (whether or not anything differs)',
    '1  the daemon is unreachable',
    '2  bad input: unknown service or version',
  ],
  examples: ['dokroll-tui diff web v3', 'dokroll-tui diff web v2 v5 --json'],
  operands: ['service', 'version', 'version-or-live'],
  options: {'show-secrets': {type: 'boolean'}, offline: {type: 'boolean'}},
  async run(ctx) {
    const name = parseWith(ServiceNameArg, requirePositional(ctx.args, 0, 'SERVICE', 'diff'), 'SERVICE');
    const from = parseWith(VersionArg, requirePositional(ctx.args, 1, 'version vA', 'diff'), 'vA');
    const toArg = ctx.args.positionals[2];
    const to: VersionSelector = toArg === undefined || toArg === 'live' ? 'live' : parseWith(VersionArg, toArg, 'vB');
    rejectExtraPositionals(ctx.args, 3, 'diff');
    const store = await ctx.store();
    const gateway = to === 'live' || !ctx.flag('offline') ? await connectOptional(ctx) : null;
    const result = await diffVersions(gateway, store, name, from, to, {showSecrets: ctx.flag('show-secrets')});
    if (ctx.json) {
      ctx.outJson(
        JSON.stringify(
          {
            service: result.serviceName,
            from: label(result.from),
            to: label(result.to),
            ...jsonDiff(result.diff),
          },
          null,
          2,
        ),
      );
      return EXIT.ok;
    }
    ctx.out(`${result.serviceName}: ${label(result.from)} → ${label(result.to)}`);
    for (const line of renderDiffLines(result.diff)) ctx.out(line);
    return EXIT.ok;
  },
};
