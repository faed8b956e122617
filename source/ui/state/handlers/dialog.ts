/**
 * Enter in a dialog: the focused choice. The dialog closes first; a rollback then applies the plan
 * its pre-flight showed (for the mode it planned; another mode is planned afresh), a confirmed
 * question does what it asked. The dispatcher has checked read-only for what the dialog confirms.
 */
import type {RollbackMode} from '../../../services/console-model.js';
import {errorText} from '../../../shared/errors.js';
import {listWindow} from '../../list/list-reducer.js';
import type {Choice, RollbackChoice} from '../dialog-choices.js';
import type {Dialog} from '../ui-state.js';
import {PREFLIGHT_MODE, type CommandContext, type Handler} from './context.js';
import {applyStackRollback} from './stack.js';

function applyRollback(ctx: CommandContext, dialog: Extract<Dialog, {kind: 'rollback'}>, choice: RollbackChoice): void {
  if (dialog.preflight.status !== 'ready' || !dialog.preflight.value.ok) return;
  const {service, version} = dialog;
  // `revertOnFailure`: a full rollback the engine reverts by itself when it fails.
  const mode: RollbackMode = choice === 'revertOnFailure' ? 'full' : choice;
  const shown = mode === PREFLIGHT_MODE ? dialog.preflight.value : undefined;
  const how =
    choice === 'revertOnFailure' ? ' (reverted automatically on failure)' : mode === 'full' ? '' : ` (${mode} only)`;
  const what = `rollback of ${service} to v${version}${how}`;
  const opts = choice === 'revertOnFailure' ? {revertOnFailure: true} : undefined;
  ctx.follow(service, what, () => ctx.model.rollback(service, version, mode, shown, opts));
}

function applyConfirmed(ctx: CommandContext, dialog: Extract<Dialog, {kind: 'confirm'}>): void {
  const {service} = dialog;
  const reload = () => {
    if (ctx.state().history?.service === service) ctx.loadHistory(service);
  };
  switch (dialog.action) {
    case 'quit':
      return ctx.exit();
    case 'redeploy':
      return ctx.follow(service, `redeploy of ${service}`, () => ctx.model.redeploy(service));
    case 'snapshot':
      ctx.model.snapshotNow(service).then(
        (row) => {
          ctx.info(row ? `recorded ${service} v${row.number}` : `${service}: the live spec is already recorded`);
          reload();
        },
        (error: unknown) => ctx.fail(`snapshot failed: ${errorText(error)}`),
      );
      return;
    case 'deleteVersion': {
      const number = dialog.version;
      if (number === undefined) return;
      ctx.model.deleteVersion(service, number).then(
        () => {
          ctx.info(`deleted ${service} v${number} from the history`);
          reload();
        },
        (error: unknown) => ctx.fail(`delete failed: ${errorText(error)}`),
      );
      return;
    }
  }
}

export const choose: Handler = (ctx) => {
  const {dialog, lists} = ctx.state();
  const choice = listWindow(lists.menu).selectedId as Choice | undefined;
  if (!dialog || !choice) return;
  ctx.dispatch({type: 'dialog', dialog: null});
  if (choice === 'cancel') return;
  if (dialog.kind === 'rollback') {
    if (choice !== 'confirm') applyRollback(ctx, dialog, choice);
  } else if (dialog.kind === 'stackRollback') {
    const plan = dialog.preflight.status === 'ready' ? dialog.preflight.value : null;
    if ((choice === 'confirm' || choice === 'revertOnFailure') && plan?.ok)
      applyStackRollback(ctx, dialog.stack, dialog.revision, plan, choice === 'revertOnFailure');
  } else if (choice === 'confirm') {
    applyConfirmed(ctx, dialog);
  }
};
