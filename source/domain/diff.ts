/**
 * What changed between two versions, section by section, as display strings.
 *
 * Views come from stored snapshots, possibly written by an older build, so every field is read
 * defensively: a missing map is empty, a missing value is absent.
 */
import {formatBytes, formatCpus, formatDuration} from './format.js';
import {isSecretEnv, maskValue} from './secrets.js';
import type {FileRefView, HealthcheckView, ResourcesView, SnapshotView, UpdateConfigView} from './snapshot.js';

export const SECTION_NAMES = [
  'image',
  'command',
  'env',
  'secrets',
  'configs',
  'limits',
  'reservations',
  'ports',
  'mounts',
  'networks',
  'labels',
  'healthcheck',
  'replicas',
  'placement',
  'update-config',
  'rollback-config',
  'stop-grace-period',
] as const;
export type SectionName = (typeof SECTION_NAMES)[number];

export const SECTION_TITLES: Record<SectionName, string> = {
  image: 'Image',
  command: 'Command',
  env: 'Environment',
  secrets: 'Secrets',
  configs: 'Configs',
  limits: 'Limits',
  reservations: 'Reservations',
  ports: 'Ports',
  mounts: 'Mounts',
  networks: 'Networks',
  labels: 'Labels',
  healthcheck: 'Health check',
  replicas: 'Replicas',
  placement: 'Placement',
  'update-config': 'Update config',
  'rollback-config': 'Rollback config',
  'stop-grace-period': 'Stop grace period',
};

export interface Change {
  kind: 'added' | 'removed' | 'changed';
  key: string;
  old?: string;
  new?: string;
  /** The values are secret and shown masked: they differ even when both read '********'. */
  secret?: boolean;
}

export interface DiffSection {
  section: SectionName;
  title: string;
  changes: Change[];
}

export interface SnapshotDiff {
  /** Only sections with changes, in SECTION_NAMES order. */
  sections: DiffSection[];
  changed: boolean;
}

export interface DiffOptions {
  /** Show secret environment values instead of masking them. */
  showSecrets?: boolean;
}

/** Display strings keyed by what identifies an entry; a key absent on one side is added/removed. */
type Entries = Map<string, string>;

/** Compares two keyed sets of display values, keys in first-seen order (a's, then b's new ones). */
function compare(a: Entries, b: Entries): Change[] {
  const changes: Change[] = [];
  for (const [key, oldValue] of a) {
    const newValue = b.get(key);
    if (newValue === undefined) changes.push({kind: 'removed', key, old: oldValue});
    else if (newValue !== oldValue) changes.push({kind: 'changed', key, old: oldValue, new: newValue});
  }
  for (const [key, newValue] of b) {
    if (!a.has(key)) changes.push({kind: 'added', key, new: newValue});
  }
  return changes;
}

function entries(values: Record<string, string | number | null | undefined>): Entries {
  const out: Entries = new Map();
  for (const [key, value] of Object.entries(values)) {
    if (value !== null && value !== undefined) out.set(key, String(value));
  }
  return out;
}

/** Shell-like display of an argv: `sh -c 'exit 1'`. */
export function formatArgv(argv: readonly string[]): string {
  return argv.map((arg) => (arg !== '' && /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`)).join(' ');
}

/** Changes with secret values masked (unless `show`); `nameOf` gives the variable or label name of a key. */
function maskSecrets(changes: Change[], show: boolean, nameOf: (key: string) => string = (key) => key): Change[] {
  return changes.map((change) => {
    const name = nameOf(change.key);
    const secret = isSecretEnv(name, change.old ?? '') || isSecretEnv(name, change.new ?? '');
    if (show || !secret) return change;
    const masked: Change = {...change, secret: true};
    if (change.old !== undefined) masked.old = maskValue(name, change.old);
    if (change.new !== undefined) masked.new = maskValue(name, change.new);
    return masked;
  });
}

function envChanges(a: Record<string, string>, b: Record<string, string>, show: boolean): Change[] {
  return maskSecrets(compare(entries(a), entries(b)), show);
}

function fileRefEntries(refs: FileRefView[] | undefined): Entries {
  return new Map((refs ?? []).map((ref) => [ref.target, ref.name]));
}

function resourceEntries(set: ResourcesView | undefined): Entries {
  return entries({
    cpus: set?.cpus === undefined ? undefined : formatCpus(set.cpus),
    memory: set?.memoryBytes === undefined ? undefined : formatBytes(set.memoryBytes),
  });
}

const duration = (ms: number | null | undefined) => (ms === null || ms === undefined ? undefined : formatDuration(ms));

function healthEntries(health: HealthcheckView | null | undefined): Entries {
  if (!health) return new Map();
  return entries({
    test: health.test?.length ? formatArgv(health.test) : undefined,
    interval: duration(health.intervalMs),
    timeout: duration(health.timeoutMs),
    retries: health.retries,
    'start period': duration(health.startPeriodMs),
  });
}

function updateConfigEntries(config: UpdateConfigView | null | undefined): Entries {
  if (!config) return new Map();
  return entries({
    parallelism: config.parallelism,
    delay: duration(config.delayMs),
    'failure action': config.failureAction,
    monitor: duration(config.monitorMs),
    'max failure ratio': config.maxFailureRatio,
    order: config.order,
  });
}

function sectionChanges(section: SectionName, a: Partial<SnapshotView>, b: Partial<SnapshotView>, show: boolean): Change[] {
  switch (section) {
    case 'image':
      return compare(entries({image: a.image, digest: a.imageDigest}), entries({image: b.image, digest: b.imageDigest}));
    case 'command':
      return compare(
        entries({command: a.command ? formatArgv(a.command) : undefined, args: a.args ? formatArgv(a.args) : undefined}),
        entries({command: b.command ? formatArgv(b.command) : undefined, args: b.args ? formatArgv(b.args) : undefined}),
      );
    case 'env':
      return envChanges(a.env ?? {}, b.env ?? {}, show);
    case 'secrets':
      return compare(fileRefEntries(a.secrets), fileRefEntries(b.secrets));
    case 'configs':
      return compare(fileRefEntries(a.configs), fileRefEntries(b.configs));
    case 'limits':
      return compare(resourceEntries(a.limits), resourceEntries(b.limits));
    case 'reservations':
      return compare(resourceEntries(a.reservations), resourceEntries(b.reservations));
    case 'ports': {
      const ports = (view: Partial<SnapshotView>): Entries =>
        new Map((view.ports ?? []).map((p) => [`${p.target}/${p.protocol}`, `${p.published ?? 'auto'} (${p.mode})`]));
      return compare(ports(a), ports(b));
    }
    case 'mounts': {
      const mounts = (view: Partial<SnapshotView>): Entries =>
        new Map(
          (view.mounts ?? []).map((m) => [m.target, [m.type, m.source, m.readOnly ? 'ro' : ''].filter(Boolean).join(' ')]),
        );
      return compare(mounts(a), mounts(b));
    }
    case 'networks':
      return compare(new Map((a.networks ?? []).map((n) => [n, n])), new Map((b.networks ?? []).map((n) => [n, n])));
    case 'labels': {
      const labels = (view: Partial<SnapshotView>): Entries => {
        const out = entries({...view.labels});
        for (const [key, value] of Object.entries(view.containerLabels ?? {})) out.set(`container: ${key}`, value);
        return out;
      };
      return maskSecrets(compare(labels(a), labels(b)), show, (key) => key.replace(/^container: /, ''));
    }
    case 'healthcheck':
      return compare(healthEntries(a.healthcheck), healthEntries(b.healthcheck));
    case 'replicas':
      return compare(entries({mode: a.mode, replicas: a.replicas}), entries({mode: b.mode, replicas: b.replicas}));
    case 'placement':
      return compare(new Map((a.placement ?? []).map((c) => [c, c])), new Map((b.placement ?? []).map((c) => [c, c])));
    case 'update-config':
      return compare(updateConfigEntries(a.updateConfig), updateConfigEntries(b.updateConfig));
    case 'rollback-config':
      return compare(updateConfigEntries(a.rollbackConfig), updateConfigEntries(b.rollbackConfig));
    case 'stop-grace-period':
      return compare(
        entries({'stop grace period': duration(a.stopGracePeriodMs)}),
        entries({'stop grace period': duration(b.stopGracePeriodMs)}),
      );
  }
}

/** Changes from `a` (older) to `b` (newer). Secret env values are masked unless `showSecrets`. */
export function diffSnapshots(a: SnapshotView, b: SnapshotView, options: DiffOptions = {}): SnapshotDiff {
  const show = options.showSecrets ?? false;
  const sections: DiffSection[] = [];
  for (const section of SECTION_NAMES) {
    const changes = sectionChanges(section, a ?? {}, b ?? {}, show);
    if (changes.length > 0) sections.push({section, title: SECTION_TITLES[section], changes});
  }
  return {sections, changed: sections.length > 0};
}

/** Sections summarized by their name alone rather than by counts. */
const NAME_ONLY: ReadonlySet<SectionName> = new Set(['image', 'command', 'stop-grace-period']);

/**
 * One line for a history row: `image; env +1 ~1; limits ~1; replicas 2→3`. Counts are added (+),
 * changed (~) and removed (-) entries. An empty diff reads "no changes".
 */
export function summarizeDiff(diff: SnapshotDiff): string {
  if (!diff.changed) return 'no changes';
  return diff.sections
    .map(({section, changes}) => {
      if (NAME_ONLY.has(section)) return section;
      if (section === 'replicas') {
        const replicas = changes.find((c) => c.key === 'replicas' && c.kind === 'changed');
        const mode = changes.find((c) => c.key === 'mode');
        if (mode?.old && mode.new) return `mode ${mode.old}→${mode.new}`;
        if (replicas) return `replicas ${replicas.old}→${replicas.new}`;
      }
      const count = (kind: Change['kind']) => changes.filter((c) => c.kind === kind).length;
      const parts = [['+', count('added')], ['~', count('changed')], ['-', count('removed')]] as const;
      const counts = parts.filter(([, n]) => n > 0).map(([mark, n]) => `${mark}${n}`);
      return `${section} ${counts.join(' ')}`;
    })
    .join('; ');
}
