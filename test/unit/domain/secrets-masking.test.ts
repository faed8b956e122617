import {describe, expect, it} from 'vitest';
import {diffSnapshots} from '../../../source/domain/diff.js';
import {isSecretEnv, isSecretKey, maskValue, MASK} from '../../../source/domain/secrets.js';
import type {SnapshotView} from '../../../source/domain/snapshot.js';

describe('secrets not named like secrets', () => {
  it('masks password= and pwd= inside connection strings, keeping the rest visible', () => {
    expect(maskValue('CONN', 'Server=db;Database=app;User Id=sa;Password=s3cr3t;')).toBe(
      `Server=db;Database=app;User Id=sa;Password=${MASK};`,
    );
    expect(maskValue('CONN', 'Server=db;PWD=s3cr3t')).toBe(`Server=db;PWD=${MASK}`);
    expect(maskValue('CONN', 'server=db;pwd = two words;x=1')).toBe(`server=db;pwd = ${MASK};x=1`);
    expect(maskValue('PG_CONN', 'host=db password=s3cr3t dbname=app')).toBe(`host=db password=${MASK} dbname=app`);
    expect(maskValue('URL', 'https://db/app?user=a&password=s3cr3t&ssl=1')).toBe(
      `https://db/app?user=a&password=${MASK}&ssl=1`,
    );
    expect(maskValue('ODBC', 'Driver={x};Pwd={a;b};')).toBe(`Driver={x};Pwd=${MASK};`);
    expect(isSecretEnv('CONN', 'Server=x;Password=p')).toBe(true);
    expect(isSecretEnv('MESSAGE', 'reset your password: see the docs')).toBe(false);
    expect(isSecretEnv('FLAGS', 'passwordless=true')).toBe(false);
  });

  it('treats label keys that look secret as secret', () => {
    for (const key of [
      'dbpass',
      'com.example.dbpass',
      'db_password',
      'app.api_token',
      'vault.secret.id',
      'apikey',
      'smtp.pwd',
      'traefik.http.middlewares.auth.basicauth.users',
    ]) {
      expect(isSecretKey(key), key).toBe(true);
    }
    for (const key of [
      'com.docker.stack.namespace',
      'traefik.http.routers.web.rule',
      'bypass',
      'compass.enabled',
      'keyboard',
    ]) {
      expect(isSecretKey(key), key).toBe(false);
    }
  });

  it('masks such env values and labels in a diff unless secrets are shown', () => {
    const view = (env: Record<string, string>, labels: Record<string, string>) =>
      ({env, labels, containerLabels: {dbpass: labels.dbpass ?? ''}}) as unknown as SnapshotView;
    const a = view({CONN: 'Server=x;Password=s3cr3t1'}, {dbpass: 's3cr3t1', team: 'a'});
    const b = view({CONN: 'Server=y;Password=s3cr3t2'}, {dbpass: 's3cr3t2', team: 'b'});
    const masked = diffSnapshots(a, b);
    const flat = JSON.stringify(masked);
    expect(flat).not.toContain('s3cr3t');
    expect(masked.sections.find((s) => s.section === 'env')!.changes).toEqual([
      {kind: 'changed', key: 'CONN', old: `Server=x;Password=${MASK}`, new: `Server=y;Password=${MASK}`, secret: true},
    ]);
    const labels = masked.sections.find((s) => s.section === 'labels')!.changes;
    expect(labels).toContainEqual({kind: 'changed', key: 'dbpass', old: MASK, new: MASK, secret: true});
    expect(labels).toContainEqual({kind: 'changed', key: 'container: dbpass', old: MASK, new: MASK, secret: true});
    expect(labels).toContainEqual({kind: 'changed', key: 'team', old: 'a', new: 'b'});
    expect(JSON.stringify(diffSnapshots(a, b, {showSecrets: true}))).toContain('Password=s3cr3t2');
  });
});
