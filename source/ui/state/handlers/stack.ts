/**
 * What keys do about a stack: on a stack row of the services list Enter, → and ← show / hide its
 * services, `h` opens its revision history, `r` the rollback of the whole stack to the revision
 * before the live one, `p` its rollback's progress; in its history `d` (or Enter) diffs the selected
 * revision against what runs or against the one marked with `m`, `r` rolls the stack back to the
 * selected revision; in the stack progress panel Enter opens a service's per-slot panel. On a service
 * row the services list's keys do what they do for a service (`stackOr`).
 */
import type {StackPlanReport} from '../../../services/console-model.js';
import {errorText} from '../../../shared/errors.js';
import {listWindow} from '../../list/list-reducer.js';
import {selectedStackRow} from '../selectors.js';
import {currentRoute, stackDiffKey} from '../ui-state.js';
import {rolloutEndText, type CommandContext, type Handler} from './context.js';

/** On a stack row: `onStack`; on anything else: `otherwise` (the service's command). */
export const stackOr =
  (onStack: (ctx: CommandContext, row: {id: string; stack: string | null}) => void, otherwise: Handler): Handler =>
  (ctx) => {
    const row = selectedStackRow(ctx.state());
    if (row === null) otherwise(ctx);
    else onStack(ctx, row);
  };

const toggle = (collapse?: boolean) => (ctx: CommandContext, row: {id: string}) =>
  ctx.dispatch({type: 'stackRow', id: row.id, ...(collapse !== undefined ? {collapse} : {})});

export const expand: Handler = stackOr(toggle(false), () => {});
export const collapse: Handler = stackOr(toggle(true), () => {});
export const openStackRow = (otherwise: Handler): Handler => stackOr(toggle(), otherwise);

const NO_STACK = 'these services belong to no stack: select one of them';

function loadStackHistory(ctx: CommandContext, stack: string): void {
  ctx.model.loadStackHistory(stack).then(
    (history) => ctx.dispatch({type: 'stackHistory', stack, history: {status: 'ready', value: history}}),
    (error: unknown) =>
      ctx.dispatch({type: 'stackHistory', stack, history: {status: 'error', error: errorText(error)}}),
  );
}

export const stackHistory = (otherwise: Handler): Handler =>
  stackOr((ctx, {stack}) => {
    if (stack === null) return ctx.info(`${NO_STACK} for its history`);
    ctx.dispatch({type: 'navigate', route: {view: 'stackHistory', stack}});
    loadStackHistory(ctx, stack);
  }, otherwise);

function showStackProgress(ctx: CommandContext, stack: string): void {
  if (!ctx.state().console.stackRollouts?.[stack])
    return ctx.info(`no rollback of stack ${stack} to show: r starts one`);
  ctx.dispatch({type: 'navigate', route: {view: 'stackProgress', stack}});
}

export const stackProgress = (otherwise: Handler): Handler =>
  stackOr(
    (ctx, {stack}) => (stack === null ? ctx.info(`${NO_STACK} for its rollout`) : showStackProgress(ctx, stack)),
    otherwise,
  );

/** The stack rollback dialog for `revision`: pre-flight of every service first, focus on Cancel. */
function openStackRollback(ctx: CommandContext, stack: string, revision: number): void {
  const running = ctx.state().console.stackRollouts?.[stack];
  if (running && !running.done) return ctx.info(`a rollback of stack ${stack} is still running: p shows it`);
  const target = {stack, revision};
  ctx.dispatch({type: 'dialog', dialog: {kind: 'stackRollback', ...target, preflight: {status: 'loading'}}});
  ctx.model.stackPreflight(stack, revision).then(
    (report) => ctx.dispatch({type: 'stackPreflight', ...target, preflight: {status: 'ready', value: report}}),
    (error: unknown) =>
      ctx.dispatch({type: 'stackPreflight', ...target, preflight: {status: 'error', error: errorText(error)}}),
  );
}

/** `r` on a stack row: the whole stack back to the revision before the live one (the newest, when what runs is none). */
const rollbackFromRow = (ctx: CommandContext, {stack}: {stack: string | null}) => {
  if (stack === null) return ctx.info(`${NO_STACK}, then h and r on a version`);
  ctx.model.loadStackHistory(stack).then(
    (history) => {
      const state = ctx.state();
      if (state.dialog || currentRoute(state).view !== 'services') return;
      const live = history.entries.findIndex((e) => e.live);
      const target = live >= 0 ? history.entries[live + 1] : history.entries[0];
      if (!target) return ctx.info(`stack ${stack} has no revision before the live one to roll back to`);
      openStackRollback(ctx, stack, target.row.number);
    },
    (error: unknown) => ctx.fail(`cannot read the history of stack ${stack}: ${errorText(error)}`),
  );
};

export const stackRollback = (otherwise: Handler): Handler => stackOr(rollbackFromRow, otherwise);

/** The revision selected in the stack history, or null. */
function selectedRevision(ctx: CommandContext): number | null {
  const id = listWindow(ctx.state().lists.revisions).selectedId;
  return id === undefined ? null : Number(id);
}

function routeStack(ctx: CommandContext): string | null {
  const route = currentRoute(ctx.state());
  return route.view === 'stackHistory' || route.view === 'stackProgress' ? route.stack : null;
}

export const markRevision: Handler = (ctx) => {
  const selected = selectedRevision(ctx);
  if (selected === null) return;
  if (ctx.state().stackHistory?.mark === selected) return ctx.dispatch({type: 'stackMark', revision: null});
  ctx.dispatch({type: 'stackMark', revision: selected});
  ctx.info(`marked r${selected}: select another revision and press d to diff the two`);
};

export const diffRevision: Handler = (ctx) => {
  const stack = routeStack(ctx);
  const selected = selectedRevision(ctx);
  if (stack === null || selected === null) return;
  const mark = ctx.state().stackHistory?.mark ?? null;
  const [a, b]: [number, number | 'live'] =
    mark !== null && mark !== selected ? [Math.min(mark, selected), Math.max(mark, selected)] : [selected, 'live'];
  const key = stackDiffKey(stack, a, b);
  ctx.dispatch({type: 'navigate', route: {view: 'stackDiff', stack, a, b}});
  ctx.model.stackDiff(stack, a, b).then(
    (diff) => ctx.dispatch({type: 'stackDiff', key, diff: {status: 'ready', value: diff}}),
    (error: unknown) => ctx.dispatch({type: 'stackDiff', key, diff: {status: 'error', error: errorText(error)}}),
  );
};

/** `r` in a stack's history: the whole stack back to the selected revision. */
export const rollbackToRevision: Handler = (ctx) => {
  const stack = routeStack(ctx);
  const selected = selectedRevision(ctx);
  if (stack !== null && selected !== null) openStackRollback(ctx, stack, selected);
};

/** `p` in a stack's history: its rollback's progress. */
export const revisionProgress: Handler = (ctx) => {
  const stack = routeStack(ctx);
  if (stack !== null) showStackProgress(ctx, stack);
};

/** Enter on a row of the stack progress panel: that service's per-slot panel. */
export const openStackService: Handler = (ctx) => {
  const state = ctx.state();
  const service = listWindow(state.lists.stackServices).selectedId;
  if (service === undefined) return;
  if (!state.console.rollouts[service]) return ctx.info(`${service} has no rollout of its own in this stack rollback`);
  ctx.dispatch({type: 'navigate', route: {view: 'progress', service}});
};

/** The confirmed stack rollback: the plan its dialog showed, through the stack rollback engine. */
export function applyStackRollback(
  ctx: CommandContext,
  stack: string,
  revision: number,
  shown: StackPlanReport,
  revertOnFailure: boolean,
): void {
  const what = `rollback of stack ${stack} to r${revision}${revertOnFailure ? ' (reverted automatically on failure)' : ''}`;
  let done;
  try {
    done = ctx.model.stackRollback(stack, revision, shown, revertOnFailure ? {revertOnFailure} : undefined).done;
  } catch (error) {
    return ctx.fail(`${what} failed: ${errorText(error)}`);
  }
  ctx.dispatch({type: 'navigate', route: {view: 'stackProgress', stack}});
  done.then(
    (end) => {
      const text = rolloutEndText(what, end);
      if (end.result === 'healthy') ctx.info(text);
      else ctx.fail(text);
      if (ctx.state().stackHistory?.stack === stack) loadStackHistory(ctx, stack);
    },
    (error: unknown) => ctx.fail(`${what} failed: ${errorText(error)}`),
  );
}
