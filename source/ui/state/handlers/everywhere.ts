/**
 * Commands of every view (and of the help overlay and dialogs): quit, redraw, back, help, the filter,
 * and moving in the focused list.
 */
import type {CommandName} from '../../keys/keymap.js';
import type {ListAction} from '../../list/list-reducer.js';
import {copyTarget, runningRollout} from '../selectors.js';
import {FILTERABLE, focusedList} from '../ui-state.js';
import type {Handler} from './context.js';

const quit: Handler = (ctx) => {
  const state = ctx.state();
  // A second q (or Ctrl-C) in the question quits; so does the question's own Quit.
  if (state.dialog?.kind === 'confirm' && state.dialog.action === 'quit') return ctx.exit();
  const stack = Object.entries(state.console.stackRollouts ?? {}).find(([, rollout]) => !rollout.done)?.[0];
  if (stack !== undefined)
    return ctx.dispatch({type: 'dialog', dialog: {kind: 'confirm', action: 'quit', service: stack, stack}});
  const running = runningRollout(state);
  if (running !== undefined) {
    return ctx.dispatch({type: 'dialog', dialog: {kind: 'confirm', action: 'quit', service: running}});
  }
  ctx.exit();
};

/** Closes what is open, innermost first: help, a dialog, the filter, then the view. */
const back: Handler = (ctx) => {
  const state = ctx.state();
  if (state.help) return ctx.dispatch({type: 'help', open: false});
  if (state.dialog) return ctx.dispatch({type: 'dialog', dialog: null});
  const key = focusedList(state);
  if (key && state.lists[key].filter) {
    return ctx.dispatch({type: 'list', key, action: {type: 'setFilter', filter: ''}});
  }
  ctx.dispatch({type: 'back'});
};

const help: Handler = (ctx) => ctx.dispatch({type: 'help', open: !ctx.state().help});

const filter: Handler = (ctx) => {
  const key = focusedList(ctx.state());
  if (key && FILTERABLE.includes(key)) ctx.dispatch({type: 'filterMode', on: true});
};

const move =
  (action: ListAction): Handler =>
  (ctx) => {
    const key = focusedList(ctx.state());
    if (key) ctx.dispatch({type: 'list', key, action});
  };

export const MOVES = {
  up: move({type: 'up'}),
  down: move({type: 'down'}),
  pageUp: move({type: 'pageUp'}),
  pageDown: move({type: 'pageDown'}),
  home: move({type: 'home'}),
  end: move({type: 'end'}),
} satisfies Partial<Record<CommandName, Handler>>;

/** `y`: copies the selected image digest / value (OSC 52) and shows it whole in the footer. */
const copy: Handler = (ctx) => {
  const target = copyTarget(ctx.state());
  if (!target) return ctx.info('nothing to copy here: select an image or a changed value');
  ctx.copy(target.value);
  ctx.dispatch({type: 'notice', notice: {text: `copied ${target.what}: ${target.value}`, tone: 'info', whole: true}});
};

export const EVERYWHERE = {
  copy,
  quit,
  redraw: (ctx) => ctx.redraw(),
  back,
  help,
  filter,
  ...MOVES,
} satisfies Partial<Record<CommandName, Handler>>;
