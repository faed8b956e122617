/**
 * Reading history for the CLI and the console: versions with the live one marked, each with a
 * one-line summary of what it changed, and diffs between any two versions or a version and live.
 */
import type {DockerGateway} from '../docker/gateway.js';
import type {Service} from '../docker/schemas.js';
import {diffSnapshots, summarizeDiff, type DiffSide, type SnapshotDiff} from '../domain/diff.js';
import {DokrollError, EXIT} from '../shared/errors.js';
import type {Store, VersionRow} from '../store/index.js';
import {captureService, type Capture} from './capture.js';

export class UnknownVersionError extends DokrollError {
  constructor(service: string, version: number, known: number[]) {
    const range = known.length ? ` (known: ${describeNumbers(known)})` : ' (no versions recorded)';
    super(`unknown version v${version} of service '${service}'${range}`, EXIT.badInput, 'unknown-version');
  }
}

export class UnknownServiceError extends DokrollError {
  constructor(service: string) {
    super(`unknown service '${service}': not in the swarm and no history recorded`, EXIT.badInput, 'unknown-service');
  }
}

export interface HistoryEntry {
  row: VersionRow;
  live: boolean;
  /** What this version changed compared with the one before it. */
  summary: string;
}

export interface LiveState {
  service: Service | null;
  capture: Capture | null;
}

export interface ServiceHistory extends LiveState {
  serviceName: string;
  /** Newest first; with a limit, only the newest that many. */
  entries: HistoryEntry[];
  /** How many versions are stored in all (more than entries.length when a limit left some out). */
  total: number;
  /** The number of the version live in the swarm, shown or not; null when unknown or unrecorded. */
  liveNumber: number | null;
}

/** Find the service in the swarm by name or ID, and the name history is kept under. */
export async function resolveService(
  gateway: DockerGateway | null,
  store: Store,
  nameOrId: string,
): Promise<LiveState & {serviceName: string}> {
  const service = gateway ? await gateway.findService(nameOrId) : null;
  const serviceName = service?.Spec.Name ?? nameOrId;
  if (!service) {
    const latest = await store.versions.latest(serviceName);
    if (!latest) throw new UnknownServiceError(nameOrId);
    return {serviceName, service: null, capture: null};
  }
  return {serviceName, service, capture: await captureService(gateway!, service)};
}

export async function loadHistory(
  gateway: DockerGateway | null,
  store: Store,
  nameOrId: string,
  options: {limit?: number} = {},
): Promise<ServiceHistory> {
  const live = await resolveService(gateway, store, nameOrId);
  // One more than shown: the change summary of the oldest one shown compares with it.
  const limit = options.limit;
  const rows = await store.versions.list(live.serviceName, {limit: limit === undefined ? undefined : limit + 1});
  const shown = limit === undefined ? rows : rows.slice(0, limit);
  const total = rows.length > shown.length ? await store.versions.count(live.serviceName) : shown.length;
  const hash = live.capture?.hash;
  const liveRow = hash === undefined ? undefined : shown.find((row) => row.specHash === hash);
  const liveNumber =
    liveRow?.number ??
    (hash === undefined || total === shown.length
      ? null
      : ((await store.versions.findByHash(live.serviceName, hash))?.number ?? null));
  const entries = shown.map((row, index) => {
    const previous = rows[index + 1];
    const summary = row.note
      ? row.note
      : previous
        ? summarizeDiff(diffSnapshots(previous.snapshot, row.snapshot))
        : 'first recorded version';
    return {row, live: row === liveRow, summary};
  });
  return {...live, entries, total, liveNumber};
}

/** The service's versions (newest first), its history name and its live version (null if unknown). */
export async function versionsWithLive(
  gateway: DockerGateway | null,
  store: Store,
  nameOrId: string,
): Promise<{serviceName: string; rows: VersionRow[]; live: number | null}> {
  const history = await loadHistory(gateway, store, nameOrId);
  const live = history.entries.find((e) => e.live)?.row.number ?? null;
  return {serviceName: history.serviceName, rows: history.entries.map((e) => e.row), live};
}

export type VersionSelector = number | 'live';

export interface DiffResult {
  serviceName: string;
  from: VersionSelector;
  to: VersionSelector;
  diff: SnapshotDiff;
}

export async function diffVersions(
  gateway: DockerGateway | null,
  store: Store,
  nameOrId: string,
  from: VersionSelector,
  to: VersionSelector,
  options: {showSecrets?: boolean} = {},
): Promise<DiffResult> {
  const live = await resolveService(gateway, store, nameOrId);
  const sideOf = async (selector: VersionSelector): Promise<DiffSide> => {
    if (selector === 'live') {
      if (!live.capture) {
        throw new DokrollError(
          `service '${live.serviceName}' is not running in the swarm: name two versions to diff`,
          EXIT.badInput,
          'no_live',
        );
      }
      return live.capture.snapshot;
    }
    return (await requireVersion(store, live.serviceName, selector)).snapshot;
  };
  const [a, b, networkNames] = [await sideOf(from), await sideOf(to), await networkNamesOf(gateway)];
  return {
    serviceName: live.serviceName,
    from,
    to,
    diff: diffSnapshots(a, b, {showSecrets: options.showSecrets, networkNames}),
  };
}

/** Network ID -> name for the networks the swarm has now (none offline: IDs are shown then). */
export async function networkNamesOf(gateway: DockerGateway | null): Promise<Record<string, string>> {
  if (!gateway) return {};
  // Names only make the diff easier to read: without them it shows IDs, so a failure here is not fatal.
  const networks = await gateway.listNetworks().catch(() => []);
  return Object.fromEntries(networks.map((network) => [network.id, network.name]));
}

export async function requireVersion(store: Store, serviceName: string, number: number): Promise<VersionRow> {
  const row = await store.versions.get(serviceName, number);
  if (row) return row;
  const known = (await store.versions.list(serviceName)).map((r) => r.number);
  throw new UnknownVersionError(serviceName, number, known);
}

function describeNumbers(numbers: number[]): string {
  const sorted = [...numbers].sort((a, b) => a - b);
  if (sorted.length > 6) return `v${sorted[0]}…v${sorted[sorted.length - 1]}`;
  return sorted.map((n) => `v${n}`).join(', ');
}
