/**
 * When the rollback registry cannot take a push (down, wrong password) the version is recorded all
 * the same, as `push failed` with the reason, and a retry pushes it once the problem is gone: by
 * `dokroll-tui push SERVICE vN` and by the recorder's next pass. A configuration that cannot work
 * stops the command before anything is recorded (exit 2, the key named).
 */
import {rmSync} from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {runCli, startCli} from '../support/cli.js';
import {
  buildThrowawayImage,
  PrivateRegistry,
  registryDigest,
  registryTags,
  tempDir,
  uniqueId,
  removeThrowawayImages,
  writeConfig,
} from '../support/registry.js';
import {createTestService, dockerOk, testbed, uniqueName, waitConverged, waitFor} from '../support/swarm.js';

const id = uniqueId();
const prefix = `regtest-fail-${id}`;
const dir = tempDir('dokroll-regfail-');
const images: string[] = [];
let registry: PrivateRegistry;
const recorders: ReturnType<typeof startCli>[] = [];

interface HistoryItem {
  version: number;
  imageLocation: string | null;
  pushState: string;
  pushError: string | null;
  rollbackDigest: string | null;
}

async function history(service: string, db: string): Promise<HistoryItem[]> {
  const result = await runCli(['history', service, '--json', '--db', db]);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as HistoryItem[];
}

async function throwaway(name: string): Promise<string> {
  const image = await buildThrowawayImage(`${prefix}:${name}`, {'dokroll.regtest': id, 'dokroll.regtest.image': name});
  images.push(image);
  return image;
}

beforeAll(async () => {
  registry = await PrivateRegistry.create();
  await registry.start();
});

afterAll(async () => {
  for (const recorder of recorders) recorder.child.kill('SIGKILL');
  await registry?.stop();
  await removeThrowawayImages(images);
  registry?.remove();
  rmSync(dir, {recursive: true, force: true});
}, 90_000);

describe('a push that fails keeps the version and is retried', () => {
  it('keeps the version as push failed while the registry is down, and `push` sends it once it is back', async () => {
    const db = path.join(dir, 'down.db');
    const config = writeConfig(
      dir,
      {registry: {type: 'registry', url: registry.host, insecure: true, prefix}},
      'down.json',
    );
    const service = await createTestService({
      prefix: 'regdown',
      image: await throwaway('down'),
      health: false,
      wait: true,
    });
    await registry.stop();

    const snap = await runCli(['snapshot', service.name, '--json', '--db', db, '--config', config]);
    expect(snap.code, snap.stderr).toBe(0);
    expect(JSON.parse(snap.stdout)).toMatchObject({version: 1, created: true, pushState: 'push_failed'});
    const [v1] = await history(service.name, db);
    expect(v1).toMatchObject({version: 1, pushState: 'push_failed', imageLocation: 'local'});
    expect(v1!.pushError).toMatch(/connection refused|dial tcp/i);
    const text = await runCli(['history', service.name, '--db', db]);
    expect(text.stdout).toMatch(/local only .*\(push failed\)/);
    expect(text.stdout).toContain(`v1: push failed: `);

    // Still down: the retry fails the same way, exit 1, and the version stays.
    const again = await runCli(['push', service.name, 'v1', '--db', db, '--config', config]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('push of');

    await registry.start();
    const push = await runCli(['push', service.name, 'v1', '--json', '--db', db, '--config', config]);
    expect(push.code, push.stderr).toBe(0);
    const pushed = JSON.parse(push.stdout) as {pushState: string; digest: string};
    expect(pushed.pushState).toBe('pushed');
    expect(await registryDigest(registry.host, `${prefix}/${service.name}`, 'v1')).toBe(pushed.digest);
    expect((await history(service.name, db))[0]).toMatchObject({
      pushState: 'pushed',
      imageLocation: 'registry',
      pushError: null,
    });

    const audit = await runCli(['audit', service.name, '--json', '--db', db]);
    const actions = (JSON.parse(audit.stdout) as {action: string; result: string}[]).map(
      (a) => `${a.action}:${a.result}`,
    );
    expect(actions).toEqual(expect.arrayContaining(['push_image:failed', 'push_image:ok', 'record:ok']));
  }, 120_000);

  it('keeps the version as push failed with a wrong password, and the recorder pushes it on its next pass', async () => {
    const db = path.join(dir, 'password.db');
    const name = uniqueName('regpw');
    const auth = testbed.registry.auth;
    // Only this service uses the credentialed registry; the recorder sees every service in the swarm.
    const config = writeConfig(
      dir,
      {
        services: {
          [name]: {
            registry: {
              type: 'registry',
              url: auth,
              insecure: true,
              prefix,
              credentials: {username: testbed.registry.user, passwordEnv: 'REGTEST_PW'},
            },
          },
        },
      },
      'password.json',
    );
    const service = await createTestService({name, image: await throwaway('pw'), health: false, wait: true});

    const wrong = await runCli(['snapshot', service.name, '--json', '--db', db, '--config', config], {
      env: {REGTEST_PW: 'not-the-password'},
    });
    expect(wrong.code, wrong.stderr).toBe(0);
    expect(JSON.parse(wrong.stdout)).toMatchObject({version: 1, pushState: 'push_failed'});
    const [v1] = await history(service.name, db);
    expect(v1!.pushError).toMatch(/unauthorized|authentication required/i);
    expect(v1!.pushError).not.toContain('not-the-password');
    expect(await registryTags(auth, `${prefix}/${service.name}`)).toEqual([]);

    const recorder = startCli(
      ['record', '--db', db, '--config', config, '--stability', '1', '--service', service.name],
      {
        env: {REGTEST_PW: testbed.registry.password, DOKROLL_FULL_PASS_SECONDS: '1'},
      },
    );
    recorders.push(recorder);
    const pushed = await waitFor(
      async () => {
        const [row] = await history(service.name, db);
        return row?.pushState === 'pushed' ? row : null;
      },
      {timeoutMs: 30_000, intervalMs: 500, what: 'the recorder to push v1'},
    );
    expect(await registryDigest(auth, `${prefix}/${service.name}`, 'v1')).toBe(pushed.rollbackDigest);
    expect(recorder.output.stdout).toContain(`pushed ${service.name} v1 as ${auth}/${prefix}/${service.name}:v1`);
    expect(recorder.output.stdout + recorder.output.stderr).not.toContain(testbed.registry.password);
    recorder.child.kill('SIGTERM');
    expect((await recorder.exited).code).toBe(0);
  }, 120_000);
});

describe('a configuration that cannot work', () => {
  const cases = [
    {what: 'an unknown registry type', registry: {type: 'gitlab'}, key: 'registry.type', env: {}},
    {
      what: 'a malformed registry URL',
      registry: {type: 'registry', url: 'http//127.0.0.1:5001/x'},
      key: 'registry.url',
      env: {},
    },
    {
      what: 'credentials whose password variable is not set',
      registry: {
        type: 'registry',
        url: testbed.registry.auth,
        insecure: true,
        credentials: {username: 'dokroll', passwordEnv: 'REGTEST_UNSET_PW'},
      },
      key: 'registry.credentials.passwordEnv',
      env: {REGTEST_UNSET_PW: ''},
    },
  ];

  it('stops snapshot, record, push, prune and config check with exit 2 naming the key, and leaves the history as it was', async () => {
    const db = path.join(dir, 'bad.db');
    const service = await createTestService({
      prefix: 'regbad',
      image: await throwaway('bad'),
      health: false,
      wait: true,
    });
    const good = writeConfig(dir, {}, 'good.json');
    expect((await runCli(['snapshot', service.name, '--db', db, '--config', good])).code).toBe(0);
    await dockerOk(['service', 'update', '--detach=false', '--quiet', '--env-add', 'CHANGED=1', service.name], {
      timeoutMs: 90_000,
    });
    await waitConverged(service.name);
    const before = await runCli(['history', service.name, '--json', '--db', db]);

    const commands = [
      ['snapshot', service.name],
      ['config', 'check'],
      ['record', '--once', '--service', service.name],
      ['push', service.name, 'v1'],
      ['prune', service.name, '--keep', '2', '--yes'],
    ];
    for (const [index, c] of cases.entries()) {
      const config = writeConfig(dir, {registry: c.registry}, `bad-${c.key}.json`);
      // Every command for one case; snapshot and config check for the others (each CLI start costs).
      for (const args of index === 0 ? commands : commands.slice(0, 2)) {
        const result = await runCli([...args, '--db', db, '--config', config], {env: c.env});
        expect(result.code, `${c.what}: ${args.join(' ')}: ${result.stderr}`).toBe(2);
        expect(result.stdout + result.stderr, `${c.what}: ${args[0]}`).toContain(`${c.key}:`);
      }
    }
    const after = await runCli(['history', service.name, '--json', '--db', db]);
    expect(after.stdout).toBe(before.stdout);
    expect((JSON.parse(after.stdout) as unknown[]).length).toBe(1);
  }, 150_000);
});
