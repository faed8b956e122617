/**
 * Every key the console understands, in one table. The key layer resolves presses from it, the
 * footer hints and the help overlay are drawn from it, the per-view handler tables are derived from
 * it (state/handlers/table.ts), and its flags decide what read-only refuses, so none can disagree.
 */
import type {KeyName} from './decode-keys.js';

export type ViewName =
  | 'services'
  | 'service'
  | 'history'
  | 'diff'
  | 'progress'
  | 'logs'
  | 'task'
  | 'nodes'
  | 'stackHistory'
  | 'stackDiff'
  | 'stackProgress';

export type CommandName =
  | 'quit'
  | 'back'
  | 'help'
  | 'filter'
  | 'up'
  | 'down'
  | 'pageUp'
  | 'pageDown'
  | 'home'
  | 'end'
  | 'open'
  /** The focused choice of a dialog. */
  | 'choose'
  | 'nextPanel'
  | 'history'
  | 'progress'
  | 'diff'
  | 'mark'
  | 'lastGood'
  | 'toggleSecrets'
  | 'rollback'
  | 'redeploy'
  | 'snapshot'
  | 'deleteVersion'
  | 'redraw'
  | 'logs'
  | 'taskDetail'
  /** `p` on a service whose rollout was interrupted (the progress command hands over to it). */
  | 'reattach'
  | 'nodes'
  /** A stack row of the services list: show / hide its services. */
  | 'expand'
  | 'collapse'
  /** After a failed or degraded rollout: roll back to the version live before it. */
  | 'revertRollout'
  /** After a failed or degraded rollout: roll back to the newest known-good version before its target. */
  | 'lastGoodRollback'
  /** Copies the selected image digest / value (OSC 52) and shows it whole. */
  | 'copy';

export interface Binding {
  keys: KeyName[];
  /** How the key is written in hints and help. */
  label: string;
  description: string;
  command: CommandName;
  /** Views where it applies; 'all' for global keys. */
  views: ViewName[] | 'all';
  /** Changes the swarm or the history: never offered in read-only mode, and refused there if run. */
  mutating?: boolean;
  /** Reveals what is masked (secrets): never offered nor run in read-only mode either. */
  reveals?: boolean;
  /** Shown in the footer (otherwise only in the help overlay). */
  hint?: boolean;
}

const LISTS: ViewName[] = [
  'services',
  'service',
  'history',
  'diff',
  'logs',
  'nodes',
  'stackHistory',
  'stackDiff',
  'stackProgress',
];

export const KEYMAP: readonly Binding[] = [
  // View keys first: the first binding that matches a key wins.
  {
    keys: ['return'],
    label: 'enter',
    description: 'open the service (on a stack: show / hide its services)',
    command: 'open',
    views: ['services'],
    hint: true,
  },
  {keys: ['right'], label: '→', description: 'show the services of the stack', command: 'expand', views: ['services']},
  {keys: ['left'], label: '←', description: 'hide the services of the stack', command: 'collapse', views: ['services']},
  {keys: ['return'], label: 'enter', description: 'diff the version against live', command: 'diff', views: ['history']},
  {
    keys: ['return'],
    label: 'enter',
    description: 'the selected task in full',
    command: 'taskDetail',
    views: ['service'],
    hint: true,
  },
  {
    keys: ['return'],
    label: 'enter',
    description: "the service's per-slot progress",
    command: 'open',
    views: ['stackProgress'],
    hint: true,
  },
  {
    keys: ['h'],
    label: 'h',
    description: 'version history (on a stack: its revision history)',
    command: 'history',
    views: ['services', 'service'],
    hint: true,
  },
  {
    keys: ['tab', 'shift-tab'],
    label: 'tab',
    description: 'switch panel (tasks / events)',
    command: 'nextPanel',
    views: ['service'],
    hint: true,
  },
  {
    keys: ['d'],
    label: 'd',
    description: 'diff against live, or against the marked version',
    command: 'diff',
    views: ['history'],
    hint: true,
  },
  {
    keys: ['m'],
    label: 'm',
    description: 'mark a version to diff against',
    command: 'mark',
    views: ['history'],
    hint: true,
  },
  {
    keys: ['d', 'return'],
    label: 'd',
    description: 'diff the revision against what runs, or against the marked revision',
    command: 'diff',
    views: ['stackHistory'],
    hint: true,
  },
  {
    keys: ['m'],
    label: 'm',
    description: 'mark a revision to diff against',
    command: 'mark',
    views: ['stackHistory'],
    hint: true,
  },
  {
    keys: ['L'],
    label: 'L',
    description: 'jump to the last known good version',
    command: 'lastGood',
    views: ['history'],
    hint: true,
  },
  {
    keys: ['S'],
    label: 'S',
    description: 'reveal / mask secret values',
    command: 'toggleSecrets',
    views: ['diff'],
    reveals: true,
    hint: true,
  },
  {
    keys: ['r'],
    label: 'r',
    description:
      'roll back to this version (on a stack row: the whole stack to the revision before; on a revision: the whole stack to it)',
    command: 'rollback',
    views: ['history', 'services', 'stackHistory'],
    mutating: true,
    hint: true,
  },
  {
    keys: ['R'],
    label: 'R',
    description: 'redeploy the live version',
    command: 'redeploy',
    views: ['service', 'history'],
    mutating: true,
    hint: true,
  },
  {
    keys: ['s'],
    label: 's',
    description: 'snapshot the live spec now',
    command: 'snapshot',
    views: ['service', 'history'],
    mutating: true,
    hint: true,
  },
  {
    keys: ['x'],
    label: 'x',
    description: 'delete this version from the history',
    command: 'deleteVersion',
    views: ['history'],
    mutating: true,
    hint: true,
  },
  {
    keys: ['p'],
    label: 'p',
    description: 'rollout progress (on a stack: the stack rollback, a row per service)',
    command: 'progress',
    views: ['services', 'service', 'history', 'stackHistory'],
    hint: true,
  },
  // Never found by its key (the binding above wins): `progress` hands an interrupted rollout over to it.
  // Listed so that help shows it, read-only hides it and the action layer refuses it as a mutation.
  {
    keys: ['p'],
    label: 'p',
    description: 'reattach an interrupted rollout (as rollback --resume)',
    command: 'reattach',
    views: ['services', 'service', 'history'],
    mutating: true,
  },
  {
    keys: ['l'],
    label: 'l',
    description: "logs, followed (the service's; in a task's detail, the task's)",
    command: 'logs',
    views: ['services', 'service', 'task'],
    hint: true,
  },
  {
    keys: ['n'],
    label: 'n',
    description: "the swarm's nodes (role, leader, availability, state, Engine, tasks)",
    command: 'nodes',
    views: ['services', 'service'],
    hint: true,
  },
  {
    keys: ['b'],
    label: 'b',
    description: 'after a failed rollout: revert to the version live before it',
    command: 'revertRollout',
    views: ['progress'],
    mutating: true,
    hint: true,
  },
  {
    keys: ['L'],
    label: 'L',
    description: 'after a failed rollout: roll back to the last known good version',
    command: 'lastGoodRollback',
    views: ['progress'],
    mutating: true,
    hint: true,
  },
  {
    keys: ['y'],
    label: 'y',
    description: 'copy the image digest / value (OSC 52), shown whole',
    command: 'copy',
    views: ['services', 'service', 'task', 'history', 'diff'],
    hint: true,
  },
  {
    keys: ['/'],
    label: '/',
    description: 'filter the list',
    command: 'filter',
    views: ['services', 'service', 'history', 'logs'],
    hint: true,
  },
  {keys: ['up', 'k'], label: '↑/k', description: 'move up', command: 'up', views: LISTS},
  {keys: ['down', 'j'], label: '↓/j', description: 'move down', command: 'down', views: LISTS},
  {keys: ['pageup'], label: 'PgUp', description: 'page up', command: 'pageUp', views: LISTS},
  {keys: ['pagedown', ' '], label: 'PgDn', description: 'page down', command: 'pageDown', views: LISTS},
  {keys: ['home', 'g'], label: 'g', description: 'first row', command: 'home', views: LISTS},
  {keys: ['end', 'G'], label: 'G', description: 'last row', command: 'end', views: LISTS},
  // Global keys.
  {
    keys: ['escape', 'backspace'],
    label: 'esc',
    description: 'back (clears the filter first)',
    command: 'back',
    views: 'all',
    hint: true,
  },
  {keys: ['?'], label: '?', description: 'help', command: 'help', views: 'all', hint: true},
  {keys: ['ctrl-l'], label: 'ctrl-l', description: 'redraw the whole screen', command: 'redraw', views: 'all'},
  {keys: ['q', 'ctrl-c'], label: 'q', description: 'quit', command: 'quit', views: 'all', hint: true},
];

export function appliesTo(binding: Binding, view: ViewName, readOnly: boolean): boolean {
  if (readOnly && (binding.mutating || binding.reveals)) return false;
  return binding.views === 'all' || binding.views.includes(view);
}

/**
 * Whether read-only refuses the command: it changes the swarm or the history, or reveals secrets, in
 * any view that binds it. The action layer's one read-only check asks this (appliesTo hides the keys).
 */
export function refusedWhenReadOnly(command: CommandName): boolean {
  return KEYMAP.some((binding) => binding.command === command && (binding.mutating || binding.reveals));
}

/** The bindings in force for a view, in precedence order. */
export function bindingsFor(view: ViewName, readOnly: boolean): Binding[] {
  return KEYMAP.filter((binding) => appliesTo(binding, view, readOnly));
}

export function findBinding(view: ViewName, readOnly: boolean, key: KeyName): Binding | undefined {
  return KEYMAP.find((binding) => binding.keys.includes(key) && appliesTo(binding, view, readOnly));
}

/** The bindings the footer hints at in a view (hint set, available now), in precedence order. */
export function hintsFor(view: ViewName, readOnly: boolean, available: (command: CommandName) => boolean): Binding[] {
  return bindingsFor(view, readOnly).filter((binding) => binding.hint && available(binding.command));
}

/** Short words for the footer, where the help overlay's sentence does not fit. */
export const HINT_WORDS: Partial<Record<CommandName, string>> = {
  open: 'open',
  history: 'history',
  nextPanel: 'panel',
  diff: 'diff',
  mark: 'mark',
  lastGood: 'last good',
  toggleSecrets: 'secrets',
  rollback: 'rollback',
  redeploy: 'redeploy',
  snapshot: 'snapshot',
  deleteVersion: 'delete',
  progress: 'progress',
  filter: 'filter',
  logs: 'logs',
  taskDetail: 'task',
  nodes: 'nodes',
  expand: 'expand',
  collapse: 'collapse',
  revertRollout: 'revert',
  lastGoodRollback: 'last good',
  copy: 'copy',
  back: 'back',
  help: 'help',
  quit: 'quit',
};

/** Keys while a dialog is open (state/resolve-key.ts takes them; ink-select-input only draws the menu). */
export const DIALOG_HINTS = 'esc cancel  ↑↓ choose  enter confirm  q quit';
/** Keys while the help overlay is open (see state/resolve-key.ts). */
export const HELP_OVERLAY_HINTS = 'esc/? close help  ↑↓ scroll  q quit';
