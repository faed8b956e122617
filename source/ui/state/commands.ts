/**
 * What commands do: state changes through the store, and the model calls behind them. The key layer
 * resolves a key against the store's state right now and runs the command here, one key at a time.
 */
import type {ConsoleModel, ConsoleRolloutHandle} from '../../services/console-model.js';
import type {KeyName} from '../keys/decode-keys.js';
import type {CommandName} from '../keys/keymap.js';
import {keyLabel} from '../keys/help-lines.js';
import {resolveKey, type Resolved} from '../keys/resolve-key.js';
import {terminalSafe} from '../../shared/terminal-text.js';
import {listWindow, type ListAction} from '../list/list-reducer.js';
import type {Choice, RollbackChoice} from './dialog-choices.js';
import {
  contextService,
  copyTarget,
  failedRollout,
  historyRows,
  interruptedRollout,
  isAvailable,
  readOnlyFor,
  rolloutActive,
  runningRollout,
  selectedVersion,
  serviceSummary,
} from './selectors.js';
import type {UiStore} from './ui-store.js';
import {currentRoute, diffKey, FILTERABLE, focusedList, type ListKey, type Route} from './ui-state.js';
import {errorText} from '../../shared/errors.js';

export interface UiActions {
  /** Handles one decoded key press. */
  key(key: KeyName): void;
  run(command: CommandName): void;
  /** The rollback dialog's choice. */
  chooseRollback(choice: RollbackChoice | 'cancel'): void;
  /** The confirm dialog's choice. */
  confirm(yes: boolean): void;
  /** A view tells how many rows it draws a list in (for paging). */
  setListHeight(key: ListKey, height: number): void;
  /** The service's history changed in the store: reload it if it is open (rows stay until it answers). */
  historyChanged(service: string): void;
}

/** Commands a read-only service refuses: the mutations, and revealing secrets. */
const READ_ONLY_REFUSED = new Set<CommandName>([
  'rollback',
  'revertRollout',
  'lastGoodRollback',
  'redeploy',
  'snapshot',
  'deleteVersion',
  'toggleSecrets',
]);

const LIST_MOVES: Partial<Record<CommandName, ListAction>> = {
  up: {type: 'up'},
  down: {type: 'down'},
  pageUp: {type: 'pageUp'},
  pageDown: {type: 'pageDown'},
  home: {type: 'home'},
  end: {type: 'end'},
};


/**
 * `copy` puts text on the terminal's clipboard (OSC 52, written to the terminal directly: see
 * ui/clipboard.ts); the command then shows the text whole in the footer's detail line.
 */
export function createActions(
  store: UiStore,
  model: ConsoleModel,
  exit: () => void,
  redraw: () => void = () => {},
  copy: (text: string) => void = () => {},
): UiActions {
  const {dispatch} = store;
  const info = (text: string) => dispatch({type: 'notice', notice: {text, tone: 'info'}});
  const fail = (text: string) => dispatch({type: 'notice', notice: {text, tone: 'error'}});

  /**
   * The action layer's one read-only check: why `command` is refused for `service` right now, or
   * null. The keys are not even offered (keymap); this also holds for anything calling run().
   */
  function readOnlyRefusal(command: CommandName, service: string | null): string | null {
    if (!READ_ONLY_REFUSED.has(command)) return null;
    return readOnlyFor(store.getState(), service);
  }

  function loadHistory(service: string): void {
    dispatch({type: 'historyLoading', service});
    model.loadHistory(service).then(
      (rows) => dispatch({type: 'historyLoaded', service, rows}),
      (error: unknown) => dispatch({type: 'historyFailed', service, error: errorText(error)}),
    );
  }

  function loadDiff(route: Extract<Route, {view: 'diff'}>, showSecrets: boolean): void {
    const key = diffKey(route.service, route.a, route.b);
    dispatch({type: 'diffLoading', key, showSecrets});
    model.diff(route.service, route.a, route.b, {showSecrets}).then(
      (diff) => dispatch({type: 'diffLoaded', key, diff}),
      (error: unknown) => dispatch({type: 'diffFailed', key, error: errorText(error)}),
    );
  }

  /** The rollback dialog for `version`: pre-flight first, then the operator's choice (focus on Cancel). */
  function openRollback(service: string, version: number): void {
    const state = store.getState();
    if (rolloutActive(state, service)) return info(`a rollout of ${service} is still running`);
    if (serviceSummary(state, service)?.liveVersion === version) return info(`v${version} is the live version already`);
    const target = {service, version};
    dispatch({type: 'dialog', dialog: {kind: 'rollback', ...target, preflight: {status: 'loading'}}});
    model.preflight(service, version, 'full').then(
      (report) => dispatch({type: 'preflight', ...target, preflight: {status: 'ready', value: report}}),
      (error: unknown) => dispatch({type: 'preflight', ...target, preflight: {status: 'error', error: errorText(error)}}),
    );
  }

  /** After a failed rollout: the newest version before its target that was judged good, as a rollback dialog. */
  function rollBackToLastGood(service: string, before: number): void {
    info(`looking for the last known good version before v${before}…`);
    model.loadHistory(service).then(
      (rows) => {
        if (currentRoute(store.getState()).view !== 'progress' || store.getState().dialog) return;
        const good = rows.find((row) => row.number < before && row.health === 'good');
        if (!good) return info(`no version before v${before} is known good`);
        dispatch({type: 'notice', notice: null});
        openRollback(service, good.number);
      },
      (error: unknown) => fail(`cannot read the history: ${errorText(error)}`),
    );
  }

  function follow(service: string, what: string, start: () => ConsoleRolloutHandle): void {
    let handle: ConsoleRolloutHandle;
    try {
      handle = start();
    } catch (error) {
      fail(`${what} failed: ${errorText(error)}`);
      return;
    }
    dispatch({type: 'navigate', route: {view: 'progress', service}});
    handle.done.then(
      (result) => {
        info(`${what}: ${result.result}${result.error ? ` (${result.error})` : ''}`);
        if (store.getState().history?.service === service) loadHistory(service);
      },
      (error: unknown) => fail(`${what} failed: ${errorText(error)}`),
    );
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

  function back(): void {
    const state = store.getState();
    if (state.help) return dispatch({type: 'help', open: false});
    if (state.dialog) return dispatch({type: 'dialog', dialog: null});
    const key = focusedList(state);
    if (key && state.lists[key].filter) {
      return dispatch({type: 'list', key, action: {type: 'setFilter', filter: ''}});
    }
    dispatch({type: 'back'});
  }

  function run(command: CommandName): void {
    const state = store.getState();
    const refused = readOnlyRefusal(command, contextService(state));
    if (refused !== null) return fail(`read-only: ${refused}`);
    if (state.notice && command !== 'quit' && command !== 'redraw') dispatch({type: 'notice', notice: null});
    const move = LIST_MOVES[command];
    if (move) {
      const key = focusedList(state);
      if (key) dispatch({type: 'list', key, action: move});
      return;
    }
    const route = currentRoute(state);
    const service = contextService(state);
    const version = selectedVersion(state);
    switch (command) {
      case 'quit': {
        // A second q (or Ctrl-C) in the question quits; so does the question's own Quit.
        if (state.dialog?.kind === 'confirm' && state.dialog.action === 'quit') return exit();
        const running = runningRollout(state);
        if (running !== undefined) {
          return dispatch({type: 'dialog', dialog: {kind: 'confirm', action: 'quit', service: running}});
        }
        return exit();
      }
      case 'redraw':
        return redraw();
      case 'back':
        return back();
      case 'help':
        return dispatch({type: 'help', open: !state.help});
      case 'filter': {
        const key = focusedList(state);
        if (key && FILTERABLE.includes(key)) dispatch({type: 'filterMode', on: true});
        return;
      }
      case 'nextPanel':
        if (route.view === 'service') dispatch({type: 'panel'});
        return;
      case 'choose':
        return choose();
      case 'logs':
        if (route.view === 'task') return dispatch({type: 'navigate', route: {view: 'logs', service: route.service, task: route.task}});
        if (service !== null) dispatch({type: 'navigate', route: {view: 'logs', service}});
        return;
      case 'taskDetail': {
        const task = route.view === 'service' && state.panel === 'tasks' ? listWindow(state.lists.tasks).selectedId : undefined;
        if (route.view !== 'service' || task === undefined) return;
        dispatch({type: 'navigate', route: {view: 'task', service: route.service, task}});
        dispatch({type: 'taskDetail', task, detail: {status: 'loading'}});
        model.taskDetail(route.service, task).then(
          (detail) => dispatch({type: 'taskDetail', task, detail: {status: 'ready', value: detail}}),
          (error: unknown) => dispatch({type: 'taskDetail', task, detail: {status: 'error', error: errorText(error)}}),
        );
        return;
      }
      case 'open':
        if (service !== null) dispatch({type: 'navigate', route: {view: 'service', service}});
        return;
      case 'history':
        if (service === null) return;
        dispatch({type: 'navigate', route: {view: 'history', service}});
        return loadHistory(service);
      case 'progress': {
        if (service === null || !isAvailable(state, 'progress')) return info('no rollout to show for this service');
        const interrupted = interruptedRollout(state, service);
        if (!interrupted) return dispatch({type: 'navigate', route: {view: 'progress', service}});
        if (state.readOnly) return info(`read-only console: run 'dokroll-tui rollback ${service} --resume' to finish the rollout`);
        return follow(service, `reattached ${interrupted.kind} of ${service}`, () => model.resume(service));
      }
      case 'diff': {
        if (route.view !== 'history' || !version) return;
        const mark = state.mark;
        const diffRoute: Extract<Route, {view: 'diff'}> =
          mark !== null && mark !== version.number
            ? {view: 'diff', service: route.service, a: Math.min(mark, version.number), b: Math.max(mark, version.number)}
            : {view: 'diff', service: route.service, a: version.number, b: 'live'};
        dispatch({type: 'navigate', route: diffRoute});
        return loadDiff(diffRoute, false);
      }
      case 'mark':
        if (!version) return;
        if (state.mark === version.number) return dispatch({type: 'mark', version: null});
        dispatch({type: 'mark', version: version.number});
        return info(`marked v${version.number}: select another version and press d to diff the two`);
      case 'lastGood': {
        const good = historyRows(state).find((row) => row.health === 'good');
        if (!good) return info('no version is known good yet');
        return dispatch({type: 'list', key: 'history', action: {type: 'select', id: String(good.number)}});
      }
      case 'toggleSecrets':
        if (route.view === 'diff' && state.diff) loadDiff(route, !state.diff.showSecrets);
        return;
      case 'rollback':
        if (route.view !== 'history' || !version) return;
        return openRollback(route.service, version.number);
      case 'revertRollout': {
        const failed = failedRollout(state);
        if (failed?.from === null || failed?.from === undefined) return;
        return openRollback(failed.service, failed.from);
      }
      case 'lastGoodRollback': {
        const failed = failedRollout(state);
        const before = failed?.to ?? failed?.from;
        if (!failed || before === null || before === undefined) return;
        return rollBackToLastGood(failed.service, before);
      }
      case 'copy': {
        const target = copyTarget(state);
        if (!target) return info('nothing to copy here: select an image or a changed value');
        copy(target.value);
        return dispatch({type: 'notice', notice: {text: `copied ${target.what}: ${target.value}`, tone: 'info', whole: true}});
      }
      case 'redeploy':
      case 'snapshot':
        if (service === null) return;
        if (command === 'redeploy' && rolloutActive(state, service)) return info(`a rollout of ${service} is still running`);
        return dispatch({type: 'dialog', dialog: {kind: 'confirm', action: command, service}});
      case 'deleteVersion':
        if (route.view !== 'history' || !version) return;
        return dispatch({
          type: 'dialog',
          dialog: {kind: 'confirm', action: 'deleteVersion', service: route.service, version: version.number},
        });
      default:
        return;
    }
  }

  /** Enter in a dialog: the focused choice. */
  function choose(): void {
    const {dialog, lists} = store.getState();
    const choice = listWindow(lists.menu).selectedId as Choice | undefined;
    if (!dialog || !choice) return;
    if (dialog.kind === 'rollback') chooseRollback(choice === 'confirm' ? 'cancel' : choice);
    else confirm(choice === 'confirm');
  }

  function key(pressed: KeyName): void {
    const resolved = resolveKey(store.getState(), pressed);
    // Never silently ignored: the footer says so, and where to look.
    if (!resolved) return info(`${terminalSafe(keyLabel(pressed))}: no such key here — ? lists the keys`);
    if (resolved.kind === 'filter') applyFilter(resolved);
    else run(resolved.command);
  }

  function chooseRollback(choice: RollbackChoice | 'cancel'): void {
    const dialog = store.getState().dialog;
    if (dialog?.kind !== 'rollback') return;
    dispatch({type: 'dialog', dialog: null});
    if (choice === 'cancel' || readOnlyRefusal('rollback', dialog.service) !== null) return;
    if (dialog.preflight.status !== 'ready' || !dialog.preflight.value.ok) return;
    const {service, version} = dialog;
    if (choice === 'revertOnFailure') {
      const what = `rollback of ${service} to v${version} (reverted automatically on failure)`;
      return follow(service, what, () => model.rollback(service, version, 'full', {revertOnFailure: true}));
    }
    const what = `rollback of ${service} to v${version}${choice === 'full' ? '' : ` (${choice} only)`}`;
    follow(service, what, () => model.rollback(service, version, choice));
  }

  function confirm(yes: boolean): void {
    const dialog = store.getState().dialog;
    if (dialog?.kind !== 'confirm') return;
    dispatch({type: 'dialog', dialog: null});
    if (yes && dialog.action === 'quit') return exit();
    if (!yes || readOnlyRefusal(dialog.action, dialog.service) !== null) return;
    const {service} = dialog;
    const reload = () => {
      if (store.getState().history?.service === service) loadHistory(service);
    };
    switch (dialog.action) {
      case 'quit':
        return;
      case 'redeploy':
        return follow(service, `redeploy of ${service}`, () => model.redeploy(service));
      case 'snapshot':
        model.snapshotNow(service).then(
          (row) => {
            info(row ? `recorded ${service} v${row.number}` : `${service}: the live spec is already recorded`);
            reload();
          },
          (error: unknown) => fail(`snapshot failed: ${errorText(error)}`),
        );
        return;
      case 'deleteVersion': {
        const number = dialog.version;
        if (number === undefined) return;
        model.deleteVersion(service, number).then(
          () => {
            info(`deleted ${service} v${number} from the history`);
            reload();
          },
          (error: unknown) => fail(`delete failed: ${errorText(error)}`),
        );
        return;
      }
    }
  }

  function setListHeight(list: ListKey, height: number): void {
    dispatch({type: 'list', key: list, action: {type: 'setHeight', height}});
  }

  function historyChanged(service: string): void {
    const state = store.getState();
    if (state.history?.service === service && state.stack.some((route) => route.view === 'history' && route.service === service)) {
      loadHistory(service);
    }
  }

  return {key, run, chooseRollback, confirm, setListHeight, historyChanged};
}

