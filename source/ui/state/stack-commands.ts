/**
 * What keys do on a stack row of the services list: Enter, → and ← show / hide its services, `h`
 * opens its revision history; in that history `d` (or Enter) diffs the selected revision against
 * what runs, or against the revision marked with `m`. Kept apart from commands.ts, which calls it
 * first and falls through to the service commands when the screen is not about a stack.
 */
import type {ConsoleModel} from '../../services/console-model.js';
import {errorText} from '../../shared/errors.js';
import type {CommandName} from '../keys/keymap.js';
import {selectedStackRow} from './selectors.js';
import type {UiStore} from './ui-store.js';
import {listWindow} from '../list/list-reducer.js';
import {currentRoute, stackDiffKey} from './ui-state.js';

/** Runs `command` when it means something on the selected stack row; false: not a stack command here. */
export function runStackCommand(store: UiStore, model: ConsoleModel, command: CommandName): boolean {
  const {dispatch} = store;
  const state = store.getState();
  const route = currentRoute(state);
  if (route.view === 'stackHistory') return revisionCommand(store, model, route.stack, command);
  const row = selectedStackRow(state);
  if (row === null) return false;
  switch (command) {
    case 'open':
      dispatch({type: 'stackRow', id: row.id});
      return true;
    case 'expand':
    case 'collapse':
      dispatch({type: 'stackRow', id: row.id, collapse: command === 'collapse'});
      return true;
    case 'history': {
      const stack = row.stack;
      if (stack === null) {
        dispatch({type: 'notice', notice: {text: 'these services belong to no stack: select one of them for its history', tone: 'info'}});
        return true;
      }
      dispatch({type: 'navigate', route: {view: 'stackHistory', stack}});
      model.loadStackHistory(stack).then(
        (history) => dispatch({type: 'stackHistory', stack, history: {status: 'ready', value: history}}),
        (error: unknown) => dispatch({type: 'stackHistory', stack, history: {status: 'error', error: errorText(error)}}),
      );
      return true;
    }
    default:
      return false;
  }
}

function revisionCommand(store: UiStore, model: ConsoleModel, stack: string, command: CommandName): boolean {
  const {dispatch} = store;
  const state = store.getState();
  const id = listWindow(state.lists.revisions).selectedId;
  const selected = id === undefined ? null : Number(id);
  const mark = state.stackHistory?.mark ?? null;
  if (command === 'mark') {
    if (selected === null) return true;
    if (mark === selected) dispatch({type: 'stackMark', revision: null});
    else {
      dispatch({type: 'stackMark', revision: selected});
      dispatch({type: 'notice', notice: {text: `marked r${selected}: select another revision and press d to diff the two`, tone: 'info'}});
    }
    return true;
  }
  if (command !== 'diff') return false;
  if (selected === null) return true;
  const [a, b]: [number, number | 'live'] = mark !== null && mark !== selected ? [Math.min(mark, selected), Math.max(mark, selected)] : [selected, 'live'];
  const key = stackDiffKey(stack, a, b);
  dispatch({type: 'navigate', route: {view: 'stackDiff', stack, a, b}});
  model.stackDiff(stack, a, b).then(
    (diff) => dispatch({type: 'stackDiff', key, diff: {status: 'ready', value: diff}}),
    (error: unknown) => dispatch({type: 'stackDiff', key, diff: {status: 'error', error: errorText(error)}}),
  );
  return true;
}
