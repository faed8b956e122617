/**
 * The console's command dispatcher: one handler table per view, derived from the keymap, and one
 * read-only check before any handler runs (for a dialog's choice, on what the dialog confirms).
 */
import {readdirSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, test} from 'vitest';
import {createActions, readOnlyRefusal} from '../../../source/ui/state/commands.js';
import {
  DIALOG_TABLE,
  HELP_TABLE,
  tableFor,
  VIEW_HANDLERS,
  VIEW_TABLES,
} from '../../../source/ui/state/handlers/table.js';
import {
  bindingsFor,
  KEYMAP,
  refusedWhenReadOnly,
  type CommandName,
  type ViewName,
} from '../../../source/ui/keys/keymap.js';
import type {KeyName} from '../../../source/ui/keys/decode-keys.js';
import {resolveKey} from '../../../source/ui/state/resolve-key.js';
import {uiReducer} from '../../../source/ui/state/ui-reducer.js';
import {createUiStore} from '../../../source/ui/state/ui-store.js';
import {initialUiState, type Dialog, type Route, type UiState} from '../../../source/ui/state/ui-state.js';
import {FakeConsoleModel, service, version} from '../../support/fake-model.js';

const VIEWS = Object.keys(VIEW_HANDLERS) as ViewName[];
const COMMANDS = [...new Set(KEYMAP.map((b) => b.command))];
/** Every key the keymap names, and a few it does not. */
const KEYS: KeyName[] = [
  ...new Set([...KEYMAP.flatMap((b) => b.keys), 'return', 'escape', 'ctrl-c', 'ctrl-l', 'z', '5']),
];

function storeWith(model: FakeConsoleModel, change: (state: UiState) => UiState = (s) => s) {
  const initial = initialUiState(model.getState(), model.readOnly, (name) => model.readOnlyReason(name));
  return createUiStore(change(uiReducer(initial, {type: 'console', state: initial.console})));
}

const onRoute =
  (route: Route) =>
  (state: UiState): UiState => ({...state, stack: [...state.stack, route]});
const withDialog =
  (dialog: Dialog) =>
  (state: UiState): UiState =>
    uiReducer(state, {type: 'dialog', dialog});

describe('the handler tables', () => {
  test('every command the keymap binds in a view has a handler there, and no view has a handler no key reaches', () => {
    for (const view of VIEWS) {
      const table = VIEW_TABLES[view];
      const bound = new Set(bindingsFor(view, false).map((b) => b.command));
      for (const command of bound) expect(table.has(command), `${view}: ${command}`).toBe(true);
      expect(
        [...table.keys()].filter((command) => !bound.has(command)),
        view,
      ).toEqual([]);
    }
  });

  test('a view handler the keymap never reaches fails when the tables are built', () => {
    const progress = VIEW_HANDLERS.progress;
    try {
      progress.rollback = () => undefined;
      expect(() => tableFor('progress')).toThrow(
        "'rollback' has a handler in the progress view, but the keymap binds no key to it there",
      );
    } finally {
      delete progress.rollback;
    }
  });

  test('every command a key yields in a dialog or the help overlay has a handler there', () => {
    const model = new FakeConsoleModel({services: [service({name: 'web'})]});
    const dialog = storeWith(model, withDialog({kind: 'confirm', action: 'snapshot', service: 'web'})).getState();
    const help = storeWith(model, (s) => uiReducer(s, {type: 'help', open: true})).getState();
    for (const key of KEYS) {
      const inDialog = resolveKey(dialog, key);
      if (inDialog?.kind === 'command') expect(DIALOG_TABLE.has(inDialog.command), `dialog: ${key}`).toBe(true);
      const inHelp = resolveKey(help, key);
      if (inHelp?.kind === 'command') expect(HELP_TABLE.has(inHelp.command), `help: ${key}`).toBe(true);
    }
  });
});

describe('read-only, checked once', () => {
  test('refuses exactly the commands the keymap marks as changing or revealing', () => {
    const model = new FakeConsoleModel({services: [service({name: 'web'})]}, {readOnly: true});
    const state = storeWith(model).getState();
    for (const command of COMMANDS) {
      const refused = readOnlyRefusal(command, state);
      expect(refused !== null, command).toBe(refusedWhenReadOnly(command));
      if (refused !== null) expect(refused).toMatch(/^read-only: /);
    }
    expect(COMMANDS.filter(refusedWhenReadOnly).sort()).toEqual([
      'deleteVersion',
      'lastGoodRollback',
      'reattach',
      'redeploy',
      'revertRollout',
      'rollback',
      'snapshot',
      'toggleSecrets',
    ]);
  });

  test('a mutating command run for a read-only service reaches no handler and no model call', () => {
    const model = new FakeConsoleModel(
      {services: [service({name: 'web', liveVersion: 3})]},
      {readOnlyServices: ['web']},
    );
    model.history.web = [version({number: 3}), version({number: 1})];
    const store = storeWith(model, onRoute({view: 'history', service: 'web'}));
    const actions = createActions(store, model, () => undefined);
    for (const command of ['rollback', 'redeploy', 'snapshot', 'deleteVersion'] as CommandName[]) {
      actions.run(command);
      expect(store.getState().dialog).toBeNull();
      expect(store.getState().notice).toEqual({
        text: 'read-only: services.web.readOnly is true in config.json',
        tone: 'error',
      });
    }
    expect(model.calls.filter((c) => c.method !== 'loadHistory')).toEqual([]);
  });

  test("a dialog's choice is refused for what the dialog confirms when its service is read-only by then", () => {
    let readOnly = false;
    const model = new FakeConsoleModel({services: [service({name: 'web'})]});
    model.readOnlyReason = (name) =>
      readOnly && name === 'web' ? 'services.web.readOnly is true in config.json' : null;
    for (const dialog of [
      {kind: 'confirm', action: 'redeploy', service: 'web'},
      {kind: 'confirm', action: 'deleteVersion', service: 'web', version: 1},
      {kind: 'rollback', service: 'web', version: 1, preflight: {status: 'ready', value: model.preflightReport}},
    ] satisfies Dialog[]) {
      readOnly = false;
      const store = storeWith(model, withDialog(dialog));
      const actions = createActions(store, model, () => undefined);
      actions.run('down');
      readOnly = true;
      actions.run('choose');
      expect(store.getState().notice?.text).toBe('read-only: services.web.readOnly is true in config.json');
    }
    expect(model.calls).toEqual([]);
  });

  test('the quit question is never refused, read-only or not', () => {
    const model = new FakeConsoleModel({services: [service({name: 'web'})]}, {readOnly: true});
    let exited = false;
    const store = storeWith(model, withDialog({kind: 'confirm', action: 'quit', service: 'web'}));
    const actions = createActions(store, model, () => {
      exited = true;
    });
    actions.run('down');
    actions.run('choose');
    expect(exited).toBe(true);
  });

  test('no handler consults read-only itself', () => {
    const dir = path.resolve('source/ui/state/handlers');
    for (const file of readdirSync(dir)) {
      expect(readFileSync(path.join(dir, file), 'utf8'), file).not.toMatch(/readOnly/);
    }
  });
});
