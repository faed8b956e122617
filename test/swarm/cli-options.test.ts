/**
 * The command line as an operator types it, through the built CLI against the real swarm: global
 * options before or after the command (docker CLI habit), and every odd flag value refused up front
 * with one line naming the flag and what it accepts (exit 2), changing nothing.
 */
import {mkdtempSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {beforeAll, describe, expect, it} from 'vitest';
import {ensureBuilt} from '../support/built-cli.js';
import {expectOneLineError, runCli, type CliResult} from '../support/cli.js';
import {DOCKER_SOCKET} from '../support/docker-api.js';
import {createTestService, inspectServiceOrNull} from '../support/swarm.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'dokroll-cli-options-'));
const db = path.join(dir, 'history.db');
const HOST = `unix://${DOCKER_SOCKET}`;
let service: string;

function expectRefused(result: CliResult, pattern: RegExp) {
  expectOneLineError(result, 2, pattern);
  expect(result.stderr).not.toMatch(/ambiguous|NaN|Invalid input/);
}

async function versionIndex(): Promise<number | undefined> {
  return (await inspectServiceOrNull(service))?.Version?.Index;
}

beforeAll(async () => {
  await ensureBuilt();
  service = (await createTestService({prefix: 'cliopt', health: false, wait: true})).name;
});

describe('global options are accepted before or after the command', () => {
  it('--host and --db before the command: snapshot records on that daemon into that database', async () => {
    const result = await runCli(['--host', HOST, '--db', db, 'snapshot', service]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`recorded ${service} v1`));
  });

  it('-H before the command is the daemon used (an unreachable one is named)', async () => {
    const result = await runCli(['-H', 'unix:///nonexistent/docker.sock', 'history', service, '--db', db]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/cannot reach the Docker daemon at unix:\/\/\/nonexistent\/docker\.sock/);
  });

  it('--json and --no-color before the command, or after it, give the same history', async () => {
    const before = await runCli(['--json', '--no-color', '-H', HOST, 'history', service, '--db', db]);
    const after = await runCli(['history', service, '--db', db, '--json', '-H', HOST, '--no-color']);
    expect(before.code, before.stderr).toBe(0);
    expect(after.code, after.stderr).toBe(0);
    const versions = (out: string) =>
      (JSON.parse(out) as {version: number; live: boolean}[]).map((v) => [v.version, v.live]);
    expect(versions(before.stdout)).toEqual([[1, true]]);
    expect(versions(after.stdout)).toEqual(versions(before.stdout));
  });

  it('--config before the command is the file read', async () => {
    const missing = path.join(dir, 'missing.yaml');
    expectRefused(
      await runCli(['--config', missing, 'snapshot', service, '--db', db]),
      /config file not found: .*missing\.yaml \(given by --config\)/,
    );
  });

  it('options with no command word still open the console (which needs a terminal)', async () => {
    const result = await runCli(['-H', HOST, '--read-only', '--service', service]);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(/^dokroll-tui: the console needs an interactive terminal, and stdin is not one/);
  });
});

describe('--help through the built CLI', () => {
  it("a command's --help lists its flags, the global options, exit codes and examples, anywhere on the line", async () => {
    for (const argv of [
      ['rollback', '--help'],
      ['-H', HOST, 'rollback', '-h'],
      ['help', 'rollback'],
    ]) {
      const result = await runCli(argv);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/^Usage: dokroll-tui rollback SERVICE --to vN/);
      expect(result.stdout).toMatch(/\n {2}--to vN +the version to roll back to/);
      expect(result.stdout).toMatch(/\nGlobal options \(before or after the command\):\n {2}-H, --host URL/);
      expect(result.stdout).toMatch(/\nExit codes:\n {2}0 +healthy/);
      expect(result.stdout).toMatch(/\nExamples:\n {2}dokroll-tui rollback web --to v3\n/);
    }
  });
});

describe('odd flag values are refused up front, naming the flag and what it accepts', () => {
  const rollback = (...flags: string[]) => runCli(['rollback', service, '--dry-run', '--db', db, ...flags]);

  it('an empty --watch is not 0', async () => {
    expectRefused(
      await rollback('--to', 'v1', '--watch='),
      /^dokroll-tui: --watch: expected a whole number of seconds from 0 to 86400 \(got ''\)$/,
    );
    expectRefused(
      await rollback('--to', 'v1', '--watch', ''),
      /^dokroll-tui: --watch: expected a whole number of seconds from 0 to 86400 \(got ''\)$/,
    );
  });

  it('a negative --watch is refused as a number, not as an ambiguous option', async () => {
    expectRefused(
      await rollback('--to', 'v1', '--watch', '-1'),
      /--watch: expected a whole number of seconds from 0 to 86400 \(got '-1'\)$/,
    );
  });

  it('--to without a value, and --to given twice', async () => {
    expectRefused(await rollback('--to'), /^dokroll-tui: --to: missing value: expected a version like v3$/);
    expectRefused(await rollback('--to', '--yes'), /--to: missing value: expected a version like v3 before '--yes'$/);
    expectRefused(
      await rollback('--to', 'v1', '--to', 'v2'),
      /--to: given more than once \('v1' and 'v2'\); give it once$/,
    );
  });

  it('a --delay longer than the Engine keeps', async () => {
    expectRefused(
      await rollback('--to', 'v1', '--delay', '999999999h'),
      /--delay: expected a duration of at most 2562047h \(the Engine's limit\) \(got '999999999h'\)$/,
    );
  });

  it('audit --limit below 1', async () => {
    expectRefused(
      await runCli(['audit', '--limit', '-5', '--db', db]),
      /--limit: expected a whole number from 1 to 10000 \(got '-5'\)$/,
    );
    expectRefused(
      await runCli(['audit', '--limit=', '--db', db]),
      /--limit: expected a whole number from 1 to 10000 \(got ''\)$/,
    );
  });

  it('numeric environment settings that are set but empty', async () => {
    expectRefused(
      await runCli(['record', '--once', '--service', service, '--db', db], {env: {DOKROLL_FULL_PASS_SECONDS: ''}}),
      /DOKROLL_FULL_PASS_SECONDS: expected a whole number of seconds from 1 to 86400 \(got ''\)$/,
    );
  });

  it('none of it changed the service or the history', async () => {
    const index = await versionIndex();
    await rollback('--to', 'v1', '--to', 'v1', '--yes');
    expect(await versionIndex()).toBe(index);
    const history = await runCli(['history', service, '--db', db, '--offline', '--json']);
    expect(JSON.parse(history.stdout)).toHaveLength(1);
    const audit = await runCli(['audit', service, '--db', db, '--json']);
    expect((JSON.parse(audit.stdout) as {action: string}[]).map((a) => a.action)).not.toContain('rollback');
  });
});
