/**
 * `dokroll-tui` with no command: the interactive console on the live swarm. Needs a terminal on
 * stdin and stdout; scripts get a pointer to the headless commands instead (exit 2). The config
 * file is read (and, when the console may record or change anything, the rollback registry's
 * credentials resolved) before the UI starts: a bad one exits 2 with the key named.
 *
 * Environment: NO_COLOR (same as --no-color); DOKROLL_WATCH_SECONDS (health watch after a rollback
 * or redeploy converged, default 30); DOKROLL_FULL_REDRAW=1 (Ink's full-frame redraw instead of
 * incremental rendering, for comparison benchmarks).
 */
import {resolveTarget} from '../../docker/connection.js';
import {EXIT} from '../../shared/errors.js';
import {deferStore} from '../../store/deferred-store.js';
import {resolveDbLocation} from '../../store/db-location.js';
import {envNumber, PositiveSecondsArg, rejectExtraPositionals} from '../args.js';
import type {Command} from '../command.js';
import type {CommandContext} from '../context.js';
import {loadRegistrySetup} from './registry-setup.js';
import {SERVICE_FILTER_OPTION, serviceFilter} from './shared.js';
import {yogaReady} from '../../ui/yoga-ready.js';

/** Request timeout of the console's connection: a silent daemon shows as lost within this. */
const CONSOLE_REQUEST_TIMEOUT_MS = 15_000;

export const NOT_A_TERMINAL = [
  'the console needs an interactive terminal, and {stream} is not one.',
  'For scripts and pipes use the headless commands: history, diff, rollback, record',
  "(run 'dokroll-tui --help' for all of them).",
].join('\n');

function endpointLabel(ctx: CommandContext): string {
  try {
    return resolveTarget({host: ctx.options('host'), env: ctx.io.env}).endpoint;
  } catch {
    return ctx.options('host')[0] ?? ctx.io.env.DOCKER_HOST ?? '';
  }
}

function watchMs(env: NodeJS.ProcessEnv): number | undefined {
  const seconds = envNumber(env, 'DOKROLL_WATCH_SECONDS', PositiveSecondsArg);
  return seconds === undefined ? undefined : seconds * 1000;
}

export const consoleCommand: Command = {
  name: 'console',
  summary: 'open the interactive console (the default)',
  usage: [
    'Usage: dokroll-tui [console] [--read-only] [--no-color] [--no-record] [--host URL] [--db URL]',
    '',
    'Services, tasks, version history, diffs and rollbacks of the swarm, live. Keys: ? for help.',
    '  --read-only   offer no action that changes the swarm or the history, and no secret reveal',
    '                (also the config file\'s "readOnly": true, or services.<name>.readOnly for one service)',
    '  --no-color    no colours (also NO_COLOR); statuses keep their symbols',
    '  --no-record   do not run the recorder inside the console',
    '  --service NAME  show (and record) only this service; repeatable (or DOKROLL_SERVICES=a,b)',
    'Versions recorded here are tagged v<n> and pushed to the rollback registry of the config file',
    '(--config), with its retention; rollbacks and deletions use it as the rollback and delete commands do.',
    'Needs a terminal; for scripts use history, diff, rollback and record.',
    'DOKROLL_WATCH_SECONDS sets the health watch after a rollback converged (default 30).',
  ].join('\n'),
  exitCodes: [
    '0  quit',
    '1  the history could not be opened, or the console failed',
    '2  bad input, or not a terminal',
  ],
  examples: ['dokroll-tui', 'dokroll-tui -H ssh://admin@manager1 --read-only --service web'],
  options: {'read-only': {type: 'boolean'}, 'no-record': {type: 'boolean'}, ...SERVICE_FILTER_OPTION},
  async run(ctx) {
    rejectExtraPositionals(ctx.args, 0, 'console');
    const {stdin, stdout, stderr, env} = ctx.io;
    const missing = !stdin.isTTY ? 'stdin' : !stdout.isTTY ? 'stdout' : null;
    if (missing) {
      for (const line of `dokroll-tui: ${NOT_A_TERMINAL.replace('{stream}', missing)}`.split('\n')) ctx.err(line);
      return EXIT.badInput;
    }
    const rolloutWatchMs = watchMs(env);
    const registry = await loadRegistrySetup(ctx, null);
    const {config} = registry;
    const readOnly = ctx.flag('read-only') || config.readOnly;
    const record = !ctx.flag('no-record');
    const only = serviceFilter(ctx);
    // What records (and pushes) or deletes needs working credentials, as `record` and `delete` do;
    // a console that only looks does not.
    if (record || !readOnly) await registry.check();
    // The first frame comes first: React and Ink load now, the Docker client and libSQL (and the
    // history file's opening) once the console is on screen. A --db that cannot name a database
    // still fails here, before the screen changes; one that cannot be opened ends the console
    // with its error and exit code.
    const store = deferStore(() => ctx.store(), resolveDbLocation({url: ctx.option('db'), env}));
    const [{LiveConsoleModel}, {runConsole}] = await Promise.all([
      import('../../services/console/index.js'),
      import('../../ui/render.js'),
    ]);
    // Before anything is started whose failure the console reports (the history's opening below).
    await yogaReady();
    const model = new LiveConsoleModel(
      async () => {
        const {connect} = await import('../../docker/gateway.js');
        const gateway = await connect({
          host: ctx.options('host'),
          sshKey: ctx.option('ssh-key'),
          env,
          requestTimeoutMs: CONSOLE_REQUEST_TIMEOUT_MS,
        });
        // Containers' health on other nodes, from their own Engines where the config names them.
        if (Object.keys(config.nodeEngines).length > 0) {
          const {NodeEngines} = await import('../../docker/node-engines.js');
          gateway.useNodeEngines(new NodeEngines(config.nodeEngines, {connect: {sshKey: ctx.option('ssh-key'), env}}));
        }
        return gateway;
      },
      store,
      {
        readOnly: ctx.flag('read-only'),
        readOnlyReason: (service) => config.readOnlyReason(service),
        recorder: record,
        stabilityWindowMs: config.recorder.stabilityWindowMs,
        registry,
        rolloutWatchMs,
        endpoint: endpointLabel(ctx),
        ...(only ? {services: only} : {}),
      },
    );
    const opened = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      model.start();
      return store.ready();
    });
    try {
      return await runConsole(model, {
        fatal: opened,
        stdin: stdin as NodeJS.ReadStream,
        stdout: stdout as NodeJS.WriteStream,
        stderr: stderr as NodeJS.WriteStream,
        noColor: ctx.flag('no-color'),
        env,
        incrementalRendering: env.DOKROLL_FULL_REDRAW !== '1',
      });
    } finally {
      await model.close();
    }
  },
};
