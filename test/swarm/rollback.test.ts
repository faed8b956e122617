import {randomBytes} from 'node:crypto';
import {PassThrough, Writable} from 'node:stream';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {run} from '../../source/cli/run.js';
import type {Service} from '../../source/docker/schemas.js';
import type {VersionRow} from '../../source/store/index.js';
import {ensureBuilt} from '../support/built-cli.js';
import {runCli} from '../support/cli.js';
import {openHistoryBed, type HistoryBed} from '../support/history-bed.js';
import {createTestService, docker, dockerOk, fixtureImageId, startLoad, testbed} from '../support/swarm.js';

let bed: HistoryBed;
beforeAll(async () => {
  await ensureBuilt();
  bed = await openHistoryBed('rollback');
}, 240_000);
afterAll(() => bed?.close());

const MiB = 1024 * 1024;

/** Runs the CLI in this process with stdin posing as a terminal that types `typed`. */
async function runInTerminal(argv: string[], typed: string): Promise<{code: number; stdout: string; stderr: string}> {
  let stdout = '';
  let stderr = '';
  const sink = (append: (text: string) => void) =>
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        append(chunk.toString('utf8'));
        done();
      },
    });
  const stdin = Object.assign(new PassThrough(), {isTTY: true});
  stdin.write(typed);
  const code = await run(argv, {
    stdout: sink((text) => (stdout += text)),
    stderr: sink((text) => (stderr += text)),
    stdin,
    env: {},
  });
  return {code, stdout, stderr};
}
const portsOf = (service: Service) =>
  (service.Spec.EndpointSpec?.Ports ?? [])
    .map((p) => `${p.TargetPort}/${p.PublishMode}/${p.PublishedPort ?? 0}`)
    .sort();

describe('rollback to any recorded version', () => {
  it('rolls a 3-replica service back from v4 to v2: env, limits, ports and image restored, recorded as v5, no request lost', async () => {
    const svc = await createTestService({
      prefix: 'rb-any',
      monitorMs: 200,
      replicas: 3,
      env: {APP_MESSAGE: 'one'},
      wait: true,
    });
    const v2Image = await fixtureImageId('v2');
    const versions: VersionRow[] = [await bed.record(svc.name)];
    const steps: string[][] = [
      ['--env-add', 'APP_MESSAGE=two', '--limit-memory', '64M', '--publish-add', 'mode=host,target=9090'],
      ['--env-add', 'APP_MESSAGE=three', '--limit-memory', '128M', '--publish-rm', '9090'],
      ['--env-add', 'APP_MESSAGE=four', '--limit-memory', '96M', '--image', v2Image],
    ];
    for (const args of steps) {
      await bed.update(svc.name, args);
      versions.push(await bed.record(svc.name));
    }
    expect(versions.map((v) => v.number)).toEqual([1, 2, 3, 4]);
    const v2 = versions[1]!;

    const load = startLoad({service: svc.name});
    const result = await runCli(['rollback', svc.name, '--to', 'v2', '--yes', '--json', '--watch', '3'], {db: bed.db});
    const traffic = await load.stop();
    console.info(
      `rollback v4→v2 of 3 replicas: ${result.durationMs} ms (CLI), ${traffic.ok} requests ok, ${traffic.failed} failed, ` +
        `${traffic.retried} retried ${traffic.errors.join('; ')}`,
    );
    expect(result.code, result.stderr + result.stdout).toBe(0);

    const types = result.json.map((line) => line.type);
    expect(types[0]).toBe('preflight');
    expect(types).toContain('progress');
    expect(types.at(-1)).toBe('verdict');
    expect(result.json[0]).toMatchObject({service: svc.name, from: 4, to: 2, mode: 'full', ok: true});
    expect(result.json.at(-1)).toMatchObject({result: 'healthy', from: 4, to: 2, recordedVersion: 5});

    const live = await bed.gateway.inspectService(svc.name);
    const container = live.Spec.TaskTemplate.ContainerSpec!;
    expect(container.Env).toContain('APP_MESSAGE=two');
    expect(live.Spec.TaskTemplate.Resources?.Limits?.MemoryBytes).toBe(64 * MiB);
    expect(portsOf(live)).toEqual(['8080/host/0', '9090/host/0']);
    expect(container.Image).toBe(await fixtureImageId('v1'));
    expect(await bed.liveHash(svc.name)).toBe(v2.specHash);

    const history = await runCli(['history', svc.name, '--json'], {db: bed.db});
    const rows = JSON.parse(history.stdout) as {version: number; live: boolean; source: string; note: string | null}[];
    expect(rows[0]).toMatchObject({version: 5, live: true, source: 'rollback', note: 'rolled back to v2'});

    const audit = await bed.store.audit.list({serviceName: svc.name, limit: 5});
    expect(audit.find((row) => row.action === 'rollback')).toMatchObject({
      fromVersion: 4,
      toVersion: 2,
      result: 'healthy',
    });
    expect(audit.find((row) => row.action === 'rollback')?.durationMs).toBeGreaterThan(0);

    expect(traffic.ok).toBeGreaterThan(20);
    expect(traffic.failed).toBe(0);
  }, 240_000);

  it('dry run prints the pre-flight and the changes live → target and changes nothing', async () => {
    const svc = await createTestService({
      prefix: 'rb-dry',
      monitorMs: 200,
      env: {APP_MESSAGE: 'one', API_TOKEN: 'hunter2'},
      wait: true,
    });
    await bed.record(svc.name);
    await bed.update(svc.name, ['--env-add', 'APP_MESSAGE=two', '--env-add', 'API_TOKEN=swordfish']);
    await bed.record(svc.name);
    const before = await bed.gateway.inspectService(svc.name);

    const result = await runCli(['rollback', svc.name, '--to', '1', '--dry-run'], {db: bed.db});
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/ok +image +sha256:[0-9a-f]{64} is in the local image store/);
    expect(result.stdout).toContain('~ APP_MESSAGE: two → one');
    expect(result.stdout).toContain('API_TOKEN');
    expect(result.stdout).not.toMatch(/hunter2|swordfish/);
    expect(result.stdout).toContain('update: start-first, parallelism 1');
    expect((await bed.gateway.inspectService(svc.name)).Version.Index).toBe(before.Version.Index);

    const refused = await runCli(['rollback', svc.name, '--to', 'v1'], {db: bed.db});
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/stdin is not a terminal — pass --yes/);
    expect((await bed.gateway.inspectService(svc.name)).Version.Index).toBe(before.Version.Index);

    // On a terminal it shows the pre-flight and the diff and asks: "n" changes nothing, "y" rolls back.
    const declined = await runInTerminal(['rollback', svc.name, '--to', 'v1', '--db', bed.db], 'n\n');
    expect(declined.code).toBe(1);
    expect(declined.stdout).toContain('~ APP_MESSAGE: two → one');
    expect(declined.stderr).toMatch(/Roll .* back to v1\? \[y\/N\][\s\S]*cancelled: nothing was changed/);
    expect((await bed.gateway.inspectService(svc.name)).Version.Index).toBe(before.Version.Index);

    const accepted = await runInTerminal(['rollback', svc.name, '--to', 'v1', '--watch', '1', '--db', bed.db], 'y\n');
    expect(accepted.code, accepted.stderr).toBe(0);
    expect(accepted.stdout).toMatch(/^healthy: rollback of .* from v2 to v1 \(recorded as v3\)/m);
  }, 120_000);

  it('redeploy replaces every task of the live version and records no new version', async () => {
    const svc = await createTestService({prefix: 'rb-redeploy', monitorMs: 200, replicas: 2, wait: true});
    await bed.record(svc.name);
    const tasksBefore = await bed.gateway.listTasks([svc.id]);
    const result = await runCli(['redeploy', svc.name, '--yes', '--json', '--watch', '1'], {db: bed.db});
    expect(result.code, result.stderr + result.stdout).toBe(0);
    expect(result.json.at(-1)).toMatchObject({
      type: 'verdict',
      kind: 'redeploy',
      result: 'healthy',
      from: 1,
      recordedVersion: null,
    });
    const running = (await bed.gateway.listTasks([svc.id])).filter((t) => t.DesiredState === 'running');
    expect(running).toHaveLength(2);
    expect(running.some((t) => tasksBefore.some((old) => old.ID === t.ID))).toBe(false);
    expect((await bed.store.versions.list(svc.name)).map((v) => v.number)).toEqual([1]);
    expect(testbed.appPort).toBe(8080);
  }, 120_000);

  it('rolls back to a version whose image is no longer local but still in its registry, by digest', async () => {
    const repo = `${testbed.registry.plain}/dokroll-rb-${randomBytes(4).toString('hex')}`;
    await dockerOk(['tag', 'dokroll-fixture:v2', `${repo}:1`]);
    await dockerOk(['push', '-q', `${repo}:1`]);
    const svc = await createTestService({prefix: 'rb-registry', monitorMs: 200, image: `${repo}:1`, wait: true});
    const v1 = await bed.record(svc.name);
    expect(v1.imageDigest).toMatch(new RegExp(`^${repo.replaceAll('.', '\\.')}@sha256:[0-9a-f]{64}$`));
    await bed.update(svc.name, ['--image', await fixtureImageId('v1')]);
    await bed.record(svc.name);
    await dockerOk(['rmi', `${repo}:1`]);
    // Another history on this daemon (a console or recorder without --service) may have tagged it.
    await docker(['rmi', `dokroll/${svc.name}:v1`]);
    await docker(['rmi', v1.imageDigest!]); // usually gone with the tag already
    expect((await docker(['image', 'inspect', v1.imageDigest!])).code).not.toBe(0);

    const result = await runCli(['rollback', svc.name, '--to', 'v1', '--yes', '--json', '--watch', '1'], {db: bed.db});
    expect(result.code, result.stderr).toBe(0);
    const checks = result.json[0]!.checks as {name: string; detail: string}[];
    expect(checks.find((c) => c.name === 'image')?.detail).toContain(`is in registry ${testbed.registry.plain}`);
    const image = (await bed.gateway.inspectService(svc.name)).Spec.TaskTemplate.ContainerSpec?.Image;
    expect(image).toBe(`${repo}:1@${v1.imageDigest!.split('@')[1]}`);
    expect(await bed.liveHash(svc.name)).toBe(v1.specHash);
    await docker(['rmi', v1.imageDigest!]); // the pulled reference (the content is dokroll-fixture:v2's)
  }, 120_000);
});
