/**
 * `completion bash|zsh` prints a completion script; the hidden `__complete` answers the scripts:
 * one candidate per line for the last word given. Services come from the daemon and the history,
 * versions from the history, each given a short time (a completion never hangs the shell) and never
 * an error on the terminal. A history file that does not exist is not created.
 */
import {existsSync} from 'node:fs';
import {parseArgs} from 'node:util';
import {EXIT} from '../../shared/errors.js';
import {GLOBAL_OPTIONS, parseArgsOptions, UsageError} from '../args.js';
import type {Command} from '../command.js';
import {BASH_SCRIPT, completionCandidates, ZSH_SCRIPT, type CompletionSource} from '../completion.js';

/** How long a completion waits for the daemon or the history. */
const COMPLETION_WAIT_MS = 4_000;

function within<T>(promise: Promise<T>, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<T>((resolve) => (timer = setTimeout(() => resolve(fallback), COMPLETION_WAIT_MS)));
  return Promise.race([promise.catch(() => fallback), late]).finally(() => clearTimeout(timer));
}

/** The daemon and history named by the global options among `words` (else the defaults). */
function liveSource(words: string[], env: NodeJS.ProcessEnv): {source: CompletionSource; close(): void} {
  const {values} = parseArgs({
    args: words,
    options: parseArgsOptions(GLOBAL_OPTIONS),
    allowPositionals: true,
    strict: false,
  });
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
  const hosts = (value: unknown) =>
    Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : text(value);
  const closers: (() => void)[] = [];
  // Opened only when asked for (commands and flags need neither), each at most once.
  const once = <T>(open: () => Promise<T>) => {
    let opened: Promise<T> | undefined;
    return () => (opened ??= open());
  };
  const gateway = once(() =>
    import('../../docker/gateway.js').then(async ({connect}) => {
      const g = await connect({
        host: hosts(values.host),
        sshKey: text(values['ssh-key']),
        env,
        requestTimeoutMs: COMPLETION_WAIT_MS,
      });
      closers.push(() => g.close());
      return g;
    }),
  );
  const store = once(async () => {
    const [{openStore}, {resolveDbLocation}] = await Promise.all([
      import('../../store/index.js'),
      import('../../store/db-location.js'),
    ]);
    const url = text(values.db);
    const location = resolveDbLocation({url, env});
    if (location.kind === 'file' && !existsSync(location.path)) return null;
    const s = await openStore({url, env});
    closers.push(() => s.close());
    return s;
  });
  const fromDaemon = () => gateway().then(async (g) => (await g.listServices()).map((s) => s.Spec.Name));
  const fromHistory = () =>
    store().then(async (s) => (s ? (await s.versions.services()).map((v) => v.serviceName) : []));
  const source: CompletionSource = {
    async services() {
      const [live, recorded] = await Promise.all([within(fromDaemon(), []), within(fromHistory(), [])]);
      return [...new Set([...live, ...recorded])].sort();
    },
    versions: (service) =>
      within(
        store().then(async (s) => (s ? (await s.versions.list(service)).map((v) => v.number) : [])),
        [],
      ),
  };
  return {source, close: () => closers.forEach((close) => close())};
}

export const completionCommand: Command = {
  name: 'completion',
  summary: 'print a shell completion script (bash or zsh)',
  usage: [
    'Usage: dokroll-tui completion bash|zsh',
    '',
    'Prints a script that completes commands, flags, services (from the daemon and the history) and',
    'versions (from the history). The global options on the line being completed (--host, --db) are',
    'used to look them up.',
    '  bash:  source <(dokroll-tui completion bash)    (or save it as',
    '         ~/.local/share/bash-completion/completions/dokroll-tui)',
    '  zsh:   source <(dokroll-tui completion zsh)     (after compinit; or save it as _dokroll-tui in $fpath)',
  ].join('\n'),
  exitCodes: ['0  printed', '2  no shell or an unknown one'],
  examples: ['dokroll-tui completion bash', 'dokroll-tui completion zsh'],
  operands: [['bash', 'zsh']],
  options: {},
  async run(ctx) {
    const shell = ctx.args.positionals[0];
    if (shell !== 'bash' && shell !== 'zsh') {
      throw new UsageError(`completion: expected bash or zsh${shell === undefined ? '' : ` (got '${shell}')`}`);
    }
    ctx.io.stdout.write(shell === 'bash' ? BASH_SCRIPT : ZSH_SCRIPT);
    return EXIT.ok;
  },
};

/** `__complete`, answering from `commands` (the CLI's list, which holds this command too). */
export const completeCommandFor = (commands: readonly Command[]): Command => ({
  name: '__complete',
  summary: 'candidates for the completion scripts',
  hidden: true,
  usage: 'Usage: dokroll-tui __complete -- WORD...   (called by the completion scripts)',
  exitCodes: ['0  candidates printed, one per line (none is fine)'],
  examples: ['dokroll-tui __complete -- rollback web --to ""'],
  options: {},
  async run(ctx) {
    const words = ctx.args.positionals;
    const {source, close} = liveSource(words.slice(0, -1), ctx.io.env);
    try {
      const candidates = await completionCandidates(words, commands, source);
      for (const candidate of candidates) ctx.out(candidate);
    } finally {
      close();
    }
    return EXIT.ok;
  },
});
