/**
 * Opening the history database. For a file: the directory (0700) and the file (0600) are created by us
 * before libSQL sees them; an existing file is checked (a regular file, readable and writable, a SQLite
 * header) and then probed read-only before anything is written to it, so an unusable file is reported
 * and left exactly as it was. Only then: WAL mode and migrations.
 */
import fs from 'node:fs';
import {createClient, type Client} from '@libsql/client';
import {EXIT} from '../shared/errors.js';
import {LibsqlAuditRepo} from './audit-repo.js';
import {assertHistoryDb, messageOf, openError, prepareFile} from './db-file.js';
import {resolveDbLocation, type DbLocation} from './db-location.js';
import {StoreError} from './errors.js';
import {migrate} from './migrations.js';
import type {AuditRepo, VersionsRepo} from './types.js';
import {LibsqlVersionsRepo} from './versions-repo.js';
import {runWrite} from './write-queue.js';

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
  /** Where the history lives (remote URLs without their auth token). */
  readonly location: {kind: 'file' | 'remote'; display: string};
  close(): void;
}

// SQLite waits for another process's lock by sleeping on this thread; keep each wait short and let
// runWrite retry (with async pauses) rather than freeze a console for long.
const DEFAULT_BUSY_TIMEOUT_MS = 1_000;

export async function openStore(opts: OpenStoreOptions = {}): Promise<Store> {
  const location = resolveDbLocation({url: opts.url, authToken: opts.authToken, env: opts.env});
  return location.kind === 'file'
    ? openFileStore(location, opts)
    : openRemoteStore(location, opts.env ?? process.env);
}

async function openFileStore(
  location: Extract<DbLocation, {kind: 'file'}>,
  opts: OpenStoreOptions,
): Promise<Store> {
  const file = location.path;
  prepareFile(file);
  const writeKey = fs.realpathSync(file);
  let client: Client;
  try {
    client = createClient({url: location.url, timeout: opts.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS});
  } catch (error) {
    throw openError(file, error);
  }
  try {
    // Reading the schema makes SQLite parse the file; nothing has been written yet.
    await client.execute('SELECT COUNT(*) FROM sqlite_master');
    await assertHistoryDb(client, file);
    await runWrite(writeKey, async () => {
      const mode = await client.execute('PRAGMA journal_mode');
      if (String(mode.rows[0]?.[0]).toLowerCase() !== 'wal') {
        await client.execute('PRAGMA journal_mode = WAL');
      }
      await migrate(client, file);
    });
  } catch (error) {
    client.close();
    throw openError(file, error);
  }
  return makeStore(client, writeKey, {kind: 'file', display: file}, opts.env ?? process.env);
}

async function openRemoteStore(
  location: Extract<DbLocation, {kind: 'remote'}>,
  env: NodeJS.ProcessEnv,
): Promise<Store> {
  const display = redact(location.url);
  let client: Client | undefined;
  try {
    client = createClient({url: location.url, authToken: location.authToken});
    await client.execute('SELECT 1');
  } catch (error) {
    client?.close();
    throw new StoreError(
      `Cannot reach history database ${display}: ${messageOf(error)}`,
      EXIT.failed,
      'store-unreachable',
    );
  }
  const ready = client;
  try {
    await runWrite(display, () => migrate(ready, display));
  } catch (error) {
    ready.close();
    if (error instanceof StoreError) throw error;
    throw new StoreError(`Cannot prepare history database ${display}: ${messageOf(error)}`, EXIT.failed);
  }
  return makeStore(ready, display, {kind: 'remote', display}, env);
}

function makeStore(
  client: Client,
  writeKey: string,
  location: Store['location'],
  env: NodeJS.ProcessEnv,
): Store {
  return {
    versions: new LibsqlVersionsRepo(client, writeKey),
    audit: new LibsqlAuditRepo(client, writeKey, env),
    location,
    close: () => client.close(),
  };
}

/** The URL without query, fragment or user info, which may carry credentials. */
function redact(url: string): string {
  const q = url.search(/[?#]/);
  return (q === -1 ? url : url.slice(0, q)).replace(/^([^:]+:\/\/)[^@/]*@/, '$1');
}
