import {mkdtempSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {runCli, startCli} from '../support/cli.js';
import {startSocketProxy} from '../support/socket-proxy.js';
import {createTestService, dockerOk, fixtureImageId, sleep, uniqueName, waitFor} from '../support/swarm.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'dokroll-recorder-'));
const running: Array<ReturnType<typeof startCli>> = [];

afterAll(async () => {
  for (const recorder of running) recorder.child.kill('SIGKILL');
});

interface HistoryItem {
  version: number;
  live: boolean;
  source: string;
  health: string;
  image: string;
}

async function history(service: string, db: string): Promise<HistoryItem[]> {
  const result = await runCli(['history', service, '--json', '--db', db]);
  if (result.code !== 0) return [];
  return JSON.parse(result.stdout) as HistoryItem[];
}

async function waitForVersions(service: string, db: string, count: number): Promise<HistoryItem[]> {
  return waitFor(
    async () => {
      const items = await history(service, db);
      return items.length >= count ? items : null;
    },
    {timeoutMs: 90_000, intervalMs: 500, what: `${service} to have ${count} versions`},
  );
}

async function diffSections(service: string, db: string, a: number, b: number) {
  const result = await runCli(['diff', service, `v${a}`, `v${b}`, '--json', '--db', db]);
  expect(result.code, result.stderr).toBe(0);
  const parsed = JSON.parse(result.stdout) as {
    sections: {section: string; changes: {kind: string; key: string; old: string | null; new: string | null}[]}[];
  };
  return parsed.sections;
}

/** A recorder limited to the test's own service: other tests' services on the shared daemon are not its business. */
function startRecorder(db: string, service: string, extra: string[] = [], env: NodeJS.ProcessEnv = {}) {
  const recorder = startCli(['record', '--db', db, '--stability', '2', '--service', service, ...extra], {env});
  running.push(recorder);
  return recorder;
}

async function stopRecorder(recorder: ReturnType<typeof startCli>) {
  recorder.child.kill('SIGTERM');
  return recorder.exited;
}

describe('recorder against the real swarm', () => {
  it('records a deployment and four plain `docker service update`s as v1…v5, and diff shows exactly each change', async () => {
    const db = path.join(dir, 'five.db');
    const name = uniqueName('rec5');
    const recorder = startRecorder(db, name);
    const service = await createTestService({
      name,
      env: {APP_MESSAGE: 'one'},
      args: ['--limit-memory', '64M'],
      wait: true,
    });
    await waitForVersions(service.name, db, 1);

    const update = async (args: string[], expected: number) => {
      await dockerOk(['service', 'update', '--detach=false', '--quiet', ...args, service.name], {timeoutMs: 90_000});
      await waitForVersions(service.name, db, expected);
    };
    await update(['--env-add', 'APP_MESSAGE=two'], 2);
    await update(['--limit-memory', '96M'], 3);
    await update(['--publish-add', 'mode=host,target=9090'], 4);
    await update(['--image', await fixtureImageId('v2')], 5);

    const items = await history(service.name, db);
    expect(items.map((i) => i.version)).toEqual([5, 4, 3, 2, 1]);
    expect(items.map((i) => i.live)).toEqual([true, false, false, false, false]);
    expect(items.every((i) => i.source === 'recorded')).toBe(true);

    const d12 = await diffSections(service.name, db, 1, 2);
    expect(d12).toEqual([
      {
        section: 'env',
        title: expect.any(String),
        changes: [{kind: 'changed', key: 'APP_MESSAGE', old: 'one', new: 'two'}],
      },
    ]);
    const d23 = await diffSections(service.name, db, 2, 3);
    expect(d23.map((s) => s.section)).toEqual(['limits']);
    expect(d23[0]!.changes).toEqual([{kind: 'changed', key: 'memory', old: '64MiB', new: '96MiB'}]);
    const d34 = await diffSections(service.name, db, 3, 4);
    expect(d34.map((s) => s.section)).toEqual(['ports']);
    expect(d34[0]!.changes).toHaveLength(1);
    expect(d34[0]!.changes[0]).toMatchObject({kind: 'added', key: '9090/tcp'});
    const d45 = await diffSections(service.name, db, 4, 5);
    expect(d45.map((s) => s.section)).toEqual(['image']);
    expect(d45[0]!.changes[0]!.old).toContain(await fixtureImageId('v1'));
    expect(d45[0]!.changes[0]!.new).toContain(await fixtureImageId('v2'));

    // Healthy tasks through the stability window: the newest version becomes good.
    await waitFor(async () => (await history(service.name, db))[0]?.health === 'good', {
      timeoutMs: 20_000,
      what: 'v5 to be judged good',
    });
    expect((await stopRecorder(recorder)).code).toBe(0);
    expect(recorder.output.stdout).toContain('recorder stopped');
  });

  it('records no version for an update Swarm rolled back, and logs it as a failed deployment', async () => {
    const db = path.join(dir, 'rolledback.db');
    const name = uniqueName('recrb');
    const recorder = startRecorder(db, name);
    const service = await createTestService({name, failureAction: 'rollback', wait: true});
    await waitForVersions(service.name, db, 1);
    await dockerOk(['service', 'update', '--detach=false', '--quiet', '--env-add', 'HEALTH=fail', service.name], {
      timeoutMs: 90_000,
    }).catch(() => undefined); // the CLI reports the rollback as an error
    await waitFor(
      async () => {
        const audit = await runCli(['audit', service.name, '--json', '--db', db]);
        const rows = JSON.parse(audit.stdout || '[]') as {action: string; result: string; detail: string}[];
        return rows.find((r) => r.action === 'deploy_failed');
      },
      {timeoutMs: 30_000, what: 'a deploy_failed audit entry'},
    );
    // Give the recorder a few passes to (wrongly) record something: asserts that nothing happens.
    await sleep(3000);
    const items = await history(service.name, db);
    expect(items.map((i) => i.version)).toEqual([1]);
    expect(items[0]!.live).toBe(true);
    await stopRecorder(recorder);
  });

  it('a restarted recorder records nothing twice, and a daemon lost mid-watch loses no version', async () => {
    const db = path.join(dir, 'restart.db');
    const proxy = await startSocketProxy(path.join(dir, 'docker-proxy.sock'));
    try {
      const service = await createTestService({prefix: 'recrs', wait: true});
      let recorder = startRecorder(db, service.name, ['--host', proxy.url]);
      await waitForVersions(service.name, db, 1);
      await stopRecorder(recorder);

      recorder = startRecorder(db, service.name, ['--host', proxy.url]);
      await waitFor(() => recorder.output.stdout.includes('recording on'), {what: 'the recorder to start'});
      await sleep(2500); // asserts that nothing is recorded again
      expect((await history(service.name, db)).map((i) => i.version)).toEqual([1]);
      // Other tests' services may be recorded by this recorder too; ours must not be recorded again.
      expect(recorder.output.stdout).not.toContain(`recorded ${service.name} `);

      // The daemon becomes unreachable for the recorder; meanwhile the service is updated.
      await proxy.down();
      await dockerOk(
        ['service', 'update', '--detach=false', '--quiet', '--env-add', 'APP_MESSAGE=while-away', service.name],
        {
          timeoutMs: 90_000,
        },
      );
      await waitFor(() => recorder.output.stdout.includes('cannot look at services now'), {
        timeoutMs: 40_000,
        what: 'the recorder to notice the daemon is gone',
      });
      expect(recorder.child.exitCode).toBeNull(); // still running
      await proxy.up();
      const items = await waitForVersions(service.name, db, 2);
      expect(items[0]).toMatchObject({version: 2, live: true});
      expect(recorder.output.stdout).toContain('Docker daemon reachable again');
      expect((await stopRecorder(recorder)).code).toBe(0);
    } finally {
      await proxy.close();
    }
  });
});
