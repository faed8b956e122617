/**
 * What one key press means in the current state. Pure: the same table drives the footer and help.
 * Order: Ctrl-C and Ctrl-L, an open dialog, the help overlay, filter typing, then the view's keymap.
 */
import {type KeyName, isPrintable} from '../keys/decode-keys.js';
import {type CommandName, findBinding, KEYMAP} from '../keys/keymap.js';
import {currentView, type UiState} from './ui-state.js';

export type Resolved =
  | {kind: 'command'; command: CommandName}
  | {kind: 'filter'; edit: 'append'; text: string}
  | {kind: 'filter'; edit: 'erase' | 'accept' | 'clear'};

const MOVE_COMMANDS: ReadonlySet<CommandName> = new Set(['up', 'down', 'pageUp', 'pageDown', 'home', 'end']);

/** The list movement a key means (the same keys as in every list view). */
function moveFor(key: KeyName): CommandName | undefined {
  return KEYMAP.find((b) => MOVE_COMMANDS.has(b.command) && b.keys.includes(key))?.command;
}

const command = (name: CommandName): Resolved => ({kind: 'command', command: name});

export function resolveKey(state: UiState, key: KeyName): Resolved | null {
  if (key === 'ctrl-c') return command('quit');
  if (key === 'ctrl-l') return command('redraw');

  if (state.dialog) {
    // Esc only ever cancels; enter takes the focused choice, which starts on Cancel.
    if (key === 'escape' || key === 'backspace') return command('back');
    if (key === 'q') return command('quit');
    if (key === 'return') return command('choose');
    const move = moveFor(key);
    return move ? command(move) : null;
  }

  if (state.help) {
    if (key === 'escape' || key === 'backspace' || key === '?') return command('help');
    if (key === 'q') return command('quit');
    const move = moveFor(key);
    return move ? command(move) : null;
  }

  if (state.filterMode) {
    if (key === 'return') return {kind: 'filter', edit: 'accept'};
    if (key === 'escape') return {kind: 'filter', edit: 'clear'};
    if (key === 'backspace') return {kind: 'filter', edit: 'erase'};
    // Typed characters go to the filter; arrows and paging keys still move.
    if (isPrintable(key)) return {kind: 'filter', edit: 'append', text: key};
    const move = moveFor(key);
    if (move) return command(move);
    return null;
  }

  // Keys a read-only service refuses still resolve, so that the action layer can say why it refuses
  // them (the footer and the help do not offer them).
  const binding = findBinding(currentView(state), false, key);
  return binding ? command(binding.command) : null;
}
