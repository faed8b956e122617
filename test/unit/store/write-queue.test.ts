import path from 'node:path';
import {LibsqlError, createClient} from '@libsql/client';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {fileUrl} from '../../../source/store/index.js';
import {isRetryable, queueWrite, withRetry} from '../../../source/store/write-queue.js';
import {makeTempDir, removeDir} from '../../support/store.js';

describe('queueWrite', () => {
  it('runs work queued under one key one at a time, in order, even when some of it fails', async () => {
    const log: string[] = [];
    const job =
      (name: string, ms: number, fail = false) =>
      async () => {
        log.push(`start ${name}`);
        await new Promise((resolve) => setTimeout(resolve, ms));
        log.push(`end ${name}`);
        if (fail) throw new Error(name);
        return name;
      };
    const results = await Promise.allSettled([
      queueWrite('k', job('a', 20)),
      queueWrite('k', job('b', 5, true)),
      queueWrite('k', job('c', 1)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });

  it('does not make different keys wait for each other', async () => {
    const log: string[] = [];
    let release: () => void = () => undefined;
    const slow = queueWrite('one', () => new Promise<void>((resolve) => (release = resolve)));
    await queueWrite('two', async () => void log.push('two ran'));
    expect(log).toEqual(['two ran']);
    release();
    await slow;
  });
});

describe('withRetry', () => {
  const busy = () => new LibsqlError('database is locked', 'SQLITE_BUSY', 'SQLITE_BUSY', 5);

  it('retries a locked database until it succeeds', async () => {
    let calls = 0;
    const result = await withRetry(
      async () => {
        calls++;
        if (calls < 3) throw busy();
        return 'done';
      },
      {baseDelayMs: 1},
    );
    expect(result).toBe('done');
    expect(calls).toBe(3);
  });

  it('gives up after the bounded number of attempts with the last error', async () => {
    let calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw busy();
        },
        {attempts: 4, baseDelayMs: 1},
      ),
    ).rejects.toThrow('database is locked');
    expect(calls).toBe(4);
  });

  it('does not retry other errors', async () => {
    let calls = 0;
    await expect(
      withRetry(async () => {
        calls++;
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(calls).toBe(1);
  });
});

describe('isRetryable, on errors from a real database', () => {
  let dir: string;
  beforeEach(() => {
    dir = makeTempDir();
  });
  afterEach(() => {
    removeDir(dir);
  });

  it('retries a UNIQUE violation (a lost race for a number) but not a CHECK violation', async () => {
    const client = createClient({url: fileUrl(path.join(dir, 'r.db'))});
    await client.execute('CREATE TABLE t (n INTEGER UNIQUE CHECK (n > 0))');
    await client.execute('INSERT INTO t VALUES (1)');
    const unique = await client.execute('INSERT INTO t VALUES (1)').catch((e: unknown) => e);
    const check = await client.execute('INSERT INTO t VALUES (0)').catch((e: unknown) => e);
    client.close();
    expect(isRetryable(unique)).toBe(true);
    expect(isRetryable(check)).toBe(false);
  });
});
