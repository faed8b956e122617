import {mkdtempSync, readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {beforeAll, describe, expect, it} from 'vitest';
import {expectOneLineError, runCli} from '../support/cli.js';
import {createTestService} from '../support/swarm.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'dokroll-cli-errors-'));
const db = path.join(dir, 'history.db');
let service: {name: string};

describe('bad input gets a clear one-line error, a non-zero exit, and changes nothing', () => {
  beforeAll(async () => {
    service = await createTestService({prefix: 'clierr', health: false, wait: true});
    const snap = await runCli(['snapshot', service.name, '--db', db]);
    expect(snap.code, snap.stderr).toBe(0);
  });

  it('unknown service', async () => {
    expectOneLineError(
      await runCli(['history', 'no-such-service-xyz', '--db', db]),
      2,
      /unknown service 'no-such-service-xyz'/,
    );
    expectOneLineError(
      await runCli(['snapshot', 'no-such-service-xyz', '--db', db]),
      2,
      /unknown service 'no-such-service-xyz'/,
    );
  });

  it('unknown version', async () => {
    expectOneLineError(
      await runCli(['diff', service.name, 'v9', '--db', db]),
      2,
      /unknown version v9 of service '.*' \(known: v1\)/,
    );
    expectOneLineError(await runCli(['diff', service.name, 'banana', '--db', db]), 2, /vA: expected a version like v3/);
    expectOneLineError(await runCli(['push', service.name, 'banana', '--db', db]), 2, /vN: expected a version like v3/);
    expectOneLineError(await runCli(['delete', service.name, '--db', db]), 2, /delete: missing vN/);
    expectOneLineError(
      await runCli(['delete', service.name, 'v1', 'v2', '--yes', '--db', db]),
      2,
      /delete: unexpected argument 'v2'/,
    );
  });

  it('unknown command and unknown flag', async () => {
    expectOneLineError(await runCli(['histroy']), 2, /unknown command 'histroy'/);
    expectOneLineError(await runCli(['history', service.name, '--bogus', '--db', db]), 2, /unknown option '--bogus'/);
  });

  it('corrupt database file: refused, and left byte for byte as it was', async () => {
    const corrupt = path.join(dir, 'corrupt.db');
    const bytes = Buffer.from('this is not a sqlite database, just some bytes '.repeat(100));
    writeFileSync(corrupt, bytes);
    const result = await runCli(['history', service.name, '--db', corrupt]);
    expectOneLineError(result, 2, /corrupt\.db/);
    expect(readFileSync(corrupt).equals(bytes)).toBe(true);
  });

  it('a directory, a path under a regular file, or an unreadable path as the database', async () => {
    expectOneLineError(await runCli(['history', service.name, '--db', dir]), 2, /is a directory/);
    writeFileSync(path.join(dir, 'not-a-dir'), '');
    expectOneLineError(
      await runCli(['history', service.name, '--db', path.join(dir, 'not-a-dir', 'x.db')]),
      2,
      /not-a-dir/,
    );
    // Unreadable even for root (tests may run as root, where a mode-000 directory blocks nothing):
    // a symbolic link to itself. Named, refused, and left as it was.
    const blocked = path.join(dir, 'blocked.db');
    symlinkSync('blocked.db', blocked);
    expectOneLineError(
      await runCli(['history', service.name, '--db', blocked]),
      2,
      /Cannot open history database .*blocked\.db: it cannot be inspected \(ELOOP/,
    );
    expect(readlinkSync(blocked)).toBe('blocked.db');
    expect(readdirSync(dir).filter((name) => name.startsWith('blocked'))).toEqual(['blocked.db']);
  });

  it('invalid DOKROLL_DB', async () => {
    const result = await runCli(['history', service.name], {env: {DOKROLL_DB: 'mysql://db.example/history'}});
    expectOneLineError(result, 2, /mysql:\/\/db\.example\/history/);
  });

  it('daemon unreachable: says so and where, and recorded history is still there', async () => {
    const down = await runCli(['history', service.name, '--db', db, '--host', 'unix:///nonexistent/docker.sock']);
    expectOneLineError(down, 1, /cannot reach the Docker daemon at unix:\/\/\/nonexistent\/docker\.sock/);
    const tcp = await runCli(['snapshot', service.name, '--db', db, '--host', 'tcp://127.0.0.1:1']);
    expectOneLineError(tcp, 1, /cannot reach the Docker daemon at tcp:\/\/127\.0\.0\.1:1/);
    const offline = await runCli(['history', service.name, '--db', db, '--offline', '--json']);
    expect(offline.code).toBe(0);
    expect(JSON.parse(offline.stdout)).toHaveLength(1);
  });

  it('--json errors are one JSON object on stdout', async () => {
    const result = await runCli(['history', 'no-such-service-xyz', '--db', db, '--json']);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toEqual({
      error: {code: 'unknown-service', message: expect.stringContaining('unknown service')},
    });
  });
});
