import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ensureBuilt} from '../support/built-cli.js';
import {runCli} from '../support/cli.js';
import {openHistoryBed, type HistoryBed} from '../support/history-bed.js';
import {recordInput} from '../support/store.js';
import {createTestService, testbed} from '../support/swarm.js';

let bed: HistoryBed;
const host = () => ({DOCKER_HOST: `unix://${testbed.socketPath}`});

/** The VERSION column of a history table. */
function versions(stdout: string): string[] {
  return stdout.split('\n').flatMap((line) => /^(v\d+)\s/.exec(line)?.[1] ?? []);
}

beforeAll(async () => {
  await ensureBuilt();
  bed = await openHistoryBed('cli-history');
  for (let i = 1; i <= 60; i += 1) await bed.store.versions.record(recordInput('paged', `h${i}`));
}, 180_000);
afterAll(() => bed?.close());

describe('history pages a long history', () => {
  it('lists the newest 50 by default and says how many older ones are not shown', async () => {
    const result = await runCli(['history', 'paged', '--offline'], {db: bed.db});
    expect(result.code).toBe(0);
    expect(versions(result.stdout)).toEqual(Array.from({length: 50}, (_, i) => `v${60 - i}`));
    expect(result.stdout.trimEnd().split('\n').at(-1)).toBe(
      '10 older versions not shown (60 in all): --limit N or --all to list them',
    );
  });

  it('lists the newest N with --limit N, the oldest shown still summarised against the one before it', async () => {
    const result = await runCli(['history', 'paged', '--offline', '--limit', '3'], {db: bed.db});
    expect(result.code).toBe(0);
    expect(versions(result.stdout)).toEqual(['v60', 'v59', 'v58']);
    expect(result.stdout).not.toContain('first recorded version');
    expect(result.stdout).toContain('57 older versions not shown (60 in all)');
  });

  it('lists every version with --all, and says nothing more', async () => {
    const result = await runCli(['history', 'paged', '--offline', '--all'], {db: bed.db});
    expect(result.code).toBe(0);
    expect(versions(result.stdout)).toHaveLength(60);
    expect(result.stdout).toContain('first recorded version');
    expect(result.stdout).not.toContain('not shown');
  });

  it('keeps --json an array of the versions listed, the note about older ones on stderr', async () => {
    const result = await runCli(['history', 'paged', '--offline', '--json', '--limit', '2'], {db: bed.db});
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as {version: number}[]).map((v) => v.version)).toEqual([60, 59]);
    expect(result.stderr).toBe('58 older versions not shown (60 in all): --limit N or --all to list them\n');
  });

  it('refuses a bad --limit, or --limit with --all, in one line with exit 2', async () => {
    for (const args of [
      ['--limit', '0'],
      ['--limit', 'many'],
      ['--limit', '3', '--all'],
    ]) {
      const result = await runCli(['history', 'paged', '--offline', ...args], {db: bed.db});
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    }
  });

  it('names the live version when it is older than the versions shown', async () => {
    const service = await createTestService({prefix: 'history-live', health: false, wait: true});
    const live = await bed.record(service.name);
    const inspected = await bed.gateway.inspectService(service.name);
    for (const replicas of [2, 3, 4]) {
      await bed.recordSpec(inspected, {...inspected.Spec, Mode: {Replicated: {Replicas: replicas}}});
    }
    const result = await runCli(['history', service.name, '--limit', '2'], {db: bed.db, env: host()});
    expect(result.code).toBe(0);
    expect(versions(result.stdout)).toEqual(['v4', 'v3']);
    expect(result.stdout).not.toContain('●');
    expect(result.stdout.trimEnd().split('\n').at(-1)).toBe(
      `2 older versions not shown (4 in all): --limit N or --all to list them; the live version is v${live.number}`,
    );
  });
});
