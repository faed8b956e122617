import {spawnSync} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {createClient} from '@libsql/client';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {SCHEMA_VERSION, StoreError, fileUrl, openStore} from '../../../source/store/index.js';
import {makeTempDir, recordInput, removeDir} from '../../support/store.js';

let dir: string;
beforeEach(() => {
  dir = makeTempDir();
});
afterEach(() => {
  removeDir(dir);
});

const modeOf = (p: string) => fs.statSync(p).mode & 0o777;

async function openError(url: string): Promise<StoreError> {
  const error: unknown = await openStore({url}).then(
    (store) => {
      store.close();
      return new Error('expected openStore to fail');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StoreError);
  return error as StoreError;
}

async function tableNames(file: string): Promise<string[]> {
  const client = createClient({url: fileUrl(file)});
  try {
    const rs = await client.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
    return rs.rows.map((r) => String(r.name));
  } finally {
    client.close();
  }
}

describe('openStore on a file', () => {
  it('creates the database under XDG_DATA_HOME with a 0700 directory and a 0600 file', async () => {
    const dataHome = path.join(dir, 'data');
    const store = await openStore({env: {HOME: dir, XDG_DATA_HOME: dataHome}});
    await store.versions.record(recordInput('web', 'h1'));
    store.close();
    const file = path.join(dataHome, 'dokroll', 'history.db');
    expect(store.location).toEqual({kind: 'file', display: file});
    expect(modeOf(file)).toBe(0o600);
    expect(modeOf(path.join(dataHome, 'dokroll'))).toBe(0o700);
    expect(modeOf(dataHome)).toBe(0o700);
    for (const side of fs.readdirSync(path.dirname(file))) {
      expect(modeOf(path.join(path.dirname(file), side))).toBe(0o600);
    }
  });

  it('leaves the mode of existing files and directories alone', async () => {
    const file = path.join(dir, 'shared.db');
    fs.chmodSync(dir, 0o755);
    fs.writeFileSync(file, '');
    fs.chmodSync(file, 0o640);
    (await openStore({url: file})).close();
    expect(modeOf(file)).toBe(0o640);
    expect(modeOf(dir)).toBe(0o755);
  });

  it('applies the migrations to a fresh file, in WAL mode, and finds nothing to do on re-open', async () => {
    const file = path.join(dir, 'h.db');
    const first = await openStore({url: file});
    await first.versions.record(recordInput('web', 'h1'));
    first.close();
    expect(await tableNames(file)).toEqual(
      expect.arrayContaining(['audit_log', 'schema_migrations', 'version_counters', 'versions']),
    );

    const second = await openStore({url: `file://${file}`});
    expect((await second.versions.latest('web'))?.specHash).toBe('h1');
    second.close();

    const client = createClient({url: fileUrl(file)});
    const applied = await client.execute('SELECT version, applied_at FROM schema_migrations');
    const mode = await client.execute('PRAGMA journal_mode');
    client.close();
    expect(applied.rows.map((r) => r.version)).toEqual(Array.from({length: SCHEMA_VERSION}, (_, i) => i + 1));
    expect(String(applied.rows[0]?.applied_at)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(mode.rows[0]?.journal_mode).toBe('wal');
  });

  it('refuses a database whose schema is newer than the code, naming both versions', async () => {
    const file = path.join(dir, 'future.db');
    (await openStore({url: file})).close();
    const client = createClient({url: fileUrl(file)});
    await client.execute(
      "INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'from the future', '2030-01-01T00:00:00.000Z')",
    );
    client.close();

    const error = await openError(file);
    expect(error.exitCode).toBe(2);
    expect(error.code).toBe('store-schema-newer');
    expect(error.message).toContain(file);
    expect(error.message).toContain('schema version 99');
    expect(error.message).toContain(`(${SCHEMA_VERSION})`);
  });

  describe('refuses an unusable file with one line naming it, and leaves it byte-for-byte unchanged', () => {
    function expectUntouched(file: string, before: Buffer): void {
      expect(fs.readFileSync(file).equals(before)).toBe(true);
      expect(fs.existsSync(`${file}-wal`)).toBe(false);
      expect(fs.existsSync(`${file}-shm`)).toBe(false);
      expect(fs.existsSync(`${file}-journal`)).toBe(false);
    }

    it('random bytes', async () => {
      const file = path.join(dir, 'random.db');
      const before = randomBytes(8192);
      fs.writeFileSync(file, before);
      const error = await openError(file);
      expect(error.exitCode).toBe(2);
      expect(error.message).toBe(
        `Cannot open history database ${file}: it is not a SQLite database (no "SQLite format 3" header)`,
      );
      expectUntouched(file, before);
    });

    it('a SQLite header followed by garbage', async () => {
      const file = path.join(dir, 'garbage.db');
      const before = Buffer.concat([Buffer.from('SQLite format 3\0', 'latin1'), randomBytes(8192 - 16)]);
      fs.writeFileSync(file, before);
      const error = await openError(file);
      expect(error.exitCode).toBe(2);
      expect(error.message).toMatch(new RegExp(`^Cannot open history database ${file}: `));
      expect(error.message).not.toContain('\n');
      expectUntouched(file, before);
    });

    it('a SQLite database that belongs to something else', async () => {
      const file = path.join(dir, 'other.db');
      const other = createClient({url: fileUrl(file)});
      await other.execute('CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)');
      await other.execute("INSERT INTO moz_places (url) VALUES ('https://example.org')");
      other.close();
      const before = fs.readFileSync(file);
      const error = await openError(file);
      expect(error.exitCode).toBe(2);
      expect(error.message).toBe(
        `Cannot open history database ${file}: it is a SQLite database of something else (tables: moz_places), not a dokroll history`,
      );
      expectUntouched(file, before);
    });

    it('a directory', async () => {
      const target = path.join(dir, 'adir');
      fs.mkdirSync(target);
      const error = await openError(target);
      expect(error.exitCode).toBe(2);
      expect(error.message).toBe(`Cannot open history database ${target}: it is a directory, not a database file`);
      expect(fs.readdirSync(target)).toEqual([]);
    });

    it('a file the user may not read', async () => {
      const file = path.join(dir, 'locked.db');
      const seed = await openStore({url: path.join(dir, 'seed.db')});
      await seed.versions.record(recordInput('web', 'h1'));
      seed.close();
      fs.copyFileSync(path.join(dir, 'seed.db'), file);
      const before = fs.readFileSync(file);
      fs.chmodSync(file, 0o000);

      let outcome: {ok: boolean; storeError?: boolean; message?: string; exitCode?: number};
      if (process.getuid?.() === 0) {
        // root reads through mode 000; a child without the DAC override capabilities cannot.
        const probe = spawnSync(
          'setpriv',
          [
            '--bounding-set',
            '-dac_override,-dac_read_search',
            process.execPath,
            '--import',
            'tsx',
            path.resolve('test/support/store-open-probe.ts'),
            file,
          ],
          {encoding: 'utf8'},
        );
        expect(probe.stderr).toBe('');
        outcome = JSON.parse(probe.stdout) as typeof outcome;
      } else {
        const error = await openError(file);
        outcome = {ok: false, storeError: true, message: error.message, exitCode: error.exitCode};
      }
      expect(outcome).toMatchObject({
        ok: false,
        storeError: true,
        exitCode: 2,
        message: `Cannot open history database ${file}: it cannot be read and written (permission denied)`,
      });
      fs.chmodSync(file, 0o600);
      expectUntouched(file, before);
    });
  });
});

describe('openStore on a remote URL', () => {
  it('reports an unreachable server as a StoreError without the token', async () => {
    const error: unknown = await openStore({url: 'http://127.0.0.1:9/?authToken=s3cret'}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    const message = (error as StoreError).message;
    expect(message).toMatch(/^Cannot reach history database http:\/\/127\.0\.0\.1:9\/: /);
    expect(message).not.toContain('s3cret');
    expect((error as StoreError).exitCode).toBe(1);
  });
});
