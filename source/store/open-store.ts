/**
 * Opening the history database. For a file: the directory (0700) and the file (0600) are created by us
 * before libSQL sees them; an existing file is checked (a regular file, readable and writable, a SQLite
 * header) and then probed read-only before anything is written to it, so an unusable file is reported
 * and left exactly as it was. Only then: WAL mode and migrations.
 *
 * The libSQL client is loaded here, when a database is opened, and only the kind its location needs:
 * a file needs the native driver alone (`@libsql/client/sqlite3`), not the remote clients
 * (WebSocket, HTTP) that `@libsql/client` loads with it.
 */
import fs from 'node:fs';
import {EXIT} from '../shared/errors.js';
import {LibsqlAuditRepo} from './audit-repo.js';
import {assertHistoryDb, assertSchemaComplete, messageOf, openError, prepareFile} from './db-file.js';
import {describeLocation, redactUrl, resolveDbLocation, type DbLocation} from './db-location.js';
import {StoreError} from './errors.js';
import {migrate} from './migrations.js';
import {StoreDb} from './store-db.js';
import {LibsqlRollbackImagesRepo} from './rollback-images-repo.js';
import {LibsqlStackRevisionsRepo} from './stack-revisions-repo.js';
import type {AuditRepo, RollbackImagesRepo, StackRevisionsRepo, VersionsRepo} from './types.js';
import {LibsqlVersionsRepo} from './versions-repo.js';

export interface OpenStoreOptions {
  /** `--db`: a path or URL; otherwise DOKROLL_DB, otherwise the XDG default. */
  url?: string;
  authToken?: string;
  env?: NodeJS.ProcessEnv;
  /** How long a local write waits for another process's lock (ms). */
  busyTimeoutMs?: number;
}

export interface Store {
  versions: VersionsRepo;
  audit: AuditRepo;
  /** Rollback image (tag, push state, location, size) of each version. */
  rollbackImages: RollbackImagesRepo;
  /** Revisions of each stack (one version of each of its services). */
  stacks: StackRevisionsRepo;
  /** Where the history lives (remote URLs without their auth token). */
  readonly location: {kind: 'file' | 'remote'; display: string};
  close(): void;
}

// SQLite waits for another process's lock by sleeping on this thread; keep each wait short and let
// StoreDb.write retry (with async pauses) rather than freeze a console for long.
const DEFAULT_BUSY_TIMEOUT_MS = 1_000;

/** The libSQL client module a location needs (the native driver alone for a file). */
function loadClient(kind: DbLocation['kind']) {
  return kind === 'file' ? import('@libsql/client/sqlite3') : import('@libsql/client');
}

/**
 * Loads the client the database at `opts` will need, without opening or creating anything: a
 * command overlaps loading the native driver with its wait on the daemon. Never fails (opening
 * reports what is wrong).
 */
export async function preloadStoreDriver(opts: Pick<OpenStoreOptions, 'url' | 'env'> = {}): Promise<void> {
  try {
    await loadClient(resolveDbLocation({url: opts.url, env: opts.env}).kind);
  } catch {
    // openStore says it.
  }
}

export async function openStore(opts: OpenStoreOptions = {}): Promise<Store> {
  const location = resolveDbLocation({url: opts.url, authToken: opts.authToken, env: opts.env});
  const env = opts.env ?? process.env;
  const db =
    location.kind === 'file'
      ? await openFileDb(location, opts.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS)
      : await openRemoteDb(location);
  return {
    versions: new LibsqlVersionsRepo(db, env),
    audit: new LibsqlAuditRepo(db, env),
    rollbackImages: new LibsqlRollbackImagesRepo(db),
    stacks: new LibsqlStackRevisionsRepo(db),
    location: describeLocation(location),
    close: () => db.close(),
  };
}

async function openFileDb(location: Extract<DbLocation, {kind: 'file'}>, timeout: number): Promise<StoreDb> {
  const file = location.path;
  prepareFile(file);
  let db: StoreDb;
  try {
    const {createClient} = await loadClient('file');
    db = new StoreDb(fs.realpathSync(file), () => createClient({url: location.url, timeout}));
  } catch (error) {
    throw openError(file, error);
  }
  try {
    // Reading the schema makes SQLite parse the file; nothing has been written yet.
    await db.reader.execute('SELECT COUNT(*) FROM sqlite_master');
    await assertHistoryDb(db.reader, file);
    await db.write(async (client) => {
      const mode = await client.execute('PRAGMA journal_mode');
      if (String(mode.rows[0]?.[0]).toLowerCase() !== 'wal') {
        await client.execute('PRAGMA journal_mode = WAL');
      }
      await migrate(client, file);
    });
  } catch (error) {
    db.close();
    throw openError(file, error);
  }
  return db;
}

async function openRemoteDb(location: Extract<DbLocation, {kind: 'remote'}>): Promise<StoreDb> {
  const display = redactUrl(location.url);
  let db: StoreDb | undefined;
  try {
    const {createClient} = await loadClient('remote');
    db = new StoreDb(display, () => createClient({url: location.url, authToken: location.authToken}));
    await db.reader.execute('SELECT 1');
  } catch (error) {
    db?.close();
    throw new StoreError(
      `Cannot reach history database ${display}: ${messageOf(error)}`,
      EXIT.failed,
      'store-unreachable',
    );
  }
  const ready = db;
  try {
    await assertSchemaComplete(ready.reader, display);
    await ready.write((client) => migrate(client, display));
  } catch (error) {
    ready.close();
    if (error instanceof StoreError) throw error;
    throw new StoreError(`Cannot prepare history database ${display}: ${messageOf(error)}`, EXIT.failed);
  }
  return ready;
}
