import {formatAge} from '../../domain/format.js';
import {EXIT} from '../../shared/errors.js';
import {LimitArg, parseWith, rejectExtraPositionals, ServiceNameArg} from '../args.js';
import type {Command} from '../command.js';
import {renderTable} from '../table.js';

export const auditCommand: Command = {
  name: 'audit',
  summary: 'show the audit log: who recorded, rolled back, deleted what, and failed deployments',
  usage: [
    'Usage: dokroll-tui audit [SERVICE] [--limit N] [--json]',
    '',
    'Newest first: when, who, action, service, from → to, result, duration and detail.',
    '',
    'Options:',
    '  --limit N   how many entries, 1 to 10000 (default 50)',
  ].join('\n'),
  exitCodes: ['0  listed', '2  bad input: bad flag or database'],
  examples: ['dokroll-tui audit', 'dokroll-tui audit web --limit 10 --json'],
  operands: ['service'],
  options: {limit: {type: 'string', accepts: 'a whole number from 1 to 10000'}},
  async run(ctx) {
    const name = ctx.args.positionals[0];
    if (name !== undefined) parseWith(ServiceNameArg, name, 'SERVICE');
    rejectExtraPositionals(ctx.args, 1, 'audit');
    const limitOption = ctx.option('limit');
    const limit = limitOption === undefined ? 50 : parseWith(LimitArg, limitOption, '--limit');
    const store = await ctx.store();
    const rows = await store.audit.list({serviceName: name, limit});
    if (ctx.json) {
      ctx.outJson(
        JSON.stringify(
          rows.map((r) => ({
            at: r.at.toISOString(),
            actor: r.actor,
            action: r.action,
            service: r.serviceName,
            from: r.fromVersion,
            to: r.toVersion,
            result: r.result,
            durationMs: r.durationMs,
            detail: r.detail,
          })),
          null,
          2,
        ),
      );
      return EXIT.ok;
    }
    if (rows.length === 0) {
      ctx.out('no audit entries');
      return EXIT.ok;
    }
    const now = Date.now();
    const version = (n: number | null) => (n === null ? '-' : `v${n}`);
    const table = rows.map((r) => [
      formatAge(r.at.getTime(), now),
      r.actor,
      r.action,
      r.serviceName,
      `${version(r.fromVersion)} → ${version(r.toVersion)}`,
      r.result,
      r.durationMs === null ? '' : `${(r.durationMs / 1000).toFixed(1)}s`,
      r.detail ?? '',
    ]);
    for (const line of renderTable(
      ['AGE', 'WHO', 'ACTION', 'SERVICE', 'VERSIONS', 'RESULT', 'TOOK', 'DETAIL'],
      table,
    )) {
      ctx.out(line);
    }
    return EXIT.ok;
  },
};
