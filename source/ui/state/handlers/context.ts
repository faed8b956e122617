/**
 * What a command handler works with: the UI store, the model, and the few effects several handlers
 * share (loading a history or a diff, following a rollout to its end). Handlers are plain functions
 * of this context; the dispatcher (../commands.ts) picks one per key and checks read-only first.
 */
import type {ConsoleModel, ConsoleRolloutHandle, RollbackMode, RolloutEnd} from '../../../services/console-model.js';
import {errorText} from '../../../shared/errors.js';
import type {CommandName} from '../../keys/keymap.js';
import type {UiAction} from '../ui-reducer.js';
import type {UiStore} from '../ui-store.js';
import {diffKey, type Route, type UiState} from '../ui-state.js';
import {rolloutActive, serviceSummary} from '../selectors.js';

/** The mode the dialog's pre-flight plans (its plan is the one a confirmed rollback of that mode applies). */
export const PREFLIGHT_MODE: RollbackMode = 'full';

export interface CommandContext {
  readonly model: ConsoleModel;
  /** The state right now (a handler reads it again after its own dispatches). */
  state(): UiState;
  dispatch(action: UiAction): void;
  info(text: string): void;
  fail(text: string): void;
  exit(): void;
  redraw(): void;
  /** Runs another command through the dispatcher, its read-only check included. */
  run(command: CommandName): void;
  loadHistory(service: string): void;
  loadDiff(route: Extract<Route, {view: 'diff'}>, showSecrets: boolean): void;
  /** Starts a rollout, opens its progress panel and says how it ended. */
  follow(service: string, what: string, start: () => ConsoleRolloutHandle): void;
  /** The rollback dialog for `version`: pre-flight first, then the operator's choice (focus on Cancel). */
  openRollback(service: string, version: number): void;
  /** Puts text on the terminal's clipboard (OSC 52, written to the terminal directly: ui/clipboard.ts). */
  copy(text: string): void;
}

export type Handler = (ctx: CommandContext) => void;

/** One line for how a rollout ended ("conflict: …" is not repeated after "conflict"). */
export function rolloutEndText(what: string, end: RolloutEnd): string {
  const error = end.error?.startsWith(`${end.result}: `) ? end.error.slice(end.result.length + 2) : end.error;
  return `${what}: ${end.result}${error ? ` (${error})` : ''}`;
}

export function createCommandContext(
  store: UiStore,
  model: ConsoleModel,
  effects: {exit: () => void; redraw: () => void; run: (command: CommandName) => void; copy: (text: string) => void},
): CommandContext {
  const {dispatch} = store;
  const info = (text: string) => dispatch({type: 'notice', notice: {text, tone: 'info'}});
  const fail = (text: string) => dispatch({type: 'notice', notice: {text, tone: 'error'}});

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
      (end) => {
        const text = rolloutEndText(what, end);
        if (end.result === 'healthy') info(text);
        else fail(text);
        if (store.getState().history?.service === service) loadHistory(service);
      },
      (error: unknown) => fail(`${what} failed: ${errorText(error)}`),
    );
  }

  function openRollback(service: string, version: number): void {
    const state = store.getState();
    if (rolloutActive(state, service)) return info(`a rollout of ${service} is still running`);
    if (serviceSummary(state, service)?.liveVersion === version) return info(`v${version} is the live version already`);
    const target = {service, version};
    dispatch({type: 'dialog', dialog: {kind: 'rollback', ...target, preflight: {status: 'loading'}}});
    model.preflight(service, version, PREFLIGHT_MODE).then(
      (report) => dispatch({type: 'preflight', ...target, preflight: {status: 'ready', value: report}}),
      (error: unknown) =>
        dispatch({type: 'preflight', ...target, preflight: {status: 'error', error: errorText(error)}}),
    );
  }

  return {model, state: store.getState, dispatch, info, fail, ...effects, loadHistory, loadDiff, follow, openRollback};
}
