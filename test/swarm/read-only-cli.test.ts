/**
 * Read-only holds on every mutating command, per service and globally: rollback, redeploy,
 * snapshot, push, prune, delete and --resume are refused with exit 2 and one line naming the
 * setting, and neither the service nor the history changes. Reading (history, diff, --dry-run) works.
 */
import {mkdtempSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {beforeAll, describe, expect, it} from 'vitest';
import {ensureBuilt} from '../support/built-cli.js';
import {expectOneLineError, runCli, type CliResult} from '../support/cli.js';
import {createTestService, dockerOk, inspectServiceOrNull, type TestService} from '../support/swarm.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'dokroll-read-only-'));
const db = path.join(dir, 'history.db');
let service: TestService;
let perService: string;
let global: string;

function config(name: string, data: unknown): string {
  const file = path.join(dir, name);
  writeFileSync(file, JSON.stringify(data));
  return file;
}

function expectRefused(result: CliResult, reason: string) {
  expect(expectOneLineError(result, 2, `read-only: ${reason}`)).toContain('nothing was changed');
}

async function versionIndex(): Promise<number> {
  return (await inspectServiceOrNull(service.id))!.Version.Index;
}

async function versionCount(): Promise<number> {
  const result = await runCli(['history', service.name, '--db', db, '--offline', '--json']);
  return (JSON.parse(result.stdout) as unknown[]).length;
}

describe('read-only settings stop every mutating command', () => {
  beforeAll(async () => {
    await ensureBuilt();
    service = await createTestService({prefix: 'ro', health: false, wait: true});
    expect((await runCli(['snapshot', service.name, '--db', db])).code).toBe(0);
    await dockerOk(['service', 'update', '--detach=false', '--env-add', 'RO_STEP=2', service.name], {
      timeoutMs: 90_000,
    });
    expect((await runCli(['snapshot', service.name, '--db', db])).code).toBe(0);
    perService = config('per-service.json', {services: {[service.name]: {readOnly: true}}});
    global = config('global.json', {readOnly: true});
  });

  it('refuses each mutating command for a service marked read-only, naming services.<name>.readOnly', async () => {
    const before = await versionIndex();
    const reason = `services.${service.name}.readOnly is true in ${perService}`;
    const commands = [
      ['rollback', service.name, '--to', 'v1', '--yes'],
      ['rollback', service.name, '--resume'],
      ['redeploy', service.name, '--yes'],
      ['snapshot', service.name],
      ['push', service.name, 'v1'],
      ['prune', service.name, '--keep', '2', '--yes'],
      ['delete', service.name, 'v1', '--yes'],
    ];
    for (const args of commands) expectRefused(await runCli([...args, '--db', db, '--config', perService]), reason);
    // By ID as well as by name.
    expectRefused(
      await runCli(['rollback', service.id, '--to', 'v1', '--yes', '--db', db, '--config', perService]),
      reason,
    );
    expect(await versionIndex()).toBe(before);
    expect(await versionCount()).toBe(2);
  });

  it('refuses them with the top-level readOnly too, and says which setting', async () => {
    const before = await versionIndex();
    const reason = `readOnly is true in ${global}`;
    expectRefused(
      await runCli(['rollback', service.name, '--to', 'v1', '--yes', '--db', db, '--config', global]),
      reason,
    );
    expectRefused(await runCli(['redeploy', service.name, '--yes', '--db', db, '--config', global]), reason);
    expectRefused(await runCli(['delete', service.name, 'v1', '--yes', '--db', db, '--config', global]), reason);
    const json = await runCli([
      'rollback',
      service.name,
      '--to',
      'v1',
      '--yes',
      '--json',
      '--db',
      db,
      '--config',
      global,
    ]);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toEqual({error: {code: 'read-only', message: expect.stringContaining(reason)}});
    expect(await versionIndex()).toBe(before);
    expect(await versionCount()).toBe(2);
  });

  it('still reads: history, diff and a rollback --dry-run', async () => {
    expect((await runCli(['history', service.name, '--db', db, '--config', perService])).code).toBe(0);
    expect((await runCli(['diff', service.name, 'v1', '--db', db, '--config', perService])).code).toBe(0);
    const dry = await runCli(['rollback', service.name, '--to', 'v1', '--dry-run', '--db', db, '--config', perService]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('pre-flight:');
  });
});
