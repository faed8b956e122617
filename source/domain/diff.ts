/**
 * What changed between two versions, section by section, as display strings.
 *
 * Complete by construction: the well-known parts of a spec have named sections, each of which
 * shows every field of the part it owns (fields it has no words for are added by their path, and
 * the sub-fields of a mount, network, port, secret or config show as a change of that entry);
 * every other field of the spec appears in the generic "other" section by its path
 * (`TaskTemplate.ContainerSpec.User: 1000:1000 → 0`).
 *
 * A side is a stored snapshot (its spec is what is compared; the view is derived from it) or, for
 * snapshots written without a spec, a bare view, read defensively: a missing map is empty, a missing
 * value is absent.
 */
import type {ServiceSpec} from '../docker/schemas.js';
import {formatBytes, formatCpus, formatDuration} from './format.js';
import {imageDigest, isImageId} from './image-ref.js';
import {isSecretEnv, maskValue} from './secrets.js';
import {
  viewOf,
  type FileRefView,
  type HealthcheckView,
  type ImagePin,
  type ResourcesView,
  type SnapshotView,
  type UpdateConfigView,
} from './snapshot.js';

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
  'other',
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
  other: 'Other fields',
};

export interface Change {
  kind: 'added' | 'removed' | 'changed';
  key: string;
  old?: string;
  new?: string;
  /** The values are secret and shown masked: they differ even when both read '********'. */
  secret?: boolean;
  /** What the change amounts to, when the values alone mislead ("same image, pinned"). */
  note?: string;
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
  /** Network ID -> name: networks are shown by name (by ID where the network no longer exists). */
  networkNames?: Record<string, string>;
}

/** A version to compare: its spec (and the image it resolved to), or a bare view from an old snapshot. */
export interface SpecSide {
  spec: ServiceSpec;
  image?: ImagePin;
  view?: SnapshotView;
}
export type DiffSide = SpecSide | SnapshotView;

/** What a section reads: the view, and the spec the view came from (empty for a bare view). */
interface Side {
  view: Partial<SnapshotView>;
  spec: Partial<ServiceSpec>;
  image?: ImagePin;
}

function hasSpec(side: DiffSide): side is SpecSide {
  const spec = (side as unknown as Partial<SpecSide>).spec;
  return typeof spec === 'object' && spec !== null && typeof spec.TaskTemplate === 'object';
}

function sideOf(side: DiffSide | null | undefined, options: DiffOptions): Side {
  if (!side) return {view: {}, spec: {}};
  if (hasSpec(side)) {
    const view = viewOf(side.spec, side.image, {networkNames: options.networkNames});
    return side.image ? {view, spec: side.spec, image: side.image} : {view, spec: side.spec};
  }
  const stored = (side as unknown as Partial<SpecSide>).view;
  return {view: stored ?? (side as SnapshotView), spec: {}};
}

/** Display strings keyed by what identifies an entry; a key absent on one side is added/removed. */
type Entries = Map<string, string>;

// Display forms that never round a difference away: Docker's units where they are exact, else the raw number.

/** A duration in nanoseconds: `5s`, `1m30s`, or `5000000001ns` where a unit would round. */
function durationText(ns: number): string {
  const exact = ns % 1e6 === 0 || (Math.abs(ns) < 1e9 && ns % 1e3 === 0);
  return exact ? formatDuration(ns / 1e6) : `${ns}ns`;
}

/** A size: `64MiB`, or `67108865B` where a unit would round. */
function bytesText(bytes: number): string {
  const text = formatBytes(bytes);
  const match = /^(-?[\d.]+)([KMGTP]i)?B$/.exec(text);
  const unit = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi'].indexOf(match?.[2] ?? '');
  return match && Number(match[1]) * 1024 ** unit === bytes ? text : `${bytes}B`;
}

/** CPUs from nano-CPUs: `0.5`, or every digit where three decimals would round. */
function cpusText(nanoCpus: number): string {
  return nanoCpus % 1e6 === 0 ? formatCpus(nanoCpus / 1e9) : String(nanoCpus / 1e9);
}

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
  return argv
    .map((arg) => (arg !== '' && /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`))
    .join(' ');
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
  // Sorted by key, whatever the change: a variable is found where the alphabet puts it.
  return maskSecrets(
    compare(entries(a), entries(b)).sort((x, y) => (x.key ?? '').localeCompare(y.key ?? '')),
    show,
  );
}

// --- Any field by its path ------------------------------------------------------------------

type Json = unknown;

/** Fields whose numbers are nanoseconds (shown as Docker writes durations). */
const DURATION_FIELDS = new Set([
  'Delay',
  'Window',
  'Interval',
  'Timeout',
  'StartPeriod',
  'StartInterval',
  'Monitor',
  'StopGracePeriod',
]);

function isObject(value: Json): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One leaf value as text, in the unit its field name implies. */
function leafText(field: string, value: Json): string {
  if (typeof value === 'number') {
    if (DURATION_FIELDS.has(field)) return durationText(value);
    if (field.endsWith('Bytes')) return bytesText(value);
    if (field === 'NanoCPUs') return cpusText(value);
    if (field === 'Mode') return `0${value.toString(8)}`;
  }
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * Every leaf of `value` by its path: `A.B.C`; list entries by their Name (`Ulimits[nofile].Soft`),
 * else by position; a list of plain values is one value. Empty lists and maps are absent.
 */
function flatten(value: Json, path: string, out: Entries, field = path): void {
  if (value === undefined || value === null) return;
  if (Array.isArray(value)) {
    if (value.length === 0) return;
    if (value.every((item) => !isObject(item) && !Array.isArray(item))) {
      out.set(path, value.map((item) => leafText(field, item)).join(', '));
      return;
    }
    const names = value.map((item) => (isObject(item) && typeof item.Name === 'string' ? item.Name : null));
    const unique = names.every((name) => name !== null) && new Set(names).size === names.length;
    value.forEach((item, index) => flatten(item, `${path}[${unique ? names[index] : index}]`, out, field));
    return;
  }
  if (isObject(value)) {
    for (const [key, child] of Object.entries(value)) flatten(child, path ? `${path}.${key}` : key, out, key);
    return;
  }
  out.set(path, leafText(field, value));
}

/** `value` without the fields at `paths` (dotted, relative); `value` itself is not modified. */
function without(value: Json, paths: readonly string[]): Json {
  if (!isObject(value)) return value;
  const copy = structuredClone(value);
  for (const path of paths) {
    const parts = path.split('.');
    let node: Json = copy;
    for (const part of parts.slice(0, -1)) node = isObject(node) ? node[part] : undefined;
    if (isObject(node)) delete node[parts[parts.length - 1]!];
  }
  return copy;
}

/** The fields of `value` not dropped, by path (for a section's entries). */
function restEntries(value: Json, drop: readonly string[]): Entries {
  const out: Entries = new Map();
  flatten(without(value, drop), '', out);
  return out;
}

/** Short names for the sub-fields of list entries ("nocopy" rather than VolumeOptions.NoCopy). */
const SUBFIELD_NAMES: Record<string, string> = {
  'VolumeOptions.NoCopy': 'nocopy',
  'VolumeOptions.DriverConfig.Name': 'driver',
  'TmpfsOptions.SizeBytes': 'size',
  'TmpfsOptions.Mode': 'mode',
  'BindOptions.Propagation': 'propagation',
  Consistency: 'consistency',
  'File.UID': 'uid',
  'File.GID': 'gid',
  'File.Mode': 'mode',
  SecretID: 'id',
  ConfigID: 'id',
  Aliases: 'aliases',
};

/** The sub-fields of one list entry as `name=value` words (a true flag by its name alone). */
function subfieldText(item: Json, drop: readonly string[]): string {
  return [...restEntries(item, drop)]
    .map(([path, value]) => {
      const name = SUBFIELD_NAMES[path] ?? path;
      if (value === 'true') return name;
      if (name === 'id') return `id=${value.slice(0, 12)}`;
      return `${name}=${value}`;
    })
    .join(' ');
}

const joined = (...parts: (string | undefined)[]) =>
  parts.filter((part) => part !== undefined && part !== '').join(' ');

/** A generic field's change masked when its name or value looks secret (a log driver's token...). */
function maskedChanges(changes: Change[], show: boolean): Change[] {
  return maskSecrets(
    changes,
    show,
    (key) =>
      key
        .split(/[.[\]]/)
        .filter(Boolean)
        .at(-1) ?? key,
  );
}

// --- The named sections -----------------------------------------------------------------------

const CONTAINER = 'TaskTemplate.ContainerSpec';

/** Where in the spec each named section reads: none of these fields reaches "other". */
const OWNED: Record<Exclude<SectionName, 'other'>, readonly string[]> = {
  image: [`${CONTAINER}.Image`],
  command: [`${CONTAINER}.Command`, `${CONTAINER}.Args`],
  env: [`${CONTAINER}.Env`],
  secrets: [`${CONTAINER}.Secrets`],
  configs: [`${CONTAINER}.Configs`],
  limits: ['TaskTemplate.Resources.Limits'],
  reservations: ['TaskTemplate.Resources.Reservations'],
  ports: ['EndpointSpec.Ports'],
  mounts: [`${CONTAINER}.Mounts`],
  networks: ['TaskTemplate.Networks', 'Networks'],
  labels: ['Labels', `${CONTAINER}.Labels`],
  healthcheck: [`${CONTAINER}.Healthcheck`],
  replicas: ['Mode'],
  placement: ['TaskTemplate.Placement'],
  'update-config': ['UpdateConfig'],
  'rollback-config': ['RollbackConfig'],
  'stop-grace-period': [`${CONTAINER}.StopGracePeriod`],
};
const OWNED_PATHS = Object.values(OWNED).flat();

type SpecPart = Record<string, Json> | undefined;
const part = (spec: Partial<ServiceSpec>, path: string): SpecPart => {
  let node: Json = spec;
  for (const key of path.split('.')) node = isObject(node) ? node[key] : undefined;
  return isObject(node) ? node : undefined;
};
const list = (spec: Partial<ServiceSpec>, path: string): Json[] => {
  const dot = path.lastIndexOf('.');
  const parent = dot === -1 ? (spec as Record<string, Json>) : part(spec, path.slice(0, dot));
  const value = parent?.[path.slice(dot + 1)];
  return Array.isArray(value) ? value : [];
};

function fileRefEntries(refs: FileRefView[] | undefined, specRefs: Json[], nameField: string): Entries {
  return new Map(
    (refs ?? []).map((ref, index) => [
      ref.target,
      joined(ref.name, subfieldText(specRefs[index], [nameField, 'File.Name'])),
    ]),
  );
}

function resourceEntries(set: ResourcesView | undefined, spec: SpecPart): Entries {
  const out = entries({
    cpus: set?.cpus === undefined ? undefined : cpusText(Math.round(set.cpus * 1e9)),
    memory: set?.memoryBytes === undefined ? undefined : bytesText(set.memoryBytes),
  });
  for (const [path, value] of restEntries(spec, ['NanoCPUs', 'MemoryBytes'])) out.set(path, value);
  return out;
}

const duration = (ms: number | null | undefined) =>
  ms === null || ms === undefined ? undefined : durationText(Math.round(ms * 1e6));

function healthEntries(health: HealthcheckView | null | undefined, spec: SpecPart): Entries {
  if (!health) return new Map();
  const out = entries({
    test: health.test?.length ? formatArgv(health.test) : undefined,
    interval: duration(health.intervalMs),
    timeout: duration(health.timeoutMs),
    retries: health.retries,
    'start period': duration(health.startPeriodMs),
  });
  for (const [path, value] of restEntries(spec, ['Test', 'Interval', 'Timeout', 'Retries', 'StartPeriod']))
    out.set(path, value);
  return out;
}

function updateConfigEntries(config: UpdateConfigView | null | undefined, spec: SpecPart): Entries {
  if (!config) return new Map();
  const out = entries({
    parallelism: config.parallelism,
    delay: duration(config.delayMs),
    'failure action': config.failureAction,
    monitor: duration(config.monitorMs),
    'max failure ratio': config.maxFailureRatio,
    order: config.order,
  });
  const known = ['Parallelism', 'Delay', 'FailureAction', 'Monitor', 'MaxFailureRatio', 'Order'];
  for (const [path, value] of restEntries(spec, known)) out.set(path, value);
  return out;
}

function placementEntries(view: Partial<SnapshotView>, spec: SpecPart): Entries {
  const out: Entries = new Map((view.placement ?? []).map((c) => [c, c]));
  const maxReplicas = spec?.MaxReplicas;
  if (typeof maxReplicas === 'number' && maxReplicas > 0) out.set('max replicas per node', String(maxReplicas));
  const preferences = Array.isArray(spec?.Preferences) ? spec.Preferences : [];
  const spreads = preferences.map((preference) => subfieldText(preference, [])).filter(Boolean);
  if (spreads.length) out.set('preferences', spreads.join(', ').replaceAll('Spread.SpreadDescriptor=', 'spread='));
  for (const [path, value] of restEntries(spec, ['Constraints', 'MaxReplicas', 'Preferences'])) out.set(path, value);
  return out;
}

function replicaEntries(view: Partial<SnapshotView>, spec: SpecPart): Entries {
  const out = entries({mode: view.mode, replicas: view.replicas});
  for (const [path, value] of restEntries(spec, ['Replicated.Replicas'])) out.set(path, value);
  return out;
}

/** The image change, or one line saying the reference was pinned to the same content. */
function imageChanges(a: Side, b: Side): Change[] {
  const changes = compare(
    entries({image: a.view.image, digest: a.view.imageDigest}),
    entries({image: b.view.image, digest: b.view.imageDigest}),
  );
  if (changes.length === 0) return changes;
  const same = [...identities(a)].some((id) => identities(b).has(id));
  if (!same || a.view.image === undefined || b.view.image === undefined) return changes;
  const ref = (side: Side) => (side.spec.TaskTemplate?.ContainerSpec?.Image ?? side.view.image ?? '').trim();
  return [{kind: 'changed', key: 'image', old: ref(a), new: ref(b), note: 'same image, pinned'}];
}

/** Every content identity a side's image is known by: digests and the local image ID. */
function identities(side: Side): Set<string> {
  const ref = side.spec.TaskTemplate?.ContainerSpec?.Image?.trim() ?? '';
  const ids = [
    side.view.imageDigest,
    side.image?.imageId,
    side.image?.repoDigest ? imageDigest(side.image.repoDigest) : null,
    ref && !isImageId(ref) ? imageDigest(ref) : null,
    isImageId(ref) ? ref : null,
    side.view.image && isImageId(side.view.image) ? side.view.image : null,
  ];
  return new Set(ids.filter((id): id is string => typeof id === 'string' && id !== ''));
}

function networkEntries(side: Side): Entries {
  const attachments = [...list(side.spec, 'TaskTemplate.Networks'), ...list(side.spec, 'Networks')];
  if (attachments.length === 0) return new Map((side.view.networks ?? []).map((n) => [n, n]));
  const names = side.view.networks ?? [];
  return new Map(
    attachments.map((attachment, index) => {
      const target = isObject(attachment) && typeof attachment.Target === 'string' ? attachment.Target : '';
      const name = names[index] ?? target;
      return [name, joined(name, subfieldText(attachment, ['Target']))];
    }),
  );
}

function sectionChanges(section: SectionName, a: Side, b: Side, show: boolean): Change[] {
  const [va, vb] = [a.view, b.view];
  switch (section) {
    case 'image':
      return imageChanges(a, b);
    case 'command':
      return compare(
        entries({
          command: va.command ? formatArgv(va.command) : undefined,
          args: va.args ? formatArgv(va.args) : undefined,
        }),
        entries({
          command: vb.command ? formatArgv(vb.command) : undefined,
          args: vb.args ? formatArgv(vb.args) : undefined,
        }),
      );
    case 'env':
      return envChanges(va.env ?? {}, vb.env ?? {}, show);
    case 'secrets':
      return compare(
        fileRefEntries(va.secrets, list(a.spec, `${CONTAINER}.Secrets`), 'SecretName'),
        fileRefEntries(vb.secrets, list(b.spec, `${CONTAINER}.Secrets`), 'SecretName'),
      );
    case 'configs':
      return compare(
        fileRefEntries(va.configs, list(a.spec, `${CONTAINER}.Configs`), 'ConfigName'),
        fileRefEntries(vb.configs, list(b.spec, `${CONTAINER}.Configs`), 'ConfigName'),
      );
    case 'limits':
      return compare(
        resourceEntries(va.limits, part(a.spec, 'TaskTemplate.Resources.Limits')),
        resourceEntries(vb.limits, part(b.spec, 'TaskTemplate.Resources.Limits')),
      );
    case 'reservations':
      return compare(
        resourceEntries(va.reservations, part(a.spec, 'TaskTemplate.Resources.Reservations')),
        resourceEntries(vb.reservations, part(b.spec, 'TaskTemplate.Resources.Reservations')),
      );
    case 'ports': {
      const ports = (side: Side): Entries => {
        const specPorts = list(side.spec, 'EndpointSpec.Ports');
        return new Map(
          (side.view.ports ?? []).map((p, index) => [
            `${p.target}/${p.protocol}`,
            joined(
              `${p.published ?? 'auto'} (${p.mode})`,
              subfieldText(specPorts[index], ['TargetPort', 'Protocol', 'PublishedPort', 'PublishMode']),
            ),
          ]),
        );
      };
      return compare(ports(a), ports(b));
    }
    case 'mounts': {
      const mounts = (side: Side): Entries => {
        const specMounts = list(side.spec, `${CONTAINER}.Mounts`);
        return new Map(
          (side.view.mounts ?? []).map((m, index) => [
            m.target,
            joined(
              m.type,
              m.source,
              m.readOnly ? 'ro' : '',
              subfieldText(specMounts[index], ['Type', 'Source', 'Target', 'ReadOnly']),
            ),
          ]),
        );
      };
      return compare(mounts(a), mounts(b));
    }
    case 'networks':
      return compare(networkEntries(a), networkEntries(b));
    case 'labels': {
      const labels = (view: Partial<SnapshotView>): Entries => {
        const out = entries({...view.labels});
        for (const [key, value] of Object.entries(view.containerLabels ?? {})) out.set(`container: ${key}`, value);
        return out;
      };
      return maskSecrets(compare(labels(va), labels(vb)), show, (key) => key.replace(/^container: /, ''));
    }
    case 'healthcheck':
      return compare(
        healthEntries(va.healthcheck, part(a.spec, `${CONTAINER}.Healthcheck`)),
        healthEntries(vb.healthcheck, part(b.spec, `${CONTAINER}.Healthcheck`)),
      );
    case 'replicas':
      return compare(replicaEntries(va, part(a.spec, 'Mode')), replicaEntries(vb, part(b.spec, 'Mode')));
    case 'placement':
      return compare(
        placementEntries(va, part(a.spec, 'TaskTemplate.Placement')),
        placementEntries(vb, part(b.spec, 'TaskTemplate.Placement')),
      );
    case 'update-config':
      return compare(
        updateConfigEntries(va.updateConfig, part(a.spec, 'UpdateConfig')),
        updateConfigEntries(vb.updateConfig, part(b.spec, 'UpdateConfig')),
      );
    case 'rollback-config':
      return compare(
        updateConfigEntries(va.rollbackConfig, part(a.spec, 'RollbackConfig')),
        updateConfigEntries(vb.rollbackConfig, part(b.spec, 'RollbackConfig')),
      );
    case 'stop-grace-period':
      return compare(
        entries({'stop grace period': duration(va.stopGracePeriodMs)}),
        entries({'stop grace period': duration(vb.stopGracePeriodMs)}),
      );
    case 'other':
      return maskedChanges(compare(restEntries(a.spec, OWNED_PATHS), restEntries(b.spec, OWNED_PATHS)), show);
  }
}

/**
 * Changes from `a` (older) to `b` (newer): every field that differs, in its section. Secret values
 * are masked (and the change marked `secret`) unless `showSecrets`.
 */
export function diffSnapshots(a: DiffSide, b: DiffSide, options: DiffOptions = {}): SnapshotDiff {
  const show = options.showSecrets ?? false;
  const [sa, sb] = [sideOf(a, options), sideOf(b, options)];
  const sections: DiffSection[] = [];
  for (const section of SECTION_NAMES) {
    const changes = sectionChanges(section, sa, sb, show);
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
      const parts = [
        ['+', count('added')],
        ['~', count('changed')],
        ['-', count('removed')],
      ] as const;
      const counts = parts.filter(([, n]) => n > 0).map(([mark, n]) => `${mark}${n}`);
      return `${section} ${counts.join(' ')}`;
    })
    .join('; ');
}
