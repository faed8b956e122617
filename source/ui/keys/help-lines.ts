/** The help overlay's text, drawn from the keymap. */
import type {ListItem} from '../list/list-reducer.js';
import {bindingsFor, type ViewName} from './keymap.js';

export interface HelpLine {
  keys: string;
  description: string;
  heading?: boolean;
}

const KEY_LABELS: Record<string, string> = {
  up: '↑',
  down: '↓',
  left: '←',
  right: '→',
  pageup: 'PgUp',
  pagedown: 'PgDn',
  home: 'Home',
  end: 'End',
  return: 'enter',
  escape: 'esc',
  tab: 'tab',
  'shift-tab': 'shift-tab',
  backspace: 'backspace',
  'ctrl-c': 'Ctrl-C',
  ' ': 'space',
};

export function keyLabel(key: string): string {
  return KEY_LABELS[key] ?? key;
}

const VIEW_TITLES: Record<ViewName, string> = {
  services: 'Services',
  service: 'Service',
  history: 'History',
  diff: 'Diff',
  progress: 'Rollout progress',
  stackProgress: 'Stack rollback progress',
  logs: 'Logs',
  task: 'Task',
  nodes: 'Nodes',
  stackHistory: 'Stack history',
  stackDiff: 'Stack diff',
};

/** `readOnly`: why the service on screen is read-only (null: it is not). */
export function helpLines(view: ViewName, readOnly: string | null): HelpLine[] {
  const bindings = bindingsFor(view, readOnly !== null);
  const local = bindings.filter((b) => b.views !== 'all');
  const global = bindings.filter((b) => b.views === 'all');
  const lines: HelpLine[] = [{keys: '', description: `${VIEW_TITLES[view]} keys`, heading: true}];
  for (const b of local) lines.push({keys: b.keys.map(keyLabel).join(' '), description: b.description});
  lines.push({keys: '', description: 'Everywhere', heading: true});
  for (const b of global) lines.push({keys: b.keys.map(keyLabel).join(' '), description: b.description});
  lines.push({keys: '/', description: 'in a filter: type to narrow, enter keeps it, esc clears it'});
  if (readOnly !== null) {
    lines.push({
      keys: '',
      description: 'Read-only: rollback, redeploy, snapshot, delete and secret reveal are off.',
      heading: true,
    });
    if (readOnly !== 'read-only') lines.push({keys: '', description: `(${readOnly})`});
  }
  return lines;
}

export function helpItems(view: ViewName, readOnly: string | null): ListItem[] {
  return helpLines(view, readOnly).map((line, i) => ({id: String(i), text: `${line.keys} ${line.description}`}));
}
