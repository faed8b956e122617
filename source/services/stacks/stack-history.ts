/**
 * Reading stack history for the CLI and the console: the stacks known to the swarm and the history,
 * a stack's revisions with the live one marked, what each changed and its health (the worst of its
 * services' versions), and the diff between two revisions (or a revision and what runs now).
 */
import type {DockerGateway} from '../../docker/gateway.js';
import type {Service} from '../../docker/schemas.js';
import {diffSnapshots, summarizeDiff, type SnapshotDiff} from '../../domain/diff.js';
import {diffMembers, membersHash, stackOf, summarizeMembersDiff, type StackMembers} from '../../domain/stack.js';
import {DokrollError, EXIT} from '../../shared/errors.js';
import type {Health, StackRevisionRow, Store, VersionRow} from '../../store/index.js';
import {captureService} from '../capture.js';

export class UnknownStackError extends DokrollError {
  constructor(stack: string) {
    super(
      `unknown stack '${stack}': no service of the swarm carries it and no revision is recorded`,
      EXIT.badInput,
      'unknown-stack',
    );
  }
}

export class UnknownRevisionError extends DokrollError {
  constructor(stack: string, revision: number, latest: number | null) {
    const known = latest === null ? ' (no revisions recorded)' : ` (known: r1…r${latest})`;
    super(`unknown revision r${revision} of stack '${stack}'${known}`, EXIT.badInput, 'unknown-revision');
  }
}

/** Worst first: a revision is as healthy as its least healthy service. */
const HEALTH_ORDER: Health[] = ['bad', 'pending', 'good'];

export function worstHealth(healths: readonly Health[]): Health {
  for (const health of HEALTH_ORDER) if (healths.includes(health)) return health;
  return 'pending';
}

export interface StackListing {
  stack: string;
  /** Services of the stack running in the swarm now. */
  services: string[];
  revisions: number;
  latest: number | null;
  latestAt: Date | null;
}

/** Every stack in the swarm or in the history, by name. */
export async function listStacks(gateway: DockerGateway | null, store: Store): Promise<StackListing[]> {
  const running = new Map<string, string[]>();
  for (const service of gateway ? await gateway.listServices() : []) {
    const stack = stackOf(service.Spec.Labels);
    if (stack !== null) running.set(stack, [...(running.get(stack) ?? []), service.Spec.Name].sort());
  }
  const recorded = new Map((await store.stacks.stacks()).map((s) => [s.stack, s]));
  const names = [...new Set([...running.keys(), ...recorded.keys()])].sort();
  return names.map((stack) => ({
    stack,
    services: running.get(stack) ?? [],
    revisions: recorded.get(stack)?.revisions ?? 0,
    latest: recorded.get(stack)?.latest ?? null,
    latestAt: recorded.get(stack)?.latestAt ?? null,
  }));
}

/** The services of `stack` in the swarm now, and the recorded version each runs (null: not recorded). */
export async function liveMembers(
  gateway: DockerGateway,
  store: Store,
  stack: string,
): Promise<{services: Service[]; members: Record<string, number | null>}> {
  const services = (await gateway.listServices()).filter((s) => stackOf(s.Spec.Labels) === stack);
  const members: Record<string, number | null> = {};
  await Promise.all(
    services.map(async (service) => {
      const {hash} = await captureService(gateway, service);
      members[service.Spec.Name] = (await store.versions.findByHash(service.Spec.Name, hash))?.number ?? null;
    }),
  );
  return {services, members};
}

export interface ServiceChange {
  service: string;
  from: number;
  to: number;
  /** One line: what the service's move changed (or the version's own note). */
  summary: string;
}

export interface StackRevisionEntry {
  row: StackRevisionRow;
  live: boolean;
  health: Health;
  /** Services added, removed and changed against the revision before (null for the first). */
  changes: {
    summary: string;
    added: {service: string; version: number}[];
    removed: {service: string; version: number}[];
    changed: ServiceChange[];
  } | null;
}

export interface StackHistory {
  stack: string;
  /** The services of the stack running now and their versions (null when offline). */
  live: Record<string, number | null> | null;
  entries: StackRevisionEntry[];
  /** Revisions older than the ones listed. */
  more: number;
}

export async function loadStackHistory(
  gateway: DockerGateway | null,
  store: Store,
  stack: string,
  options: {limit?: number} = {},
): Promise<StackHistory> {
  const live = gateway ? (await liveMembers(gateway, store, stack)).members : null;
  const limit = options.limit;
  // One more than shown: the oldest shown needs the one before it to say what it changed.
  const rows = await store.stacks.list(stack, {limit: limit === undefined ? undefined : limit + 1});
  if (rows.length === 0 && (live === null || Object.keys(live).length === 0)) throw new UnknownStackError(stack);
  const shown = limit === undefined ? rows : rows.slice(0, limit);
  const liveHash = live && Object.values(live).every((v) => v !== null) ? membersHash(live as StackMembers) : null;
  const versions = new VersionCache(store);
  const entries: StackRevisionEntry[] = [];
  for (const [index, row] of shown.entries()) {
    const previous = rows[index + 1];
    const healths = await Promise.all(
      Object.entries(row.members).map(async ([service, n]) => (await versions.get(service, n))?.health ?? 'pending'),
    );
    entries.push({
      row,
      live: liveHash !== null && row.membersHash === liveHash,
      health: worstHealth(healths),
      changes: previous ? await describeChange(versions, previous.members, row) : null,
    });
  }
  const total = (await store.stacks.stacks()).find((s) => s.stack === stack)?.revisions ?? 0;
  return {stack, live, entries, more: Math.max(0, total - shown.length)};
}

async function describeChange(
  versions: VersionCache,
  before: StackMembers,
  row: StackRevisionRow,
): Promise<NonNullable<StackRevisionEntry['changes']>> {
  const diff = diffMembers(before, row.members);
  const changed: ServiceChange[] = [];
  for (const c of diff.changed) {
    const [a, b] = [await versions.get(c.service, c.from), await versions.get(c.service, c.to)];
    const summary =
      b?.note ?? (a && b ? summarizeDiff(diffSnapshots(a.snapshot.view, b.snapshot.view)) : 'version no longer stored');
    changed.push({...c, summary});
  }
  return {summary: row.note ?? summarizeMembersDiff(diff), added: diff.added, removed: diff.removed, changed};
}

/** Versions read once per command, whatever the number of revisions naming them. */
class VersionCache {
  private readonly rows = new Map<string, Promise<VersionRow | null>>();
  constructor(private readonly store: Store) {}
  get(service: string, number: number): Promise<VersionRow | null> {
    const key = `${service}\u0000${number}`;
    let row = this.rows.get(key);
    if (!row) this.rows.set(key, (row = this.store.versions.get(service, number)));
    return row;
  }
}

export type RevisionSelector = number | 'live';

export interface StackDiff {
  stack: string;
  from: RevisionSelector;
  to: RevisionSelector;
  added: {service: string; version: number | null}[];
  removed: {service: string; version: number | null}[];
  changed: {service: string; from: number | null; to: number | null; diff: SnapshotDiff}[];
  unchanged: string[];
}

export async function requireRevision(store: Store, stack: string, number: number): Promise<StackRevisionRow> {
  const row = await store.stacks.get(stack, number);
  if (row) return row;
  throw new UnknownRevisionError(stack, number, (await store.stacks.latest(stack))?.number ?? null);
}

/**
 * What differs between two revisions of a stack (or a revision and what runs now): services added and
 * removed, and for each changed service its sectioned diff (secrets masked unless asked).
 */
export async function diffStackRevisions(
  gateway: DockerGateway | null,
  store: Store,
  stack: string,
  from: RevisionSelector,
  to: RevisionSelector,
  options: {showSecrets?: boolean} = {},
): Promise<StackDiff> {
  const side = async (selector: RevisionSelector) => {
    if (selector !== 'live') {
      const row = await requireRevision(store, stack, selector);
      const entries = await Promise.all(
        Object.entries(row.members).map(
          async ([service, n]) =>
            [
              service,
              {version: n as number | null, view: (await store.versions.get(service, n))?.snapshot.view ?? null},
            ] as const,
        ),
      );
      return new Map(entries);
    }
    if (!gateway)
      throw new DokrollError(
        `no live state offline: name two revisions of stack '${stack}' to diff`,
        EXIT.badInput,
        'no-live',
      );
    // Each service is captured once, below (liveMembers would capture every one of them first).
    const services = (await gateway.listServices()).filter((s) => stackOf(s.Spec.Labels) === stack);
    if (services.length === 0)
      throw new DokrollError(
        `stack '${stack}' is not running in the swarm: name two revisions to diff`,
        EXIT.badInput,
        'no-live',
      );
    const entries = await Promise.all(
      services.map(async (service) => {
        const capture = await captureService(gateway, service);
        const version = (await store.versions.findByHash(service.Spec.Name, capture.hash))?.number ?? null;
        return [service.Spec.Name, {version, view: capture.snapshot.view}] as const;
      }),
    );
    return new Map(entries);
  };
  const [a, b] = [await side(from), await side(to)];
  const result: StackDiff = {stack, from, to, added: [], removed: [], changed: [], unchanged: []};
  for (const service of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    const x = a.get(service);
    const y = b.get(service);
    if (!x && y) result.added.push({service, version: y.version});
    else if (x && !y) result.removed.push({service, version: x.version});
    else if (x && y) {
      if (!x.view || !y.view) {
        throw new DokrollError(
          `version v${(x.view ? y : x).version} of service '${service}' is no longer stored`,
          EXIT.failed,
          'version-missing',
        );
      }
      const diff = diffSnapshots(x.view, y.view, {showSecrets: options.showSecrets});
      if (diff.changed) result.changed.push({service, from: x.version, to: y.version, diff});
      else result.unchanged.push(service);
    }
  }
  return result;
}
