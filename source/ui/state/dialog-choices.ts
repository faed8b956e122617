/**
 * The choices a dialog offers, first one focused. Cancel always comes first, so enter pressed
 * without looking, or ahead of the dialog, never starts anything.
 */
import type {RollbackMode} from '../../services/console-model.js';
import type {ListItem} from '../list/list-reducer.js';
import type {Dialog} from './ui-state.js';

/** `revertOnFailure`: a full rollback that the engine reverts by itself when it fails. */
export type RollbackChoice = RollbackMode | 'revertOnFailure';

export type Choice = 'cancel' | 'confirm' | RollbackChoice;

export interface ChoiceItem extends ListItem {
  id: Choice;
  label: string;
}

const CANCEL: ChoiceItem = {id: 'cancel', label: 'Cancel', text: 'Cancel'};

/** The quit question's Cancel: the console stays. */
const KEEP_WATCHING: ChoiceItem = {id: 'cancel', label: 'Keep watching', text: 'Keep watching'};

const item = (id: Choice, label: string): ChoiceItem => ({id, label, text: label});

const CONFIRM_LABELS = {redeploy: 'Redeploy', snapshot: 'Snapshot', deleteVersion: 'Delete', quit: 'Quit'} as const;

export function dialogChoices(dialog: Dialog | null): ChoiceItem[] {
  if (!dialog) return [];
  if (dialog.kind === 'confirm' && dialog.action === 'quit')
    return [KEEP_WATCHING, item('confirm', CONFIRM_LABELS.quit)];
  if (dialog.kind === 'confirm') return [CANCEL, item('confirm', CONFIRM_LABELS[dialog.action])];
  if (dialog.kind === 'stackRollback') {
    const plan = dialog.preflight.status === 'ready' ? dialog.preflight.value : null;
    if (!plan?.ok || plan.services.every((p) => p.action === 'unchanged' || p.action === 'keep')) return [CANCEL];
    return [
      CANCEL,
      item('confirm', `Roll back the stack to r${dialog.revision}`),
      item('revertOnFailure', 'Roll back the stack, put every service back automatically on failure'),
    ];
  }
  if (dialog.preflight.status !== 'ready' || !dialog.preflight.value.ok) return [CANCEL];
  return [
    CANCEL,
    item('full', 'Roll back'),
    item('image', 'Roll back the image only'),
    item('config', 'Roll back the config only (keep the image)'),
    item('revertOnFailure', 'Roll back, revert automatically on failure'),
  ];
}
