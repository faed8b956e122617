import {spawn} from 'node:child_process';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {openStore, type Store} from '../../../source/store/index.js';
import {makeTempDir, removeDir} from '../../support/store.js';

let dir: string;
let store: Store;
beforeEach(async () => {
  dir = makeTempDir();
  store = await openStore({url: path.join(dir, 'history.db')});
});
afterEach(() => {
  store.close();
  removeDir(dir);
});

describe('stack revisions', () => {
  it('numbers revisions r1, r2… per stack and writes nothing when the members did not change', async () => {
    const r1 = await store.stacks.record({stack: 'shop', members: {web: 1, worker: 1}, source: 'recorded'});
    const same = await store.stacks.record({stack: 'shop', members: {worker: 1, web: 1}, source: 'recorded'});
    const r2 = await store.stacks.record({stack: 'shop', members: {web: 2, worker: 1}, source: 'recorded'});
    const other = await store.stacks.record({stack: 'blog', members: {web: 7}, source: 'recorded'});
    expect([r1.row.number, r1.created]).toEqual([1, true]);
    expect([same.row.number, same.created]).toEqual([1, false]);
    expect([r2.row.number, r2.created]).toEqual([2, true]);
    expect([other.row.number, other.created]).toEqual([1, true]);
    expect((await store.stacks.list('shop')).map((r) => r.number)).toEqual([2, 1]);
    expect((await store.stacks.get('shop', 1))?.members).toEqual({web: 1, worker: 1});
    expect((await store.stacks.latest('shop'))?.members).toEqual({web: 2, worker: 1});
    expect((await store.stacks.stacks()).map((s) => [s.stack, s.revisions, s.latest])).toEqual([
      ['blog', 1, 1],
      ['shop', 2, 2],
    ]);
  });

  it('records a rollback revision with its note, and finds the revision live at a time', async () => {
    const r1 = await store.stacks.record({stack: 'shop', members: {web: 1}, source: 'recorded'});
    const between = new Date(r1.row.recordedAt.getTime() + 1);
    await new Promise((resolve) => setTimeout(resolve, 5)); // recorded_at must move on
    const r2 = await store.stacks.record({
      stack: 'shop',
      members: {web: 2},
      source: 'rollback',
      note: 'rolled back to r1',
    });
    expect(r2.row.note).toBe('rolled back to r1');
    expect(r2.row.source).toBe('rollback');
    expect((await store.stacks.liveAt('shop', between))?.number).toBe(1);
    expect((await store.stacks.liveAt('shop', new Date()))?.number).toBe(2);
    expect(await store.stacks.liveAt('shop', new Date(r1.row.recordedAt.getTime() - 1000))).toBeNull();
  });

  it('lets a stack rollback claim the revision a recorder wrote for the same members moments before', async () => {
    await store.stacks.record({stack: 'shop', members: {web: 1}, source: 'recorded'});
    const recorded = await store.stacks.record({stack: 'shop', members: {web: 2}, source: 'recorded'});
    const claimed = await store.stacks.record({
      stack: 'shop',
      members: {web: 2},
      source: 'rollback',
      note: 'rolled back to r1',
    });
    expect(claimed.created).toBe(false);
    expect(claimed.row.number).toBe(recorded.row.number);
    expect([claimed.row.source, claimed.row.note]).toEqual(['rollback', 'rolled back to r1']);
  });

  it('lets one stack-wide action hold a stack at a time, and takes over a stale hold', async () => {
    expect(await store.stacks.claim('shop', 'run-a', 'alice@m1', 60_000)).toBeNull();
    expect(await store.stacks.claim('shop', 'run-b', 'bob@m2', 60_000)).toMatchObject({holder: 'alice@m1'});
    expect(await store.stacks.claim('blog', 'run-b', 'bob@m2', 60_000)).toBeNull();
    await store.stacks.release('shop', 'run-b'); // not the holder: nothing happens
    expect(await store.stacks.claim('shop', 'run-c', 'carol@m3', 60_000)).toMatchObject({holder: 'alice@m1'});
    await store.stacks.release('shop', 'run-a');
    expect(await store.stacks.claim('shop', 'run-b', 'bob@m2', 60_000)).toBeNull();
    // A holder whose process died long ago: taken over.
    expect(await store.stacks.claim('shop', 'run-d', 'dave@m4', 0)).toBeNull();
  });

  it('gives a hold back to the same run (a resume after its process was killed), not to another', async () => {
    expect(await store.stacks.claim('cart', 'run-a', 'alice@m1', 60_000)).toBeNull();
    expect(await store.stacks.claim('cart', 'run-a', 'alice@m2', 60_000)).toBeNull();
    expect(await store.stacks.claim('cart', 'run-b', 'bob@m2', 60_000)).toMatchObject({holder: 'alice@m2'});
  });

  it('refuses a revision without services', async () => {
    await expect(store.stacks.record({stack: 'shop', members: {}, source: 'recorded'})).rejects.toThrow(
      /at least one service/,
    );
  });

  it('gives contiguous numbers and no duplicate when two processes record the same stack at once', async () => {
    const db = path.join(dir, 'history.db');
    const workers = [0, 1].map(() => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', path.resolve('test/support/stack-record-worker.ts'), db, 'shop', '15'],
        {
          stdio: ['pipe', 'pipe', 'inherit'],
        },
      );
      let out = '';
      const ready = new Promise<void>((resolve) =>
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
          out += chunk;
          if (out.includes('ready')) resolve();
        }),
      );
      const done = new Promise<number[]>((resolve, reject) =>
        child.on('close', (code) =>
          code === 0 ? resolve(JSON.parse(out.split('\n')[1]!).created) : reject(new Error(`worker exit ${code}`)),
        ),
      );
      return {child, ready, done};
    });
    await Promise.all(workers.map((w) => w.ready));
    for (const w of workers) w.child.stdin.end('go\n');
    const created = (await Promise.all(workers.map((w) => w.done))).flat().sort((a, b) => a - b);
    const stored = (await store.stacks.list('shop')).map((r) => r.number).reverse();
    // Every revision was written exactly once, whoever wrote it, and the numbers have no gap.
    expect(created).toEqual(stored);
    expect(stored).toEqual(Array.from({length: stored.length}, (_, i) => i + 1));
    // No two neighbours are the same revision: an unchanged stack is never written twice in a row.
    const hashes = (await store.stacks.list('shop')).map((r) => r.membersHash);
    for (let i = 1; i < hashes.length; i++) expect(hashes[i]).not.toBe(hashes[i - 1]);
  });
});
