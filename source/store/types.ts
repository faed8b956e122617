/** The store's public shapes: rows as callers see them, and what they pass in. */

import type {Snapshot} from '../domain/snapshot.js';
import type {StackMembers} from '../domain/stack.js';
import type {VersionMetrics} from '../domain/task-metrics.js';

// The stored JSON is checked for its outline at runtime (row-schemas.ts); the type comes from the domain.
export type {Snapshot, VersionMetrics};

export const VERSION_SOURCES = ['recorded', 'rollback', 'deploy', 'snapshot'] as const;
export type VersionSource = (typeof VERSION_SOURCES)[number];

/** superseded: replaced by a newer version before its stability window ended (neither proven good nor bad). */
export const HEALTH_STATES = ['pending', 'good', 'bad', 'superseded'] as const;
export type Health = (typeof HEALTH_STATES)[number];

export interface VersionRow {
  id: number;
  serviceName: string;
  serviceId: string;
  number: number;
  snapshot: Snapshot;
  specHash: string;
  imageRef: string;
  /** The image's registry digest (repo@sha256:…) or, for a local-only image, its ID; null if unresolved. */
  imageDigest: string | null;
  source: VersionSource;
  /** e.g. 'rolled back to v2' */
  note: string | null;
  health: Health;
  healthReason: string | null;
  healthCheckedAt: Date | null;
  recordedAt: Date;
  swarmVersion: number | null;
  updateStartedAt: string | null;
  /** CPU, memory and restarts the health watch that judged it measured; null when none did. */
  metrics?: VersionMetrics | null;
  /** Where the version's rollback image is kept (tag, push state, location, size). */
  rollbackImage?: RollbackImage;
}

export interface RecordInput {
  serviceName: string;
  serviceId: string;
  snapshot: Snapshot;
  specHash: string;
  source: VersionSource;
  note?: string | null;
  swarmVersion?: number | null;
  updateStartedAt?: string | null;
  /** Written in the same transaction as a new version (with its number as toVersion); never for an existing one. */
  audit?: RecordAudit;
}

/** The audit entry that goes with recording a version: service and version number come from the record. */
export type RecordAudit = Omit<AuditEntry, 'serviceName' | 'toVersion'>;

export interface RecordResult {
  row: VersionRow;
  /** false when the service's latest version already had this spec hash (nothing was written). */
  created: boolean;
}

export interface ServiceSummary {
  serviceName: string;
  versions: number;
  latest: number;
}

export interface VersionsRepo {
  record(input: RecordInput): Promise<RecordResult>;
  /** Newest first. */
  list(serviceName: string, opts?: {limit?: number}): Promise<VersionRow[]>;
  /** How many versions of the service are stored. */
  count(serviceName: string): Promise<number>;
  get(serviceName: string, number: number): Promise<VersionRow | null>;
  latest(serviceName: string): Promise<VersionRow | null>;
  findByHash(serviceName: string, specHash: string): Promise<VersionRow | null>;
  /**
   * A superseded version keeps that health: a verdict arriving late does not overwrite it. `metrics`:
   * what the health watch measured, written with the verdict.
   */
  setHealth(id: number, health: Health, reason?: string | null, metrics?: VersionMetrics | null): Promise<void>;
  lastKnownGood(serviceName: string): Promise<VersionRow | null>;
  remove(serviceName: string, number: number): Promise<boolean>;
  services(): Promise<ServiceSummary[]>;
  /** Changes whenever the service's history does (any process): for polling it cheaply. */
  changeStamp(serviceName: string): Promise<string>;
}

export interface AuditEntry {
  /** Defaults to user@host. */
  actor?: string;
  action: string;
  serviceName: string;
  fromVersion?: number | null;
  toVersion?: number | null;
  result: string;
  detail?: string | null;
  durationMs?: number | null;
  at?: Date;
}

export interface AuditRow {
  id: number;
  at: Date;
  actor: string;
  action: string;
  serviceName: string;
  fromVersion: number | null;
  toVersion: number | null;
  result: string;
  detail: string | null;
  durationMs: number | null;
}

export interface AuditRepo {
  append(entry: AuditEntry): Promise<void>;
  /** Newest first. */
  list(opts?: {serviceName?: string; limit?: number}): Promise<AuditRow[]>;
}

export const PUSH_STATES = ['none', 'local', 'pushed', 'push_failed'] as const;
/** none: not tagged yet; local: tagged locally only; pushed: in the registry; push_failed: see error. */
export type PushState = (typeof PUSH_STATES)[number];

export const IMAGE_LOCATIONS = ['registry', 'local', 'missing'] as const;
export type ImageLocation = (typeof IMAGE_LOCATIONS)[number];

export interface RollbackImage {
  pushState: PushState;
  /** Where the image was last seen; null when never looked at. */
  location: ImageLocation | null;
  /** The tag made for this version: `127.0.0.1:5000/rollbacks/web:v3` or `dokroll/web:v3`. */
  ref: string | null;
  /** The manifest digest the registry reported for `ref` (sha256:…). */
  digest: string | null;
  /** Why the last push failed (one line, never a credential). */
  error: string | null;
  attemptedAt: Date | null;
  /** Image size in bytes, when known. */
  size: number | null;
}

export interface RollbackImageUpdate {
  pushState: PushState;
  location: ImageLocation | null;
  ref?: string | null;
  digest?: string | null;
  error?: string | null;
  size?: number | null;
}

export interface RollbackImagesRepo {
  /** Sets the rollback image fields of one version; false when the version no longer exists. */
  set(id: number, update: RollbackImageUpdate): Promise<boolean>;
  /** Versions whose image is not tagged or pushed yet (push_state none or push_failed), oldest first. */
  pending(opts?: {serviceName?: string; limit?: number}): Promise<VersionRow[]>;
  /** Other versions whose pushed manifest has this digest (a registry delete by digest would hit them). */
  sharingDigest(digest: string, exceptId: number): Promise<VersionRow[]>;
}

export const STACK_REVISION_SOURCES = ['recorded', 'rollback'] as const;
export type StackRevisionSource = (typeof STACK_REVISION_SOURCES)[number];

/** A revision of a stack: which version of each of its services made it up. */
export interface StackRevisionRow {
  id: number;
  stack: string;
  number: number;
  /** service name → version number */
  members: StackMembers;
  membersHash: string;
  source: StackRevisionSource;
  /** e.g. 'rolled back to r3' */
  note: string | null;
  recordedAt: Date;
}

export interface StackRevisionInput {
  stack: string;
  members: StackMembers;
  source: StackRevisionSource;
  note?: string | null;
}

export interface StackSummary {
  stack: string;
  revisions: number;
  latest: number;
  latestAt: Date;
}

export interface StackRevisionsRepo {
  /** A new revision unless the stack's latest one has the same members (then nothing is written). */
  record(input: StackRevisionInput): Promise<{row: StackRevisionRow; created: boolean}>;
  /** Newest first. */
  list(stack: string, opts?: {limit?: number}): Promise<StackRevisionRow[]>;
  get(stack: string, number: number): Promise<StackRevisionRow | null>;
  latest(stack: string): Promise<StackRevisionRow | null>;
  /** The revision that was live at `at`: the newest recorded at or before it. */
  liveAt(stack: string, at: Date): Promise<StackRevisionRow | null>;
  stacks(): Promise<StackSummary[]>;
  /**
   * Takes the stack for one stack-wide action (a stack rollback): null when taken, else who holds it.
   * A hold older than `staleMs` (its process died) is taken over, and so is one by the same `run` (a resume).
   */
  claim(stack: string, run: string, holder: string, staleMs: number): Promise<{holder: string; at: Date} | null>;
  /** Gives the stack back (only the run that holds it can). */
  release(stack: string, run: string): Promise<void>;
}
