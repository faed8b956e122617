/**
 * Commands of the history view: diff a version (against live, or against the marked one), mark one,
 * jump to the last known good, roll back to one (its pre-flight opens the dialog), delete one.
 */
import {historyRows, selectedVersion} from '../selectors.js';
import {currentRoute, type Route} from '../ui-state.js';
import type {CommandContext, Handler} from './context.js';

/** The history on screen and its selected version, or null. */
function selection(ctx: CommandContext) {
  const state = ctx.state();
  const route = currentRoute(state);
  const version = selectedVersion(state);
  return route.view === 'history' && version ? {state, service: route.service, version} : null;
}

const diff: Handler = (ctx) => {
  const selected = selection(ctx);
  if (!selected) return;
  const {state, service, version} = selected;
  const mark = state.mark;
  const route: Extract<Route, {view: 'diff'}> =
    mark !== null && mark !== version.number
      ? {view: 'diff', service, a: Math.min(mark, version.number), b: Math.max(mark, version.number)}
      : {view: 'diff', service, a: version.number, b: 'live'};
  ctx.dispatch({type: 'navigate', route});
  ctx.loadDiff(route, false);
};

const mark: Handler = (ctx) => {
  const selected = selection(ctx);
  if (!selected) return;
  const {state, version} = selected;
  if (state.mark === version.number) return ctx.dispatch({type: 'mark', version: null});
  ctx.dispatch({type: 'mark', version: version.number});
  ctx.info(`marked v${version.number}: select another version and press d to diff the two`);
};

const lastGood: Handler = (ctx) => {
  const good = historyRows(ctx.state()).find((row) => row.health === 'good');
  if (!good) return ctx.info('no version is known good yet');
  ctx.dispatch({type: 'list', key: 'history', action: {type: 'select', id: String(good.number)}});
};

const rollback: Handler = (ctx) => {
  const selected = selection(ctx);
  if (selected) ctx.openRollback(selected.service, selected.version.number);
};

const deleteVersion: Handler = (ctx) => {
  const selected = selection(ctx);
  if (!selected) return;
  const {service, version} = selected;
  ctx.dispatch({type: 'dialog', dialog: {kind: 'confirm', action: 'deleteVersion', service, version: version.number}});
};

export const HISTORY_HANDLERS = {diff, mark, lastGood, rollback, deleteVersion};
