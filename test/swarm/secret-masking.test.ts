/** Secrets not named like secrets, on a real service: a connection-string password and a `dbpass` label are masked by diff (text and --json) unless --show-secrets. */
import {beforeAll, describe, expect, it} from 'vitest';
import {ensureBuilt} from '../support/built-cli.js';
import {runCli} from '../support/cli.js';
import {makeTempDir} from '../support/store.js';
import {createTestService, dockerOk, type TestService} from '../support/swarm.js';

let db: string;
let svc: TestService;

beforeAll(async () => {
  await ensureBuilt();
  db = `file:${makeTempDir('dokroll-mask-')}/history.db`;
  svc = await createTestService({prefix: 'mask', health: false, wait: true});
  expect((await runCli(['snapshot', svc.name, '--db', db])).code).toBe(0);
  await dockerOk(
    [
      'service',
      'update',
      '--quiet',
      '--detach=false',
      '--env-add',
      'CONN=Server=db;Password=hunter2;',
      '--label-add',
      'dbpass=hunter3',
      svc.name,
    ],
    {timeoutMs: 90_000},
  );
  expect((await runCli(['snapshot', svc.name, '--db', db])).code).toBe(0);
}, 240_000);

describe('secret masking on a real service', () => {
  it('masks the connection-string password and the dbpass label in text and --json, shows them with --show-secrets', async () => {
    const text = await runCli(['diff', svc.name, 'v1', '--db', db]);
    expect(text.stdout).toContain('+ CONN: Server=db;Password=********;');
    expect(text.stdout).toContain('+ dbpass: ********');
    const json = await runCli(['diff', svc.name, 'v1', '--db', db, '--json']);
    expect(json.stdout).not.toMatch(/hunter[23]/);
    const dry = await runCli(['rollback', svc.name, '--to', 'v1', '--dry-run', '--db', db]);
    expect(dry.stdout).not.toMatch(/hunter[23]/);
    const shown = await runCli(['diff', svc.name, 'v1', '--db', db, '--show-secrets']);
    expect(shown.stdout).toContain('Password=hunter2');
    expect(shown.stdout).toContain('dbpass: hunter3');
  });
});
