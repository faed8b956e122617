/**
 * What keys do on a stack row of the services list: Enter, → and ← show / hide its services, `h`
 * opens its revision history. Kept apart from commands.ts, which calls it first and falls through
 * to the service commands when the row under the cursor is not a stack.
 */
import type {ConsoleModel} from '../../services/console-model.js';
import {errorText} from '../../shared/errors.js';
import type {CommandName} from '../keys/keymap.js';
import {selectedStackRow} from './selectors.js';
import type {UiStore} from './ui-store.js';

/** Runs `command` when it means something on the selected stack row; false: not a stack command here. */
export function runStackCommand(store: UiStore, model: ConsoleModel, command: CommandName): boolean {
  const {dispatch} = store;
  const row = selectedStackRow(store.getState());
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
