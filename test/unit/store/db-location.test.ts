import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {describeLocation, StoreError, resolveDbLocation} from '../../../source/store/index.js';

const env = {HOME: '/home/ops'} as NodeJS.ProcessEnv;

function rejection(fn: () => unknown): StoreError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(StoreError);
    return error as StoreError;
  }
  throw new Error('expected a StoreError');
}

describe('resolveDbLocation', () => {
  it('defaults to history.db under ~/.local/share/dokroll', () => {
    expect(resolveDbLocation({env})).toEqual({
      kind: 'file',
      path: '/home/ops/.local/share/dokroll/history.db',
      url: 'file:/home/ops/.local/share/dokroll/history.db',
    });
  });

  it('uses XDG_DATA_HOME when it is an absolute path and ignores it when relative', () => {
    expect(resolveDbLocation({env: {...env, XDG_DATA_HOME: '/data'}})).toMatchObject({
      path: '/data/dokroll/history.db',
    });
    expect(resolveDbLocation({env: {...env, XDG_DATA_HOME: 'rel'}})).toMatchObject({
      path: '/home/ops/.local/share/dokroll/history.db',
    });
  });

  it('prefers --db over DOKROLL_DB over the default', () => {
    const both = {...env, DOKROLL_DB: '/env/h.db'};
    expect(resolveDbLocation({env: both})).toMatchObject({path: '/env/h.db'});
    expect(resolveDbLocation({env: both, url: '/flag/h.db'})).toMatchObject({path: '/flag/h.db'});
    expect(resolveDbLocation({env: {...env, DOKROLL_DB: ''}})).toMatchObject({
      path: '/home/ops/.local/share/dokroll/history.db',
    });
  });

  it('turns plain, relative and home paths into absolute file URLs', () => {
    expect(resolveDbLocation({env, url: 'h.db', cwd: '/srv'})).toMatchObject({path: '/srv/h.db'});
    expect(resolveDbLocation({env, url: '~/x/h.db'})).toMatchObject({path: '/home/ops/x/h.db'});
    expect(resolveDbLocation({env, url: '/a dir/h#1.db'})).toEqual({
      kind: 'file',
      path: '/a dir/h#1.db',
      url: 'file:/a%20dir/h%231.db',
    });
  });

  it('accepts file URLs with one or three slashes, relative ones and localhost', () => {
    for (const url of ['file:/srv/h.db', 'file:///srv/h.db', 'file://localhost/srv/h.db']) {
      expect(resolveDbLocation({env, url})).toMatchObject({kind: 'file', path: '/srv/h.db'});
    }
    expect(resolveDbLocation({env, url: 'file:h.db', cwd: '/srv'})).toMatchObject({path: '/srv/h.db'});
    expect(resolveDbLocation({env, url: 'file:/a%20b.db'})).toMatchObject({path: path.resolve('/a b.db')});
  });

  it('accepts remote libSQL URLs and takes the token from DOKROLL_DB_TOKEN unless one is given', () => {
    const withToken = {...env, DOKROLL_DB_TOKEN: 'tok'};
    for (const url of [
      'libsql://db.example',
      'https://db.example',
      'http://127.0.0.1:8080',
      'wss://db.example',
      'ws://db.example',
    ]) {
      expect(resolveDbLocation({env: withToken, url})).toEqual({kind: 'remote', url, authToken: 'tok'});
    }
    expect(resolveDbLocation({env: withToken, url: 'libsql://db.example', authToken: 'flag'})).toMatchObject({
      authToken: 'flag',
    });
    expect(resolveDbLocation({env, url: 'libsql://db.example'})).toEqual({
      kind: 'remote',
      url: 'libsql://db.example',
    });
  });

  it('rejects other schemes with exit 2, naming the value and what is accepted', () => {
    for (const url of ['mysql://x', 'ftp:', 'postgres://u@h/db']) {
      const error = rejection(() => resolveDbLocation({env, url}));
      expect(error.exitCode).toBe(2);
      expect(error.message).toContain(JSON.stringify(url));
      expect(error.message).toContain('unsupported scheme');
      expect(error.message).toContain('libsql://');
      expect(error.message).toContain('file:');
      expect(error.message).not.toContain('\n');
    }
  });

  it('says which setting held the bad value', () => {
    expect(rejection(() => resolveDbLocation({env, url: 'mysql://x'})).message).toMatch(/^Invalid --db value/);
    expect(rejection(() => resolveDbLocation({env: {...env, DOKROLL_DB: 'ftp://x'}})).message).toMatch(
      /^Invalid DOKROLL_DB value/,
    );
  });

  it('rejects empty values, hosts in file URLs, in-memory databases and malformed remote URLs', () => {
    expect(rejection(() => resolveDbLocation({env, url: '  '})).message).toContain('it is empty');
    expect(rejection(() => resolveDbLocation({env, url: 'file://server/h.db'})).message).toContain(
      'cannot name a host',
    );
    expect(rejection(() => resolveDbLocation({env, url: 'file::memory:'})).message).toContain('in-memory');
    expect(rejection(() => resolveDbLocation({env, url: 'file:/h.db?mode=ro'})).message).toContain('no query');
    expect(rejection(() => resolveDbLocation({env, url: 'https://'})).message).toContain('https://');
  });
});

describe('describeLocation', () => {
  it('shows a file by its path and a remote database without the credentials its URL may carry', () => {
    expect(describeLocation(resolveDbLocation({url: '/srv/dokroll/history.db'}))).toEqual({
      kind: 'file',
      display: '/srv/dokroll/history.db',
    });
    expect(describeLocation(resolveDbLocation({url: 'libsql://user:pw@db.example.com/x?authToken=secret'}))).toEqual({
      kind: 'remote',
      display: 'libsql://db.example.com/x',
    });
  });
});
