/**
 * The console's command dispatcher: a key resolved against the state right now (resolve-key.ts) runs
 * the handler the current view's table gives for it (handlers/table.ts, derived from the keymap; the
 * handlers live in handlers/, one file per view). Read-only is checked here, and only here, before
 * any handler runs: for the command's own keymap flag, or, for a dialog's choice, for what the dialog
 * confirms. The model refuses the same mutations again on its side.
 */
import type {ConsoleModel} from '../../services/console-model.js';
import type {KeyName} from '../keys/decode-keys.js';
import {keyLabel} from '../keys/help-lines.js';
import {type CommandName, refusedWhenReadOnly} from '../keys/keymap.js';
import {resolveKey, type Resolved} from './resolve-key.js';
import {terminalSafe} from '../../shared/terminal-text.js';
import {createCommandContext} from './handlers/context.js';
import {DIALOG_TABLE, HELP_TABLE, VIEW_TABLES, type HandlerTable} from './handlers/table.js';
import {contextService, contextStack, readOnlyFor, stackServiceNames} from './selectors.js';
import type {UiStore} from './ui-store.js';
import {currentView, focusedList, type ListKey, type UiState} from './ui-state.js';

export interface UiActions {
  /** Handles one decoded key press. */
  key(key: KeyName): void;
  /** Runs a command as its key would, in the current state. */
  run(command: CommandName): void;
  /** A view tells how many rows it draws a list in (for paging). */
  setListHeight(key: ListKey, height: number): void;
  /** The service's history changed in the store: reload it if it is open (rows stay until it answers). */
  historyChanged(service: string): void;
}

/** The table keys act on now: a dialog's, the help overlay's, or the view's. */
export function tableNow(state: UiState): HandlerTable {
  if (state.dialog) return DIALOG_TABLE;
  if (state.help) return HELP_TABLE;
  return VIEW_TABLES[currentView(state)];
}

/**
 * What read-only would refuse in running `command` now: that command, or what a dialog confirms; and
 * for which services (null: the console as a whole). On a stack: the console and every service of it.
 */
function subjectOf(command: CommandName, state: UiState): {command: CommandName; services: (string | null)[]} | null {
  const ofStack = (stack: string) => [null, ...stackServiceNames(state, stack)];
  if (command !== 'choose') {
    const stack = contextStack(state);
    return {command, services: stack !== null ? ofStack(stack) : [contextService(state)]};
  }
  const dialog = state.dialog;
  if (!dialog) return null;
  if (dialog.kind === 'stackRollback') {
    const planned =
      dialog.preflight.status === 'ready'
        ? dialog.preflight.value.services
            .filter((p) => p.action !== 'unchanged' && p.action !== 'keep')
            .map((p) => p.service)
        : [];
    return {command: 'rollback', services: [...new Set([...ofStack(dialog.stack), ...planned])]};
  }
  return {command: dialog.kind === 'rollback' ? 'rollback' : dialog.action, services: [dialog.service]};
}

/** What the operator can do instead where read-only refuses a command, if anything. */
const INSTEAD: Partial<Record<CommandName, (service: string | null) => string>> = {
  reattach: (service) => `run 'dokroll-tui rollback ${service ?? 'SERVICE'} --resume' to finish the rollout`,
};

/** The one read-only check: why read-only refuses `command` now, as the footer says it, or null. */
export function readOnlyRefusal(command: CommandName, state: UiState): string | null {
  const subject = subjectOf(command, state);
  if (!subject || !refusedWhenReadOnly(subject.command)) return null;
  const reason = subject.services.map((service) => readOnlyFor(state, service)).find((r) => r !== null) ?? null;
  if (reason === null) return null;
  const instead = INSTEAD[subject.command]?.(subject.services[0] ?? null);
  return instead ? `read-only: ${instead} (${reason})` : `read-only: ${reason}`;
}

/**
 * `copy` puts text on the terminal's clipboard (OSC 52, written to the terminal directly: see
 * ui/clipboard.ts); the copy command then shows the text whole in the footer's detail line.
 */
export function createActions(
  store: UiStore,
  model: ConsoleModel,
  exit: () => void,
  redraw: () => void = () => {},
  copy: (text: string) => void = () => {},
): UiActions {
  const {dispatch} = store;
  const ctx = createCommandContext(store, model, {exit, redraw, run, copy});

  function run(command: CommandName): void {
    const state = store.getState();
    const refused = readOnlyRefusal(command, state);
    if (refused !== null) return ctx.fail(refused);
    if (state.notice && command !== 'quit' && command !== 'redraw') dispatch({type: 'notice', notice: null});
    tableNow(state).get(command)?.(ctx);
  }

  function applyFilter(resolved: Extract<Resolved, {kind: 'filter'}>): void {
    const key = focusedList(store.getState());
    if (!key) return;
    const filter = store.getState().lists[key].filter;
    switch (resolved.edit) {
      case 'append':
        dispatch({type: 'list', key, action: {type: 'setFilter', filter: filter + resolved.text}});
        return;
      case 'erase':
        dispatch({type: 'list', key, action: {type: 'setFilter', filter: [...filter].slice(0, -1).join('')}});
        return;
      case 'clear':
        dispatch({type: 'list', key, action: {type: 'setFilter', filter: ''}});
        dispatch({type: 'filterMode', on: false});
        return;
      case 'accept':
        dispatch({type: 'filterMode', on: false});
        return;
    }
  }

  function key(pressed: KeyName): void {
    const resolved = resolveKey(store.getState(), pressed);
    // Never silently ignored: the footer says so, and where to look.
    if (!resolved) return ctx.info(`${terminalSafe(keyLabel(pressed))}: no such key here — ? lists the keys`);
    if (resolved.kind === 'filter') applyFilter(resolved);
    else run(resolved.command);
  }

  function setListHeight(list: ListKey, height: number): void {
    dispatch({type: 'list', key: list, action: {type: 'setHeight', height}});
  }

  function historyChanged(service: string): void {
    const state = store.getState();
    if (
      state.history?.service === service &&
      state.stack.some((route) => route.view === 'history' && route.service === service)
    ) {
      ctx.loadHistory(service);
    }
  }

  return {key, run, setListHeight, historyChanged};
}
