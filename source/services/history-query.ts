/**
 * Reading history for the CLI and the console: versions with the live one marked, each with a
 * one-line summary of what it changed, and diffs between any two versions or a version and live.
 */
import type {DockerGateway} from '../docker/gateway.js';
import type {Service} from '../docker/schemas.js';
import {diffSnapshots, summarizeDiff, type SnapshotDiff} from '../domain/diff.js';
import type {SnapshotView} from '../domain/snapshot.js';
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
  entries: HistoryEntry[];
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
  const rows = await store.versions.list(live.serviceName, {limit: options.limit});
  const liveRow = live.capture ? rows.find((row) => row.specHash === live.capture!.hash) : undefined;
  const entries = rows.map((row, index) => {
    const previous = rows[index + 1];
    const summary = row.note
      ? row.note
      : previous
        ? summarizeDiff(diffSnapshots(previous.snapshot.view, row.snapshot.view))
        : 'first recorded version';
    return {row, live: row === liveRow, summary};
  });
  return {...live, entries};
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
  const viewOf = async (selector: VersionSelector): Promise<SnapshotView> => {
    if (selector === 'live') {
      if (!live.capture) {
        throw new DokrollError(
          `service '${live.serviceName}' is not running in the swarm: name two versions to diff`,
          EXIT.badInput,
          'no_live',
        );
      }
      return live.capture.snapshot.view;
    }
    return (await requireVersion(store, live.serviceName, selector)).snapshot.view;
  };
  const [a, b] = [await viewOf(from), await viewOf(to)];
  return {serviceName: live.serviceName, from, to, diff: diffSnapshots(a, b, {showSecrets: options.showSecrets})};
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
