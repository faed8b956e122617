/**
 * The console's own state (what is on screen, where the cursors are), next to the model's state it
 * draws. Everything a key press needs to decide what it means lives here, so a burst of keys is
 * resolved one key at a time against the state the previous key left.
 */
import type {
  ConsoleState,
  PreflightReport,
  RollbackMode,
  SnapshotDiff,
  StackDiff,
  StackPlanReport,
  StackHistory,
  TaskDetail,
  HistoryRow,
} from '../../services/console-model.js';
import type {ListState} from '../list/list-reducer.js';
import {createList} from '../list/list-reducer.js';
import type {ViewName} from '../keys/keymap.js';

export type Route =
  | {view: 'services'}
  | {view: 'service'; service: string}
  | {view: 'history'; service: string}
  | {view: 'diff'; service: string; a: number | 'live'; b: number | 'live'}
  | {view: 'progress'; service: string}
  | {view: 'logs'; service: string; task?: string}
  | {view: 'task'; service: string; task: string}
  | {view: 'nodes'}
  | {view: 'stackHistory'; stack: string}
  | {view: 'stackDiff'; stack: string; a: number; b: number | 'live'}
  | {view: 'stackProgress'; stack: string};

export type ListKey =
  | 'services'
  | 'tasks'
  | 'events'
  | 'history'
  | 'diff'
  | 'help'
  | 'menu'
  | 'logs'
  | 'nodes'
  | 'revisions'
  | 'stackServices';

export type Panel = 'tasks' | 'events';

export type Loadable<T> = {status: 'loading'} | {status: 'ready'; value: T} | {status: 'error'; error: string};

export interface HistoryState {
  service: string;
  rows: Loadable<HistoryRow[]>;
}

export interface StackHistoryState {
  stack: string;
  history: Loadable<StackHistory>;
  /** A revision marked to diff against (m). */
  mark: number | null;
}

export interface StackDiffState {
  /** stack|a|b — results for another request are dropped. */
  key: string;
  diff: Loadable<StackDiff>;
}

export interface DiffState {
  /** service|a|b — results for another request are dropped. */
  key: string;
  showSecrets: boolean;
  diff: Loadable<SnapshotDiff>;
}

export type ConfirmAction = 'redeploy' | 'snapshot' | 'deleteVersion' | 'quit';

export type Dialog =
  | {kind: 'rollback'; service: string; version: number; preflight: Loadable<PreflightReport>}
  /** `stack`: quitting while a stack rollback of it runs (`service` names the stack then). */
  | {kind: 'confirm'; action: ConfirmAction; service: string; version?: number; stack?: string}
  | {kind: 'stackRollback'; stack: string; revision: number; preflight: Loadable<StackPlanReport>};

export interface Notice {
  text: string;
  tone: 'info' | 'error';
  /** Shown whole, wrapped over as many footer lines as it takes (a copied value), not cut. */
  whole?: boolean;
}

export interface UiState {
  console: ConsoleState;
  /** The whole console is read-only (the header says so). */
  readOnly: boolean;
  /** Why changes to a service are refused (null: allowed); see selectors' readOnlyHere. */
  readOnlyReason: (service: string | null) => string | null;
  /** Never empty; the last entry is on screen. */
  stack: Route[];
  /** Focused panel of the service view. */
  panel: Panel;
  filterMode: boolean;
  help: boolean;
  lists: Record<ListKey, ListState>;
  history: HistoryState | null;
  /** A version marked in the history to diff against. */
  mark: number | null;
  diff: DiffState | null;
  dialog: Dialog | null;
  notice: Notice | null;
  /** The task detail on screen (results for another task are dropped). */
  taskDetail: {task: string; detail: Loadable<TaskDetail>} | null;
  /** Stack rows of the services list that are collapsed (their row ids). */
  collapsed: string[];
  /** The stack revision history on screen. */
  stackHistory: StackHistoryState | null;
  stackDiff: StackDiffState | null;
}

export function initialUiState(
  console: ConsoleState,
  readOnly: boolean,
  readOnlyReason: (service: string | null) => string | null = () => (readOnly ? 'read-only' : null),
): UiState {
  return {
    console,
    readOnly,
    readOnlyReason,
    stack: [{view: 'services'}],
    panel: 'tasks',
    filterMode: false,
    help: false,
    lists: {
      services: createList(),
      tasks: createList(),
      events: createList(),
      history: createList(),
      // A cursor, not a scroll: y copies the value of the line under it.
      diff: createList(),
      help: createList({scroll: true}),
      menu: createList(),
      logs: createList({scroll: true}),
      nodes: createList(),
      revisions: createList(),
      stackServices: createList(),
    },
    history: null,
    mark: null,
    diff: null,
    dialog: null,
    notice: null,
    taskDetail: null,
    collapsed: [],
    stackHistory: null,
    stackDiff: null,
  };
}

export function currentRoute(state: UiState): Route {
  return state.stack[state.stack.length - 1] ?? {view: 'services'};
}

export function currentView(state: UiState): ViewName {
  return currentRoute(state).view;
}

export function routeService(route: Route): string | null {
  return route.view === 'services' ||
    route.view === 'nodes' ||
    route.view === 'stackHistory' ||
    route.view === 'stackDiff' ||
    route.view === 'stackProgress'
    ? null
    : route.service;
}

/** The list that movement keys and the filter act on. */
export function focusedList(state: UiState): ListKey | null {
  if (state.dialog) return 'menu';
  if (state.help) return 'help';
  const route = currentRoute(state);
  switch (route.view) {
    case 'services':
      return 'services';
    case 'service':
      return state.panel;
    case 'history':
      return 'history';
    case 'diff':
      return 'diff';
    case 'progress':
      return null;
    case 'logs':
      return 'logs';
    case 'task':
      return null;
    case 'nodes':
      return 'nodes';
    case 'stackHistory':
      return 'revisions';
    case 'stackDiff':
      return 'diff';
    case 'stackProgress':
      return 'stackServices';
  }
}

/** Lists that take a filter (`/`). */
export const FILTERABLE: readonly ListKey[] = ['services', 'tasks', 'events', 'history', 'logs'];

export const diffKey = (service: string, a: number | 'live', b: number | 'live'): string => `${service}|${a}|${b}`;
export const stackDiffKey = (stack: string, a: number, b: number | 'live'): string => `${stack}|${a}|${b}`;
export type {RollbackMode};
