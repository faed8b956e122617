/**
 * zod schemas for what comes back out of the database. A row that does not fit (hand-edited, written by
 * a broken build, truncated JSON) becomes a StoreError naming the service and version, never a crash
 * somewhere further along.
 */
import type {Row} from '@libsql/client';
import {z} from 'zod';
import {EXIT} from '../shared/errors.js';
import {StoreError} from './errors.js';
import {expandSnapshot} from './snapshot-codec.js';
import {
  HEALTH_STATES,
  IMAGE_LOCATIONS,
  PUSH_STATES,
  VERSION_SOURCES,
  type AuditRow,
  type Snapshot,
  type VersionRow,
} from './types.js';

export const ImagePinSchema = z.looseObject({
  ref: z.string().min(1),
  repoDigest: z.string().optional(),
  imageId: z.string().optional(),
  pinned: z.string().min(1),
});

/** A snapshot given to `record`: spec, view and image. */
export const SnapshotInputSchema = z.looseObject({
  spec: z.looseObject({}),
  view: z.looseObject({}),
  image: ImagePinSchema,
});

/** snapshot_json as stored (see snapshot-codec.ts): the view only when it is kept whole. */
export const StoredSnapshotSchema = z.object({
  spec: z.looseObject({}),
  view: z.looseObject({}).optional(),
  networkNames: z.record(z.string(), z.string()).optional(),
  image: ImagePinSchema,
});

const isoDate = z.iso.datetime({offset: true}).transform((s) => new Date(s));
const nullableText = z.string().nullable();
const nullableInt = z.number().int().nullable();

const VersionDbRow = z.object({
  id: z.number().int(),
  service_name: z.string(),
  service_id: z.string(),
  number: z.number().int().positive(),
  snapshot_json: z.string(),
  spec_hash: z.string().min(1),
  image_ref: z.string(),
  image_digest: nullableText,
  source: z.enum(VERSION_SOURCES),
  note: nullableText,
  health: z.enum(HEALTH_STATES),
  health_reason: nullableText,
  health_checked_at: isoDate.nullable(),
  recorded_at: isoDate,
  swarm_version: nullableInt,
  update_started_at: nullableText,
  push_state: z.enum(PUSH_STATES),
  image_location: z.enum(IMAGE_LOCATIONS).nullable(),
  push_ref: nullableText,
  push_digest: nullableText,
  push_error: nullableText,
  push_attempted_at: isoDate.nullable(),
  image_size: nullableInt,
  cpu_percent: z.number().nonnegative().nullable(),
  memory_bytes: nullableInt,
  restarts: nullableInt,
  metrics_samples: nullableInt,
});

export const VERSION_COLUMNS =
  'id, service_name, service_id, number, snapshot_json, spec_hash, image_ref, image_digest, source, note, ' +
  'health, health_reason, health_checked_at, recorded_at, swarm_version, update_started_at, ' +
  'push_state, image_location, push_ref, push_digest, push_error, push_attempted_at, image_size, ' +
  'cpu_percent, memory_bytes, restarts, metrics_samples';

export function toVersionRow(row: Row): VersionRow {
  const label = `version v${String(row.number)} of service ${JSON.stringify(row.service_name)}`;
  const parsed = VersionDbRow.safeParse({...row});
  if (!parsed.success) throw malformed(label, describeIssue(parsed.error));
  const r = parsed.data;
  let json: unknown;
  try {
    json = JSON.parse(r.snapshot_json);
  } catch {
    throw malformed(label, 'snapshot_json is not valid JSON');
  }
  const stored = StoredSnapshotSchema.safeParse(json);
  if (!stored.success) throw malformed(label, `snapshot_json ${describeIssue(stored.error)}`);
  let snapshot: Snapshot;
  try {
    snapshot = expandSnapshot(stored.data);
  } catch {
    throw malformed(label, 'snapshot_json spec: its view cannot be derived');
  }
  return {
    id: r.id,
    serviceName: r.service_name,
    serviceId: r.service_id,
    number: r.number,
    snapshot,
    specHash: r.spec_hash,
    imageRef: r.image_ref,
    imageDigest: r.image_digest,
    source: r.source,
    note: r.note,
    health: r.health,
    healthReason: r.health_reason,
    healthCheckedAt: r.health_checked_at,
    recordedAt: r.recorded_at,
    swarmVersion: r.swarm_version,
    updateStartedAt: r.update_started_at,
    metrics:
      r.restarts === null
        ? null
        : {
            cpuPercent: r.cpu_percent,
            memoryBytes: r.memory_bytes,
            restarts: r.restarts,
            samples: r.metrics_samples ?? 0,
          },
    rollbackImage: {
      pushState: r.push_state,
      location: r.image_location,
      ref: r.push_ref,
      digest: r.push_digest,
      error: r.push_error,
      attemptedAt: r.push_attempted_at,
      size: r.image_size,
    },
  };
}

const AuditDbRow = z.object({
  id: z.number().int(),
  at: isoDate,
  actor: z.string(),
  action: z.string(),
  service_name: z.string(),
  from_version: nullableInt,
  to_version: nullableInt,
  result: z.string(),
  detail: nullableText,
  duration_ms: nullableInt,
});

export const AUDIT_COLUMNS =
  'id, at, actor, action, service_name, from_version, to_version, result, detail, duration_ms';

export function toAuditRow(row: Row): AuditRow {
  const parsed = AuditDbRow.safeParse({...row});
  if (!parsed.success) {
    throw malformed(`audit entry ${String(row.id)}`, describeIssue(parsed.error));
  }
  const r = parsed.data;
  return {
    id: r.id,
    at: r.at,
    actor: r.actor,
    action: r.action,
    serviceName: r.service_name,
    fromVersion: r.from_version,
    toVersion: r.to_version,
    result: r.result,
    detail: r.detail,
    durationMs: r.duration_ms,
  };
}

function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (issue === undefined) return 'does not match the expected shape';
  const at = issue.path.length > 0 ? issue.path.join('.') : 'value';
  return `${at}: ${issue.message}`;
}

function malformed(what: string, why: string): StoreError {
  return new StoreError(`Stored ${what} is malformed (${why})`, EXIT.failed, 'store-malformed-row');
}
