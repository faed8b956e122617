import {formatAge} from '../../domain/format.js';
import {describeVersionMetrics, previousMeasured} from '../../domain/task-metrics.js';
import {loadHistory} from '../../services/history-query.js';
import {describePlace, localImageIndex, placeOf} from '../../services/registry/location.js';
import {EXIT} from '../../shared/errors.js';
import {LimitArg, requirePositional, rejectExtraPositionals, ServiceNameArg, parseWith, UsageError} from '../args.js';
import type {Command} from '../command.js';
import {renderTable} from '../table.js';
import {connectOptional} from './shared.js';

const DEFAULT_LIMIT = 50;

export const historyCommand: Command = {
  name: 'history',
  summary: "list a service's versions, newest first, marking the live one",
  usage: [
    'Usage: dokroll-tui history SERVICE [--limit N | --all] [--json] [--offline]',
    '',
    'Lists recorded versions newest first: version, live marker (●), age, source, health, image,',
    'where the image is kept for a rollback (registry / local / missing, with its size), replicas and',
    'what changed, and what the health watch that judged it measured (mean CPU % and memory per task,',
    'restarts), beside the version measured before it. --offline reads the history without contacting the Docker daemon (the live version',
    'is then unknown, and image places are as last recorded).',
    '',
    `The newest ${DEFAULT_LIMIT} versions are listed (--limit N for another number, --all for every`,
    'one); when more exist, a last line (on stderr with --json) says how many.',
    '',
    'Options:',
    '  --offline   read the history without contacting the Docker daemon',
    '  --limit N   list the newest N versions (default 50)',
    '  --all       list every version',
  ].join('\n'),
  exitCodes: [
    '0  listed',
    '1  the daemon is unreachable',
    '2  bad input: unknown service, bad database, --limit with --all',
  ],
  examples: [
    'dokroll-tui history web',
    'dokroll-tui history web --limit 10',
    'dokroll-tui -H ssh://admin@manager1 history web --json',
  ],
  operands: ['service'],
  options: {
    offline: {type: 'boolean'},
    limit: {type: 'string', accepts: 'a whole number from 1 to 10000'},
    all: {type: 'boolean'},
  },
  async run(ctx) {
    const name = parseWith(ServiceNameArg, requirePositional(ctx.args, 0, 'SERVICE', 'history'), 'SERVICE');
    rejectExtraPositionals(ctx.args, 1, 'history');
    const limitOption = ctx.option('limit');
    if (limitOption !== undefined && ctx.args.values.all === true)
      throw new UsageError('history: --limit and --all cannot be used together');
    const limit =
      ctx.args.values.all === true
        ? undefined
        : limitOption === undefined
          ? DEFAULT_LIMIT
          : parseWith(LimitArg, limitOption, '--limit');
    const store = await ctx.store();
    const gateway = await connectOptional(ctx);
    const history = await loadHistory(gateway, store, name, {limit});
    const more = history.total - history.entries.length;
    const moreLine =
      more > 0
        ? `${more} older version${more === 1 ? '' : 's'} not shown (${history.total} in all): --limit N or --all to list them` +
          (history.liveNumber !== null && !history.entries.some((e) => e.live)
            ? `; the live version is v${history.liveNumber}`
            : '')
        : null;
    const local = gateway ? await localImageIndex(gateway) : null;
    const places = new Map(history.entries.map(({row}) => [row.number, placeOf(row, local)]));
    const rowsNewestFirst = history.entries.map(({row}) => row);
    const measuredBefore = (index: number) => previousMeasured(rowsNewestFirst, index);
    if (ctx.json) {
      ctx.outJson(
        JSON.stringify(
          history.entries.map(({row, live, summary}, index) => ({
            version: row.number,
            live,
            image: row.snapshot.view.image,
            imageDigest: row.imageDigest,
            replicas: row.snapshot.view.replicas,
            recordedAt: row.recordedAt.toISOString(),
            source: row.source,
            note: row.note,
            health: row.health,
            healthReason: row.healthReason,
            changes: summary,
            specHash: row.specHash,
            imageLocation: places.get(row.number)!.location,
            imageNodes: places.get(row.number)!.nodes,
            imageSize: places.get(row.number)!.size,
            pushState: places.get(row.number)!.pushState,
            pushError: places.get(row.number)!.pushError,
            rollbackRef: places.get(row.number)!.ref,
            rollbackDigest: places.get(row.number)!.digest,
            metrics: row.metrics ?? null,
            metricsComparedWith: row.metrics ? (measuredBefore(index) ?? null) : null,
          })),
          null,
          2,
        ),
      );
      if (moreLine) ctx.err(moreLine);
      return EXIT.ok;
    }
    if (history.entries.length === 0) {
      ctx.out(
        `no versions recorded for ${history.serviceName} yet (run 'dokroll-tui snapshot ${history.serviceName}')`,
      );
      return EXIT.ok;
    }
    const now = Date.now();
    const rows = history.entries.map(({row, live, summary}, index) => [
      `v${row.number}`,
      live ? '●' : ' ',
      formatAge(row.recordedAt.getTime(), now),
      row.source,
      row.health,
      row.snapshot.view.image,
      describePlace(places.get(row.number)!),
      row.snapshot.view.replicas === null ? row.snapshot.view.mode : String(row.snapshot.view.replicas),
      summary,
      row.metrics ? describeVersionMetrics(row.metrics, measuredBefore(index)) : '—',
    ]);
    // Offline, whether the service runs is not known: say so rather than guess.
    const remark = !gateway
      ? '  (offline: whether it runs in the swarm is unknown)'
      : history.service
        ? ''
        : '  (not running in the swarm)';
    ctx.out(`${history.serviceName}${remark}`);
    for (const line of renderTable(
      ['VERSION', 'LIVE', 'AGE', 'SOURCE', 'HEALTH', 'IMAGE', 'KEPT IN', 'REPLICAS', 'CHANGES', 'MEASURED'],
      rows,
      ctx.io.stdout.isTTY ? ctx.io.stdout.columns : undefined,
    )) {
      ctx.out(line);
    }
    for (const {row} of history.entries) {
      const place = places.get(row.number)!;
      if (place.pushState === 'push_failed')
        ctx.out(
          `v${row.number}: push failed: ${place.pushError ?? 'unknown reason'} (retry: dokroll-tui push ${history.serviceName} v${row.number})`,
        );
    }
    if (moreLine) ctx.out(moreLine);
    return EXIT.ok;
  },
};
