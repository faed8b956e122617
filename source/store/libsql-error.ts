/**
 * Telling libSQL's errors (SQLITE_BUSY, SQLITE_NOTADB, a UNIQUE violation…) from others without
 * importing `@libsql/client` for its LibsqlError class: that import loads the native driver and
 * the remote (WebSocket, HTTP) clients with the store's code, on every command. The client itself
 * is loaded when a database is opened (open-store.ts), and only the kind the location needs.
 */
import type {LibsqlError} from '@libsql/client';

/** A LibsqlError (or its LibsqlBatchError): an Error named so, with a string `code`. */
export function isLibsqlError(error: unknown): error is LibsqlError {
  return (
    error instanceof Error &&
    (error.name === 'LibsqlError' || error.name === 'LibsqlBatchError') &&
    typeof (error as {code?: unknown}).code === 'string'
  );
}
