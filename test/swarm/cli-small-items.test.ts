/**
 * Small promises of the CLI, against the real swarm and the built CLI: an oversized config file is
 * refused unread, `history --offline` does not guess whether a service runs, `--resume` with nothing
 * to resume says only that, and `--json` error codes share one style.
 */
import {mkdtempSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {beforeAll, describe, expect, it} from 'vitest';
import {ensureBuilt} from '../support/built-cli.js';
import {expectOneLineError, runCli} from '../support/cli.js';
import {createTestService} from '../support/swarm.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'dokroll-cli-small-'));
const db = path.join(dir, 'history.db');
let service: {name: string};

describe('small CLI promises', () => {
  beforeAll(async () => {
    await ensureBuilt();
    service = await createTestService({prefix: 'clismall', health: false, wait: true});
    const snap = await runCli(['snapshot', service.name, '--db', db]);
    expect(snap.code, snap.stderr).toBe(0);
  });

  it('refuses a config file over 1 MiB in one line, exit 2, before doing anything', async () => {
    const big = path.join(dir, 'big.json');
    writeFileSync(big, `{"readOnly": false, "pad": "${'x'.repeat(2 * 1024 * 1024)}"}`);
    const check = await runCli(['config', 'check', '--config', big]);
    expectOneLineError(check, 2, /big\.json is larger than 1 MiB \(2\.0 MiB\); refused/);
    const snap = await runCli(['snapshot', service.name, '--db', db, '--config', big]);
    expectOneLineError(snap, 2, /larger than 1 MiB/);
  });

  it('history --offline says the live state is unknown instead of claiming the service is not running', async () => {
    const result = await runCli(['history', service.name, '--db', db, '--offline']);
    expect(result.code, result.stderr).toBe(0);
    const head = result.stdout.split('\n')[0]!;
    expect(head).not.toContain('not running in the swarm');
    expect(head).toContain('offline: whether it runs in the swarm is unknown');
    // Online, a service that runs gets no remark at all.
    const online = await runCli(['history', service.name, '--db', db]);
    expect(online.stdout.split('\n')[0]).toBe(service.name);
  });

  it('rollback --resume with nothing to resume prints only the error', async () => {
    const result = await runCli(['rollback', service.name, '--resume', '--db', db]);
    expect(result.stdout).toBe('');
    expectOneLineError(result, 2, /nothing to resume: no rollback or redeploy of '.*' is in progress/);
    const redeploy = await runCli(['redeploy', service.name, '--resume', '--db', db]);
    expect(redeploy.stdout).toBe('');
    expectOneLineError(redeploy, 2, /nothing to resume/);
  });

  it('--json error codes are all written in one style (lower-case words joined by hyphens)', async () => {
    const unknownService = await runCli(['history', 'no-such-service-xyz', '--db', db, '--json']);
    expect(JSON.parse(unknownService.stdout)).toEqual({
      error: {code: 'unknown-service', message: expect.stringContaining('unknown service')},
    });
    const unknownVersion = await runCli(['diff', service.name, 'v9', '--db', db, '--json']);
    expect(JSON.parse(unknownVersion.stdout).error.code).toBe('unknown-version');
    const resume = await runCli(['rollback', service.name, '--resume', '--db', db, '--json']);
    expect(JSON.parse(resume.stdout).error.code).toBe('nothing-to-resume');
  });
});
