import {Recorder} from '../../services/recorder.js';
import {EXIT} from '../../shared/errors.js';
import {envNumber, parseWith, PositiveSecondsArg, rejectExtraPositionals, SecondsArg} from '../args.js';
import type {Command} from '../command.js';
import {loadRegistrySetup} from './registry-setup.js';
import {SERVICE_FILTER_OPTION, serviceFilter} from './shared.js';

export const recordCommand: Command = {
  name: 'record',
  summary: 'run the recorder in the foreground (for a manager node)',
  usage: [
    'Usage: dokroll-tui record [--stability SECONDS] [--once] [--service NAME]...',
    '',
    'Records every converged deployment of every service as a version, logging one line per version.',
    'A new version is "pending" until its tasks stay running and healthy for the stability window',
    '(default 30 s), then "good" — or "bad" if they crash or turn unhealthy. --once catches up and exits.',
    "Each new version's image is tagged v<n> and pushed to the rollback registry (config file); failed",
    'pushes are retried every full pass; the retention setting is applied after each version.',
    'DOKROLL_FULL_PASS_SECONDS sets how often every service is looked at again (default 30).',
    '--service NAME (repeatable, or DOKROLL_SERVICES=a,b) records only those services.',
    'Stops cleanly on SIGTERM or SIGINT.',
    '',
    'Options:',
    '  --stability SECONDS   stability window before a version is judged good (default 30)',
    '  --once                catch up and exit',
    '  --service NAME        record only this service; repeatable',
  ].join('\n'),
  exitCodes: [
    '0  stopped cleanly (SIGTERM, SIGINT) or caught up (--once)',
    '1  the daemon is unreachable',
    '2  bad input: bad flag, config or database',
  ],
  examples: ['dokroll-tui record', 'dokroll-tui record --once --service web --service api'],
  options: {
    stability: {type: 'string', accepts: 'a whole number of seconds from 0 to 86400'},
    once: {type: 'boolean'},
    ...SERVICE_FILTER_OPTION,
  },
  async run(ctx) {
    rejectExtraPositionals(ctx.args, 0, 'record');
    const stability = ctx.option('stability');
    const stabilityWindowMs =
      stability === undefined ? undefined : parseWith(SecondsArg, stability, '--stability') * 1000;
    const fullPass = envNumber(ctx.io.env, 'DOKROLL_FULL_PASS_SECONDS', PositiveSecondsArg);
    const setup = await loadRegistrySetup(ctx);
    const gateway = await ctx.gateway();
    const info = await gateway.assertManager();
    const store = await ctx.store();
    const log = (line: string) => ctx.out(`${new Date().toISOString()} ${line}`);
    // The daemon pushes in the background: a slow push must not hold up recording.
    const registry = setup.sync(gateway, store, {log, background: !ctx.flag('once')});
    const recorder = new Recorder(gateway, store, {
      stabilityWindowMs: stabilityWindowMs ?? setup.config.recorder.stabilityWindowMs,
      log,
      registry,
      include: serviceFilter(ctx),
      ...(fullPass !== undefined ? {fullPassMs: fullPass * 1000} : {}),
    });
    if (ctx.flag('once')) {
      const outcomes = await recorder.catchUp();
      await registry.idle();
      const created = outcomes.filter((o) => o.created).length;
      log(`caught up: ${outcomes.length} services looked at, ${created} versions recorded`);
      return EXIT.ok;
    }
    const others = gateway.endpoints.filter((endpoint) => endpoint !== gateway.endpoint);
    log(
      `recording on ${gateway.endpoint} (swarm ${info.swarmId.slice(0, 12)})${others.length ? `; fails over to ${others.join(', ')}` : ''}`,
    );
    gateway.onFailover((event) =>
      log(
        `manager ${event.from} went away (${event.cause}); continuing through ${event.to} (failover took ${event.elapsedMs} ms)`,
      ),
    );
    const controller = new AbortController();
    const stop = () => controller.abort();
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    try {
      await recorder.run(controller.signal);
    } finally {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
    }
    await registry.idle();
    log('recorder stopped');
    return EXIT.ok;
  },
};
