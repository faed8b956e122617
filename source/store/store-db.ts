/**
 * The libSQL clients behind one open store: one for reads, one for writes.
 *
 * Writes go through `write()`: queued behind this process's other writes to the same database (see
 * write-queue.ts), retried while another process holds the lock, and reported as a StoreError if it
 * stays locked. After a lock failure the write client is thrown away and a fresh one opened before the
 * retry: @libsql/client 0.18 (libsql 0.5.29) leaves a statement that failed with SQLITE_BUSY in
 * progress, and every later COMMIT on that connection then fails with "cannot commit transaction - SQL
 * statements in progress" (tursodatabase/libsql-client-ts#352). The failed connection holds no lock at
 * that point, so closing it is safe; reads never share it.
 */
import type {Client} from '@libsql/client';
import {EXIT} from '../shared/errors.js';
import {StoreError} from './errors.js';
import {isLockError, isRetryable, queueWrite, withRetry} from './write-queue.js';

export class StoreDb {
  readonly reader: Client;
  #writer: Client;

  constructor(
    /** The database's path or redacted URL: the write queue's key, and named in messages. */
    readonly name: string,
    private readonly open: () => Client,
  ) {
    this.reader = open();
    try {
      this.#writer = open();
    } catch (error) {
      this.reader.close();
      throw error;
    }
  }

  /** Runs `work` with the write client, one write at a time, retrying lock failures (bounded). */
  async write<T>(work: (client: Client) => Promise<T>): Promise<T> {
    try {
      return await queueWrite(this.name, () => withRetry(() => this.#attempt(work)));
    } catch (error) {
      if (!isRetryable(error)) throw error;
      throw new StoreError(
        `History database ${this.name} stayed locked by another writer; try again (${(error as Error).message})`,
        EXIT.failed,
        'store-busy',
      );
    }
  }

  close(): void {
    this.reader.close();
    this.#writer.close();
  }

  async #attempt<T>(work: (client: Client) => Promise<T>): Promise<T> {
    try {
      return await work(this.#writer);
    } catch (error) {
      if (isLockError(error)) this.#replaceWriter();
      throw error;
    }
  }

  #replaceWriter(): void {
    const fresh = this.open();
    this.#writer.close();
    this.#writer = fresh;
  }
}
