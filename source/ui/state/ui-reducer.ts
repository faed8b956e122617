/** How the console's state changes. Pure; effects (model calls, quitting) live in the command handlers (handlers/). */
import type {
  ConsoleState,
  PreflightReport,
  StackPlanReport,
  SnapshotDiff,
  StackDiff,
  StackHistory,
  TaskDetail,
  HistoryRow,
} from '../../services/console-model.js';
import {stackDiffItems} from './stack-diff-lines.js';
import {createList, listReducer, type ListAction, type ListState} from '../list/list-reducer.js';
import {helpItems} from '../keys/help-lines.js';
import {diffItems} from './diff-lines.js';
import {dialogChoices} from './dialog-choices.js';
import {readOnlyHere} from './selectors.js';
import {
  eventItems,
  historyItems,
  logItems,
  nodeItems,
  revisionItems,
  serviceItems,
  stackServiceItems,
  taskItems,
} from './rows.js';
import {
  currentRoute,
  currentView,
  type Dialog,
  type ListKey,
  type Loadable,
  type Notice,
  type Panel,
  type Route,
  routeService,
  stackDiffKey,
  type UiState,
} from './ui-state.js';

export type UiAction =
  | {type: 'console'; state: ConsoleState}
  | {type: 'list'; key: ListKey; action: ListAction}
  | {type: 'navigate'; route: Route}
  | {type: 'back'}
  | {type: 'panel'; panel?: Panel}
  | {type: 'filterMode'; on: boolean}
  | {type: 'help'; open: boolean}
  | {type: 'historyLoading'; service: string}
  | {type: 'historyLoaded'; service: string; rows: HistoryRow[]}
  | {type: 'historyFailed'; service: string; error: string}
  | {type: 'mark'; version: number | null}
  | {type: 'diffLoading'; key: string; showSecrets: boolean}
  | {type: 'diffLoaded'; key: string; diff: SnapshotDiff}
  | {type: 'diffFailed'; key: string; error: string}
  | {type: 'dialog'; dialog: Dialog | null}
  | {type: 'preflight'; service: string; version: number; preflight: Loadable<PreflightReport>}
  | {type: 'stackPreflight'; stack: string; revision: number; preflight: Loadable<StackPlanReport>}
  | {type: 'notice'; notice: Notice | null}
  | {type: 'taskDetail'; task: string; detail: Loadable<TaskDetail>}
  /** Collapses or expands a stack row of the services list (toggles without `collapse`). */
  | {type: 'stackRow'; id: string; collapse?: boolean}
  | {type: 'stackHistory'; stack: string; history: Loadable<StackHistory>}
  | {type: 'stackMark'; revision: number | null}
  | {type: 'stackDiff'; key: string; diff: Loadable<StackDiff>};

function updateList(state: UiState, key: ListKey, action: ListAction): UiState {
  const list = state.lists[key];
  const next = listReducer(list, action);
  return next === list ? state : {...state, lists: {...state.lists, [key]: next}};
}

function resetList(
  state: UiState,
  key: ListKey,
  list: ListState = createList({scroll: state.lists[key].scroll}),
): UiState {
  return {...state, lists: {...state.lists, [key]: {...list, height: state.lists[key].height}}};
}

/** Puts the model's current rows into the lists drawn from it. */
function syncLists(state: UiState): UiState {
  let next = updateList(state, 'services', {type: 'setItems', items: serviceItems(state.console, state.collapsed)});
  const route = currentRoute(next);
  if (route.view === 'logs') {
    // Following: a list scrolled to its end stays at the end as lines arrive.
    const before = next.lists.logs;
    const atEnd = before.offset >= Math.max(0, before.ids.length - before.height);
    next = updateList(next, 'logs', {type: 'setItems', items: logItems(next.console, route)});
    if (atEnd) next = updateList(next, 'logs', {type: 'end'});
  }
  if (route.view === 'nodes') next = updateList(next, 'nodes', {type: 'setItems', items: nodeItems(next.console)});
  if (route.view === 'stackProgress')
    next = updateList(next, 'stackServices', {type: 'setItems', items: stackServiceItems(next.console, route.stack)});
  const service = routeService(route);
  if (service !== null) {
    next = updateList(next, 'tasks', {type: 'setItems', items: taskItems(next.console, service)});
    next = updateList(next, 'events', {type: 'setItems', items: eventItems(next.console, service)});
  }
  return next;
}

/** Fresh per-route state when a route is entered. */
function enter(state: UiState, route: Route): UiState {
  let next: UiState = {...state, filterMode: false};
  const previous = state.stack.map(routeService);
  switch (route.view) {
    case 'service':
      if (!previous.includes(route.service)) {
        next = resetList(resetList(next, 'tasks'), 'events');
        next = {...next, panel: 'tasks'};
      }
      break;
    case 'history':
      if (next.history?.service !== route.service) {
        next = resetList(next, 'history');
        next = {...next, history: {service: route.service, rows: {status: 'loading'}}, mark: null};
      }
      break;
    case 'diff':
      next = resetList(next, 'diff');
      break;
    case 'logs':
      next = resetList(next, 'logs');
      break;
    case 'stackDiff':
      next = resetList(next, 'diff');
      next = {...next, stackDiff: {key: stackDiffKey(route.stack, route.a, route.b), diff: {status: 'loading'}}};
      break;
    case 'stackProgress':
      next = resetList(next, 'stackServices');
      break;
    case 'stackHistory':
      if (next.stackHistory?.stack !== route.stack) {
        next = resetList(next, 'revisions');
        next = {...next, stackHistory: {stack: route.stack, history: {status: 'loading'}, mark: null}};
      }
      break;
    default:
      break;
  }
  return next;
}

export function uiReducer(state: UiState, action: UiAction): UiState {
  switch (action.type) {
    case 'console':
      return syncLists(action.state === state.console ? state : {...state, console: action.state});
    case 'list':
      return updateList(state, action.key, action.action);
    case 'navigate': {
      const entered = enter(state, action.route);
      return syncLists({...entered, stack: [...state.stack, action.route]});
    }
    case 'back':
      if (state.stack.length <= 1) return state;
      return syncLists({...state, stack: state.stack.slice(0, -1), filterMode: false});
    case 'panel':
      return {...state, panel: action.panel ?? (state.panel === 'tasks' ? 'events' : 'tasks'), filterMode: false};
    case 'filterMode':
      return action.on === state.filterMode ? state : {...state, filterMode: action.on};
    case 'help': {
      if (!action.open) return state.help ? {...state, help: false} : state;
      const withHelp = resetList(state, 'help');
      return updateList({...withHelp, help: true, filterMode: false}, 'help', {
        type: 'setItems',
        items: helpItems(currentView(state), readOnlyHere(state)),
      });
    }
    case 'historyLoading':
      if (state.history?.service === action.service && state.history.rows.status === 'ready') return state;
      return {...state, history: {service: action.service, rows: {status: 'loading'}}};
    case 'historyLoaded': {
      if (state.history?.service !== action.service) return state;
      const next = {...state, history: {service: action.service, rows: {status: 'ready' as const, value: action.rows}}};
      const mark = next.mark !== null && action.rows.some((r) => r.number === next.mark) ? next.mark : null;
      return updateList({...next, mark}, 'history', {type: 'setItems', items: historyItems(action.rows)});
    }
    case 'historyFailed':
      if (state.history?.service !== action.service) return state;
      return {...state, history: {service: action.service, rows: {status: 'error', error: action.error}}};
    case 'mark':
      return {...state, mark: action.version};
    case 'diffLoading':
      return {...state, diff: {key: action.key, showSecrets: action.showSecrets, diff: {status: 'loading'}}};
    case 'diffLoaded': {
      if (state.diff?.key !== action.key) return state;
      const next = {...state, diff: {...state.diff, diff: {status: 'ready' as const, value: action.diff}}};
      return updateList(next, 'diff', {type: 'setItems', items: diffItems(action.diff)});
    }
    case 'diffFailed':
      if (state.diff?.key !== action.key) return state;
      return {...state, diff: {...state.diff, diff: {status: 'error', error: action.error}}};
    case 'dialog': {
      const withMenu = resetList(state, 'menu');
      return updateList({...withMenu, dialog: action.dialog, filterMode: false}, 'menu', {
        type: 'setItems',
        items: dialogChoices(action.dialog),
      });
    }
    case 'preflight': {
      const dialog = state.dialog;
      if (dialog?.kind !== 'rollback' || dialog.service !== action.service || dialog.version !== action.version) {
        return state;
      }
      const next: Dialog = {...dialog, preflight: action.preflight};
      return updateList({...state, dialog: next}, 'menu', {type: 'setItems', items: dialogChoices(next)});
    }
    case 'stackPreflight': {
      const dialog = state.dialog;
      if (dialog?.kind !== 'stackRollback' || dialog.stack !== action.stack || dialog.revision !== action.revision)
        return state;
      const next: Dialog = {...dialog, preflight: action.preflight};
      return updateList({...state, dialog: next}, 'menu', {type: 'setItems', items: dialogChoices(next)});
    }
    case 'notice':
      return {...state, notice: action.notice};
    case 'taskDetail':
      if (action.detail.status !== 'loading' && state.taskDetail?.task !== action.task) return state;
      return {...state, taskDetail: {task: action.task, detail: action.detail}};
    case 'stackRow': {
      const isCollapsed = state.collapsed.includes(action.id);
      const collapse = action.collapse ?? !isCollapsed;
      if (collapse === isCollapsed) return state;
      const collapsed = collapse ? [...state.collapsed, action.id] : state.collapsed.filter((id) => id !== action.id);
      return syncLists({...state, collapsed});
    }
    case 'stackHistory': {
      if (state.stackHistory?.stack !== action.stack) return state;
      const next = {...state, stackHistory: {...state.stackHistory, history: action.history}};
      return action.history.status === 'ready'
        ? updateList(next, 'revisions', {type: 'setItems', items: revisionItems(action.history.value)})
        : next;
    }
    case 'stackMark':
      return state.stackHistory ? {...state, stackHistory: {...state.stackHistory, mark: action.revision}} : state;
    case 'stackDiff': {
      if (state.stackDiff?.key !== action.key) return state;
      const next = {...state, stackDiff: {key: action.key, diff: action.diff}};
      return action.diff.status === 'ready'
        ? updateList(next, 'diff', {type: 'setItems', items: stackDiffItems(action.diff.value)})
        : next;
    }
  }
}
