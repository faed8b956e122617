/**
 * Which handler runs a command, per view: derived from the keymap (the commands it binds in a view,
 * as k9s binds actions per view), each found among the view's own handlers, then the ones shared by
 * every view. A keymap command without a handler, or a handler the keymap never reaches, fails at
 * load. The help overlay and dialogs have their own short tables (what resolve-key.ts yields there).
 */
import {bindingsFor, type CommandName, type ViewName} from '../../keys/keymap.js';
import type {Handler} from './context.js';
import {choose} from './dialog.js';
import {DIFF_HANDLERS} from './diff.js';
import {EVERYWHERE, MOVES} from './everywhere.js';
import {HISTORY_HANDLERS} from './history.js';
import {SERVICE_HANDLERS} from './service.js';
import {history, nodes, open, progress, reattach, redeploy, serviceLogs, snapshot} from './service-commands.js';
import {PROGRESS_HANDLERS} from './progress.js';
import {
  collapse,
  diffRevision,
  expand,
  markRevision,
  openStackRow,
  openStackService,
  revisionProgress,
  rollbackToRevision,
  stackHistory,
  stackProgress,
  stackRollback,
} from './stack.js';
import {TASK_HANDLERS} from './task.js';

export type HandlerTable = ReadonlyMap<CommandName, Handler>;

type Handlers = Partial<Record<CommandName, Handler>>;

/** Each view's own handlers (the keys every view shares are in EVERYWHERE). */
export const VIEW_HANDLERS: Record<ViewName, Handlers> = {
  // On a stack row, the stack's (handlers/stack.ts); on a service row, the service's.
  services: {
    open: openStackRow(open),
    history: stackHistory(history),
    progress: stackProgress(progress),
    rollback: stackRollback((ctx) =>
      ctx.info('select a stack row, or open the history (h) of the service to roll it back'),
    ),
    reattach,
    logs: serviceLogs,
    nodes,
    expand,
    collapse,
  },
  service: {...SERVICE_HANDLERS, history, progress, reattach, logs: serviceLogs, redeploy, snapshot, nodes},
  history: {...HISTORY_HANDLERS, progress, reattach, redeploy, snapshot},
  diff: DIFF_HANDLERS,
  progress: PROGRESS_HANDLERS,
  logs: {},
  task: TASK_HANDLERS,
  nodes: {},
  stackHistory: {diff: diffRevision, mark: markRevision, rollback: rollbackToRevision, progress: revisionProgress},
  stackDiff: {},
  stackProgress: {open: openStackService},
};

const EVERYWHERE_HANDLERS: Handlers = EVERYWHERE;

/** The view's table: every command the keymap binds there, to its handler. */
export function tableFor(view: ViewName): HandlerTable {
  const own = VIEW_HANDLERS[view];
  const table = new Map<CommandName, Handler>();
  for (const {command} of bindingsFor(view, false)) {
    const handler = own[command] ?? EVERYWHERE_HANDLERS[command];
    if (!handler) throw new Error(`the keymap binds '${command}' in the ${view} view, but no handler runs it`);
    table.set(command, handler);
  }
  for (const command of Object.keys(own) as CommandName[]) {
    if (!table.has(command))
      throw new Error(`'${command}' has a handler in the ${view} view, but the keymap binds no key to it there`);
  }
  return table;
}

const VIEWS = Object.keys(VIEW_HANDLERS) as ViewName[];

export const VIEW_TABLES: Readonly<Record<ViewName, HandlerTable>> = Object.fromEntries(
  VIEWS.map((view) => [view, tableFor(view)]),
) as Record<ViewName, HandlerTable>;

/** While a dialog is open: enter chooses, esc cancels, q quits, the arrows move in its menu. */
export const DIALOG_TABLE: HandlerTable = new Map<CommandName, Handler>(
  Object.entries({choose, back: EVERYWHERE.back, quit: EVERYWHERE.quit, redraw: EVERYWHERE.redraw, ...MOVES}) as [
    CommandName,
    Handler,
  ][],
);

/** While the help overlay is open: esc or ? closes it, q quits, the arrows scroll. */
export const HELP_TABLE: HandlerTable = new Map<CommandName, Handler>(
  Object.entries({help: EVERYWHERE.help, quit: EVERYWHERE.quit, redraw: EVERYWHERE.redraw, ...MOVES}) as [
    CommandName,
    Handler,
  ][],
);
