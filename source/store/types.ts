/** The store's public shapes: rows as callers see them, and what they pass in. */

import type {Snapshot} from '../domain/snapshot.js';

// The stored JSON is checked for its outline at runtime (row-schemas.ts); the type comes from the domain.
export type {Snapshot};

export const VERSION_SOURCES = ['recorded', 'rollback', 'deploy', 'snapshot'] as const;
export type VersionSource = (typeof VERSION_SOURCES)[number];

export const HEALTH_STATES = ['pending', 'good', 'bad'] as const;
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
}

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
  get(serviceName: string, number: number): Promise<VersionRow | null>;
  latest(serviceName: string): Promise<VersionRow | null>;
  findByHash(serviceName: string, specHash: string): Promise<VersionRow | null>;
  setHealth(id: number, health: Health, reason?: string | null): Promise<void>;
  lastKnownGood(serviceName: string): Promise<VersionRow | null>;
  remove(serviceName: string, number: number): Promise<boolean>;
  services(): Promise<ServiceSummary[]>;
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
