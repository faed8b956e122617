/** Questions about the UI state that the key layer, the footer and the views all ask. */
import type {InterruptedRollout, RolloutView, ServiceSummary, HistoryRow} from '../../services/console-model.js';
import type {CommandName} from '../keys/keymap.js';
import {listWindow} from '../list/list-reducer.js';
import {currentRoute, routeService, type UiState} from './ui-state.js';
import {isStackRow, stackOfRow} from './stack-rows.js';
import {diffLines} from './diff-lines.js';
import {taskRows} from './rows.js';

/** The service the current screen is about: the selected row on the overview, else the route's. */
export function contextService(state: UiState): string | null {
  const route = currentRoute(state);
  if (route.view === 'services') {
    const id = listWindow(state.lists.services).selectedId;
    return id === undefined || isStackRow(id) ? null : id;
  }
  return routeService(route);
}

/** The stack row selected on the services list: its id and stack (null stack: the services without one). */
export function selectedStackRow(state: UiState): {id: string; stack: string | null} | null {
  if (currentRoute(state).view !== 'services') return null;
  const id = listWindow(state.lists.services).selectedId;
  return id !== undefined && isStackRow(id) ? {id, stack: stackOfRow(id)} : null;
}

/** The stack the current screen is about: the selected stack row's, or the stack view's; else null. */
export function contextStack(state: UiState): string | null {
  const route = currentRoute(state);
  if (route.view === 'stackHistory' || route.view === 'stackDiff' || route.view === 'stackProgress') return route.stack;
  return selectedStackRow(state)?.stack ?? null;
}

/** The services of a stack running now (as the services list groups them). */
export function stackServiceNames(state: UiState, stack: string): string[] {
  return state.console.services.filter((s) => s.stack === stack).map((s) => s.name);
}

/**
 * Why the service the screen is about cannot be changed nor its secrets revealed, or null. The
 * footer, the help and the views ask this; the dispatcher's one check asks readOnlyFor.
 */
export function readOnlyHere(state: UiState): string | null {
  return readOnlyFor(state, contextService(state));
}

/** Why changes to `service` are refused (null: the console as a whole), or null. */
export function readOnlyFor(state: UiState, service: string | null): string | null {
  return state.readOnlyReason(service) ?? (state.readOnly ? 'read-only' : null);
}

export function serviceSummary(state: UiState, name: string | null): ServiceSummary | undefined {
  return name === null ? undefined : state.console.services.find((s) => s.name === name);
}

export function historyRows(state: UiState): HistoryRow[] {
  return state.history?.rows.status === 'ready' ? state.history.rows.value : [];
}

export function selectedVersion(state: UiState): HistoryRow | undefined {
  const id = listWindow(state.lists.history).selectedId;
  if (id === undefined) return undefined;
  return historyRows(state).find((row) => String(row.number) === id);
}

export function rolloutActive(state: UiState, service: string | null): boolean {
  if (service === null) return false;
  const rollout = state.console.rollouts[service];
  return rollout !== undefined && !rollout.done;
}

/** A rollout of the service left open by a console that is gone (`p` reattaches), unless one runs here. */
export function interruptedRollout(state: UiState, service: string | null): InterruptedRollout | undefined {
  if (service === null || rolloutActive(state, service)) return undefined;
  return state.console.interrupted?.[service];
}

/** The service of a rollout this console is watching that has not ended, if any. */
export function runningRollout(state: UiState): string | undefined {
  return Object.entries(state.console.rollouts).find(([, rollout]) => !rollout.done)?.[0];
}

/**
 * The rollout on screen when it ended failed or degraded: the panel then offers the next steps
 * (revert to the version live before, roll back to the last known good version).
 */
export function failedRollout(state: UiState): (RolloutView & {service: string}) | undefined {
  const route = currentRoute(state);
  if (route.view !== 'progress') return undefined;
  const rollout = state.console.rollouts[route.service];
  if (!rollout?.done || (rollout.result !== 'failed' && rollout.result !== 'degraded')) return undefined;
  return {...rollout, service: route.service};
}

/** What `y` copies on this screen, whole, and what it is; null when there is nothing to copy. */
export function copyTarget(state: UiState): {what: string; value: string} | null {
  const route = currentRoute(state);
  const image = (what: string, value: string | null | undefined) => (value ? {what, value} : null);
  switch (route.view) {
    case 'services': {
      const name = contextService(state);
      return image(`${name}'s image`, serviceSummary(state, name)?.image);
    }
    case 'service': {
      const id = state.panel === 'tasks' ? listWindow(state.lists.tasks).selectedId : undefined;
      const task = id === undefined ? undefined : taskRows(state.console, route.service).find((t) => t.id === id);
      if (task) return image(`task ${task.id.slice(0, 12)}'s image`, task.image);
      return image(`${route.service}'s image`, serviceSummary(state, route.service)?.image);
    }
    case 'task': {
      const detail = state.taskDetail?.task === route.task ? state.taskDetail.detail : undefined;
      return detail?.status === 'ready' ? image(`task ${route.task.slice(0, 12)}'s image`, detail.value.image) : null;
    }
    case 'history': {
      const version = selectedVersion(state);
      return version ? image(`v${version.number}'s image`, version.imageDigest ?? version.imageRef) : null;
    }
    case 'diff': {
      const diff = state.diff?.diff;
      const id = listWindow(state.lists.diff).selectedId;
      if (diff?.status !== 'ready' || id === undefined) return null;
      const copy = diffLines(diff.value)[Number(id)]?.copy;
      return copy ? {what: copy.label, value: copy.value} : null;
    }
    default:
      return null;
  }
}

/** Whether a command would do something right now (footer hints show only these). */
export function isAvailable(state: UiState, command: CommandName): boolean {
  const route = currentRoute(state);
  switch (command) {
    case 'progress':
      if (route.view === 'stackHistory' || selectedStackRow(state) !== null)
        return state.console.stackRollouts?.[contextStack(state) ?? ''] !== undefined;
      return (
        state.console.rollouts[contextService(state) ?? ''] !== undefined ||
        interruptedRollout(state, contextService(state)) !== undefined
      );
    case 'open':
      if (route.view === 'stackProgress') return listWindow(state.lists.stackServices).selectedId !== undefined;
      return contextService(state) !== null || selectedStackRow(state) !== null;
    case 'history':
      return contextService(state) !== null || selectedStackRow(state)?.stack != null;
    case 'expand':
    case 'collapse':
      return selectedStackRow(state) !== null;
    case 'diff':
    case 'mark':
      if (route.view === 'stackHistory') return listWindow(state.lists.revisions).selectedId !== undefined;
      return route.view === 'history' && selectedVersion(state) !== undefined;
    case 'rollback':
      if (route.view === 'stackHistory') return listWindow(state.lists.revisions).selectedId !== undefined;
      if (route.view === 'services') return contextStack(state) !== null;
      return route.view === 'history' && selectedVersion(state) !== undefined;
    case 'lastGood':
    case 'deleteVersion':
      return route.view === 'history' && selectedVersion(state) !== undefined;
    case 'toggleSecrets':
      return route.view === 'diff' && state.diff?.diff.status === 'ready';
    case 'taskDetail':
      return (
        route.view === 'service' && state.panel === 'tasks' && listWindow(state.lists.tasks).selectedId !== undefined
      );
    case 'back':
      return state.stack.length > 1 || state.help || state.dialog !== null;
    case 'revertRollout': {
      const failed = failedRollout(state);
      return failed !== undefined && failed.from !== null && failed.from !== failed.to;
    }
    case 'lastGoodRollback':
      return failedRollout(state) !== undefined;
    case 'copy':
      return copyTarget(state) !== null;
    default:
      return true;
  }
}
