/**
 * Writes to one database, one at a time, within this process — and retried across processes
 * (store-db.ts puts the two together).
 *
 * libSQL runs local statements synchronously on the Node thread. If one connection of this process holds
 * the write lock (a transaction waiting on an `await`) and another connection of the same process asks
 * for it, SQLite's busy handler sleeps on the event loop thread, so the holder can never finish: the
 * waiter burns the whole busy timeout and fails. Every write in this process therefore goes through a
 * queue keyed by the database (shared by every client opened on the same file); only other processes
 * are left to SQLite's busy timeout (kept short, as it blocks the thread while it waits), and what still
 * fails with a lock or a lost numbering race is retried a bounded number of times with a short, async
 * backoff.
 */
import {isLibsqlError} from './libsql-error.js';

const tails = new Map<string, Promise<unknown>>();

/** Runs `work` after every earlier write queued under `key` has settled. */
export function queueWrite<T>(key: string, work: () => Promise<T>): Promise<T> {
  const previous = tails.get(key) ?? Promise.resolve();
  const run = previous.then(work, work);
  const tail = run.then(
    () => undefined,
    () => undefined,
  );
  tails.set(key, tail);
  void tail.then(() => {
    if (tails.get(key) === tail) tails.delete(key);
  });
  return run;
}

export interface RetryOptions {
  attempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
}

/** Retries `work` while it fails with a lock or a unique-key conflict; other errors pass straight through. */
export async function withRetry<T>(work: () => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  const attempts = opts.attempts ?? 6;
  const base = opts.baseDelayMs ?? 10;
  const max = opts.maxDelayMs ?? 250;
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= attempts || !isRetryable(error)) throw error;
      const delay = Math.min(max, base * 2 ** (attempt - 1));
      await sleep(delay / 2 + Math.random() * (delay / 2));
    }
  }
}

/** SQLITE_BUSY / SQLITE_LOCKED (another writer) or a UNIQUE violation (lost a race for the next number). */
export function isRetryable(error: unknown): boolean {
  return isLockError(error) || isUniqueViolation(error);
}

/** SQLITE_BUSY or SQLITE_LOCKED, in any of their extended forms. */
export function isLockError(error: unknown): boolean {
  if (!isLibsqlError(error)) return false;
  return [error.code, error.extendedCode ?? ''].some(
    (code) => code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'),
  );
}

function isUniqueViolation(error: unknown): boolean {
  if (!isLibsqlError(error)) return false;
  const extended = error.extendedCode ?? '';
  return (
    extended === 'SQLITE_CONSTRAINT_UNIQUE' ||
    extended === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    (error.code.startsWith('SQLITE_CONSTRAINT') && /UNIQUE constraint failed/i.test(error.message))
  );
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
