/**
 * The history file on disk, before and while libSQL opens it: creating it safely, vetting an existing
 * one without writing to it, and turning what goes wrong into one line that names the file.
 */
import fs from 'node:fs';
import path from 'node:path';
import type {Client} from '@libsql/client';
import {EXIT, errorText} from '../shared/errors.js';
import {StoreError} from './errors.js';
import {isLibsqlError} from './libsql-error.js';
import {readSchemaVersion, REQUIRED_TABLES} from './migrations.js';

const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

/** Creates what is missing (dir 0700, file 0600, never truncating) and vets what already exists. */
export function prepareFile(file: string): void {
  let stat = statOrNull(file);
  if (stat === null) {
    createDirs(file, path.dirname(file));
    try {
      const fd = fs.openSync(file, fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_RDWR, 0o600);
      try {
        fs.fchmodSync(fd, 0o600); // whatever the umask
      } finally {
        fs.closeSync(fd);
      }
      return;
    } catch (error) {
      if (errnoOf(error) !== 'EEXIST') throw fsError(file, error, 'cannot be created');
      stat = statOrNull(file); // another process created it just now
      if (stat === null) throw fsError(file, error, 'cannot be created');
    }
  }
  if (stat.isDirectory()) throw unusable(file, 'it is a directory, not a database file');
  if (!stat.isFile()) throw unusable(file, 'it is not a regular file');
  let fd: number;
  try {
    fs.accessSync(file, fs.constants.R_OK | fs.constants.W_OK);
    fd = fs.openSync(file, 'r');
  } catch (error) {
    throw fsError(file, error, 'cannot be read and written');
  }
  try {
    const header = Buffer.alloc(SQLITE_HEADER.length);
    const read = fs.readSync(fd, header, 0, header.length, 0);
    if (read > 0 && (read < header.length || !header.equals(SQLITE_HEADER))) {
      throw unusable(file, 'it is not a SQLite database (no "SQLite format 3" header)');
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** mkdir -p with 0700 for every directory this creates; existing directories are left as they are. */
function createDirs(file: string, dir: string): void {
  try {
    const first = fs.mkdirSync(dir, {recursive: true, mode: 0o700});
    if (first === undefined) return;
    for (let d = dir; ; d = path.dirname(d)) {
      fs.chmodSync(d, 0o700);
      if (d === first || d === path.dirname(d)) break;
    }
  } catch (error) {
    throw fsError(file, error, `its directory ${dir} cannot be created`);
  }
}

function statOrNull(file: string): fs.Stats | null {
  try {
    return fs.statSync(file);
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return null;
    throw fsError(file, error, 'cannot be inspected');
  }
}

export function unusable(file: string, why: string): StoreError {
  return new StoreError(`Cannot open history database ${file}: ${why}`, EXIT.badInput, 'store-unusable');
}

function fsError(file: string, error: unknown, what: string): StoreError {
  const code = errnoOf(error);
  const why =
    code === 'EACCES' || code === 'EPERM'
      ? 'permission denied'
      : code === 'ENOTDIR'
        ? 'a parent of it is not a directory'
        : code === 'EROFS'
          ? 'read-only file system'
          : messageOf(error);
  return unusable(file, `it ${what} (${why})`);
}

/**
 * Refuses a SQLite database that belongs to something else (it has tables but not our
 * schema_migrations), before WAL mode or migrations would write to it.
 */
export async function assertHistoryDb(client: Client, file: string): Promise<void> {
  const rs = await client.execute(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
  );
  const tables = rs.rows.map((r) => String(r.name));
  if (tables.length === 0) return;
  if (tables.includes('schema_migrations')) {
    const cols = await client.execute('PRAGMA table_info(schema_migrations)');
    const names = new Set(cols.rows.map((r) => String(r.name)));
    if (names.has('version') && names.has('name') && names.has('applied_at')) {
      await assertSchemaComplete(client, file, tables);
      return;
    }
  }
  const listed = tables.slice(0, 5).join(', ') + (tables.length > 5 ? ', …' : '');
  throw unusable(file, `it is a SQLite database of something else (tables: ${listed}), not a dokroll history`);
}

/**
 * Refuses a history whose migrations ran but one of whose tables is gone (dropped by hand, a damaged
 * copy): writing to it would fail half-way, or lose the audit trail. Checked before anything is written.
 */
export async function assertSchemaComplete(client: Client, where: string, tables?: readonly string[]): Promise<void> {
  if ((await readSchemaVersion(client)) === 0) return;
  const present = new Set(tables ?? (await tableNames(client)));
  const missing = REQUIRED_TABLES.filter((table) => !present.has(table));
  if (missing.length === 0) return;
  const named = missing.length === 1 ? `table ${missing[0]}` : `tables ${missing.join(', ')}`;
  throw unusable(where, `not a dokroll history or damaged: ${named} missing`);
}

async function tableNames(client: Client): Promise<string[]> {
  const rs = await client.execute("SELECT name FROM sqlite_master WHERE type = 'table'");
  return rs.rows.map((r) => String(r.name));
}

/** SQLite's verdict on a file it could not use, as one line naming the file. */
export function openError(file: string, error: unknown): StoreError {
  if (error instanceof StoreError) return error;
  if (!isLibsqlError(error)) {
    return new StoreError(`Cannot open history database ${file}: ${messageOf(error)}`, EXIT.failed);
  }
  switch (error.code) {
    case 'SQLITE_NOTADB':
      return unusable(file, 'it is not a SQLite database');
    case 'SQLITE_CORRUPT':
      return unusable(file, 'the database is corrupt (disk image is malformed)');
    case 'SQLITE_CANTOPEN':
      return unusable(file, 'SQLite cannot open it (check the file and its directory permissions)');
    case 'SQLITE_PERM':
    case 'SQLITE_AUTH':
      return unusable(file, 'permission denied');
    case 'SQLITE_READONLY':
      return unusable(file, 'it is read-only (the file or its directory is not writable)');
    case 'SQLITE_BUSY':
    case 'SQLITE_LOCKED':
      return new StoreError(
        `History database ${file} is locked by another process; try again`,
        EXIT.failed,
        'store-busy',
      );
    default:
      return new StoreError(`Cannot open history database ${file}: ${messageOf(error)}`, EXIT.failed);
  }
}

export function errnoOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/** The first line of an error's message. */
export function messageOf(error: unknown): string {
  const text = errorText(error);
  return text.split('\n')[0] ?? text;
}
