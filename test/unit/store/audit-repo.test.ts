import os from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {defaultActor, openStore, type Store} from '../../../source/store/index.js';
import {makeTempDir, removeDir} from '../../support/store.js';

let dir: string;
let store: Store;
beforeEach(async () => {
  dir = makeTempDir();
  store = await openStore({url: path.join(dir, 'h.db')});
});
afterEach(() => {
  store.close();
  removeDir(dir);
  vi.restoreAllMocks();
});

describe('audit log', () => {
  it('lists appended entries newest first, with every field as given', async () => {
    const at = new Date('2025-03-04T05:06:07.089Z');
    await store.audit.append({
      actor: 'ops@bastion',
      action: 'rollback',
      serviceName: 'web',
      fromVersion: 5,
      toVersion: 3,
      result: 'ok',
      detail: 'rolled back to v3',
      durationMs: 1234.4,
      at,
    });
    await store.audit.append({action: 'record', serviceName: 'api', result: 'ok'});

    const rows = await store.audit.list();
    expect(rows.map((r) => r.action)).toEqual(['record', 'rollback']);
    expect(rows[1]).toEqual({
      id: expect.any(Number),
      at,
      actor: 'ops@bastion',
      action: 'rollback',
      serviceName: 'web',
      fromVersion: 5,
      toVersion: 3,
      result: 'ok',
      detail: 'rolled back to v3',
      durationMs: 1234,
    });
    expect(rows[0]).toMatchObject({fromVersion: null, toVersion: null, detail: null, durationMs: null});
  });

  it('filters by service and limits the count', async () => {
    for (let i = 0; i < 5; i++) {
      await store.audit.append({action: `a${i}`, serviceName: i % 2 === 0 ? 'web' : 'api', result: 'ok'});
    }
    expect((await store.audit.list({serviceName: 'web'})).map((r) => r.action)).toEqual(['a4', 'a2', 'a0']);
    expect((await store.audit.list({limit: 2})).map((r) => r.action)).toEqual(['a4', 'a3']);
  });

  it('records user@host as the actor unless one is given', async () => {
    await store.audit.append({action: 'record', serviceName: 'web', result: 'ok'});
    expect((await store.audit.list())[0]?.actor).toBe(`${os.userInfo().username}@${os.hostname()}`);
  });
});

describe('defaultActor', () => {
  it('falls back to USER when the user database has no entry for this uid', () => {
    vi.spyOn(os, 'userInfo').mockImplementation(() => {
      throw new Error('ENOENT: no such file or directory, uv_os_get_passwd');
    });
    expect(defaultActor({USER: 'deploy'})).toBe(`deploy@${os.hostname()}`);
    expect(defaultActor({LOGNAME: 'ci'})).toBe(`ci@${os.hostname()}`);
    expect(defaultActor({})).toMatch(new RegExp(`^(uid\\d+|unknown)@${os.hostname()}$`));
  });
});
