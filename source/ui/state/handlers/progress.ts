/**
 * The rollback panel's next steps once a rollout ended failed or degraded: `b` opens the rollback
 * dialog for the version that was live before it, `L` for the newest version before its target that
 * was judged good. Both go through the same pre-flight and confirmation as any rollback.
 */
import {errorText} from '../../../shared/errors.js';
import {currentRoute} from '../ui-state.js';
import {failedRollout} from '../selectors.js';
import type {CommandContext, Handler} from './context.js';

const revertRollout: Handler = (ctx) => {
  const failed = failedRollout(ctx.state());
  if (failed?.from === null || failed?.from === undefined) return;
  ctx.openRollback(failed.service, failed.from);
};

function rollBackToLastGood(ctx: CommandContext, service: string, before: number): void {
  ctx.info(`looking for the last known good version before v${before}…`);
  ctx.model.loadHistory(service).then(
    (rows) => {
      const state = ctx.state();
      if (currentRoute(state).view !== 'progress' || state.dialog) return;
      const good = rows.find((row) => row.number < before && row.health === 'good');
      if (!good) return ctx.info(`no version before v${before} is known good`);
      ctx.dispatch({type: 'notice', notice: null});
      ctx.openRollback(service, good.number);
    },
    (error: unknown) => ctx.fail(`cannot read the history: ${errorText(error)}`),
  );
}

const lastGoodRollback: Handler = (ctx) => {
  const failed = failedRollout(ctx.state());
  const before = failed?.to ?? failed?.from;
  if (!failed || before === null || before === undefined) return;
  rollBackToLastGood(ctx, failed.service, before);
};

export const PROGRESS_HANDLERS = {revertRollout, lastGoodRollback};
