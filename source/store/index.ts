/** The history store: recorded versions of each service and the audit log, in libSQL. */
export {openStore, preloadStoreDriver, type OpenStoreOptions, type Store} from './open-store.js';
export {
  resolveDbLocation,
  defaultDbPath,
  describeLocation,
  fileUrl,
  redactUrl,
  type DbLocation,
  type DbLocationInput,
} from './db-location.js';
export {StoreError} from './errors.js';
export {MIGRATIONS, SCHEMA_VERSION, readSchemaVersion, type Migration} from './migrations.js';
export {defaultActor} from './audit-repo.js';
export {
  HEALTH_STATES,
  IMAGE_LOCATIONS,
  PUSH_STATES,
  STACK_REVISION_SOURCES,
  VERSION_SOURCES,
  type AuditEntry,
  type AuditRepo,
  type AuditRow,
  type Health,
  type ImageLocation,
  type PushState,
  type RollbackImage,
  type RollbackImagesRepo,
  type RollbackImageUpdate,
  type RecordAudit,
  type RecordInput,
  type RecordResult,
  type ServiceSummary,
  type Snapshot,
  type StackRevisionInput,
  type StackRevisionRow,
  type StackRevisionSource,
  type StackRevisionsRepo,
  type StackSummary,
  type VersionRow,
  type VersionSource,
  type VersionsRepo,
} from './types.js';
