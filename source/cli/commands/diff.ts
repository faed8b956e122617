import type {SnapshotDiff} from '../../domain/diff.js';
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
      else lines.push(`  ${MARK.changed} ${change.key}: ${change.old ?? ''} → ${change.new ?? ''}`);
    }
  }
  return lines;
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
    'placement, update and rollback config. Lines start with + (added), - (removed), ~ (changed).',
    'Env values whose name looks secret (PASSWORD, TOKEN, KEY, ...) are masked unless --show-secrets.',
  ].join('\n'),
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
            changed: result.diff.changed,
            sections: result.diff.sections.map((s) => ({
              section: s.section,
              title: s.title,
              changes: s.changes.map((c) => ({kind: c.kind, key: c.key, old: c.old ?? null, new: c.new ?? null})),
            })),
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
