import {randomBytes} from 'node:crypto';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ensureBuilt} from '../support/built-cli.js';
import {runCli} from '../support/cli.js';
import {openHistoryBed, type HistoryBed} from '../support/history-bed.js';
import {createTestService, docker, dockerOk, waitConverged, waitFor} from '../support/swarm.js';

let bed: HistoryBed;
const throwaway: string[] = [];
const secrets: string[] = [];
beforeAll(async () => {
  await ensureBuilt();
  bed = await openHistoryBed('rollback-failures');
}, 240_000);
afterAll(async () => {
  bed?.close();
  if (throwaway.length) await docker(['rmi', '-f', ...throwaway]);
  if (secrets.length) await docker(['secret', 'rm', ...secrets]);
});

/** A unique image built FROM the v1 fixture (only a label differs); returns its ID. */
async function buildThrowawayImage(): Promise<string> {
  const tag = `dokroll-rb-gone-${randomBytes(4).toString('hex')}:1`;
  throwaway.push(tag);
  await dockerOk(['build', '-q', '-t', tag, '-'], {
    input: `FROM dokroll-fixture:v1\nLABEL dokroll.test.throwaway="${tag}"\n`,
  });
  const id = (await dockerOk(['image', 'inspect', '-f', '{{.Id}}', tag])).trim();
  throwaway.push(id);
  return id;
}

describe('rollbacks that must not succeed', () => {
  it('to a version whose image was removed: pre-flight "rollback image not found", service untouched, exit 1', async () => {
    const image = await buildThrowawayImage();
    const svc = await createTestService({prefix: 'rb-gone', monitorMs: 200, image, wait: true});
    const gone = await bed.record(svc.name);
    await bed.update(svc.name, [
      '--image',
      (await dockerOk(['image', 'inspect', '-f', '{{.Id}}', 'dokroll-fixture:v1'])).trim(),
    ]);
    await bed.record(svc.name);
    // With start-first the old task stops ~1.5 s after the update reports completed.
    await waitFor(async () => (await docker(['rmi', '-f', image])).code === 0, {
      timeoutMs: 30_000,
      what: `${image} to be removable`,
    });
    const before = await bed.gateway.inspectService(svc.name);

    const result = await runCli(['rollback', svc.name, '--to', `v${gone.number}`, '--yes'], {db: bed.db});
    expect(result.code, result.stdout + result.stderr).toBe(1);
    // Names the image and where it was looked for (the rollback registry, when configured, adds its tags).
    expect(result.stdout).toMatch(
      /FAIL +image +rollback image not found: .*sha256:[0-9a-f]{64}.*tried: local image store/,
    );
    expect(result.stderr).toMatch(/rollback image not found: .*sha256:[0-9a-f]{64}/);
    expect(result.stderr).toContain(image);
    const after = await bed.gateway.inspectService(svc.name);
    expect(after.Version.Index).toBe(before.Version.Index);
    expect((await bed.store.audit.list({serviceName: svc.name, limit: 1}))[0]).toMatchObject({
      action: 'rollback',
      result: 'failed',
    });
  }, 120_000);

  it('to a version whose health check fails: exit 1 with the task error; with --revert-on-failure the previous spec is back', async () => {
    const svc = await createTestService({
      prefix: 'rb-unhealthy',
      monitorMs: 200,
      replicas: 2,
      env: {APP_MESSAGE: 'one'},
      wait: true,
    });
    const {bad: badRow, live: liveBefore} = await bed.recordUnhealthyVersion(svc.name);
    expect([badRow.number, liveBefore.number]).toEqual([2, 3]);

    const reverted = await runCli(
      ['rollback', svc.name, '--to', 'v2', '--yes', '--json', '--watch', '3', '--revert-on-failure'],
      {db: bed.db},
    );
    const revertVerdict = reverted.json.at(-1)!;
    console.info(`unhealthy rollback with --revert-on-failure: ${JSON.stringify(revertVerdict)}`);
    expect(reverted.code, reverted.stderr).toBe(1);
    expect(revertVerdict).toMatchObject({type: 'verdict', result: 'reverted', from: 3, to: 2, recordedVersion: null});
    expect(reverted.json.some((line) => line.type === 'reverting')).toBe(true);
    expect(String(revertVerdict.errors)).toMatch(/container unhealthy/);
    await waitConverged(svc.name, {timeoutMs: 60_000, acceptPaused: false});
    expect(await bed.liveHash(svc.name)).toBe(liveBefore.specHash);

    const failed = await runCli(['rollback', svc.name, '--to', 'v2', '--yes', '--watch', '3'], {db: bed.db});
    console.info(`unhealthy rollback: ${failed.stderr.trim()}`);
    expect(failed.code, failed.stdout + failed.stderr).toBe(1);
    expect(failed.stderr).toMatch(/^failed: rollback of .* from v3 to v2/m);
    // The task ended "complete" with exit 0: its container's failed health check is the error.
    expect(failed.stderr).toMatch(/task error: slot \d: container unhealthy, health check failed/);
    expect((await bed.store.versions.list(svc.name)).map((v) => v.number)).toEqual([3, 2, 1]);
    const audit = await bed.store.audit.list({serviceName: svc.name, limit: 10});
    expect(audit.filter((row) => row.action === 'rollback').map((row) => row.result)).toEqual(['failed', 'reverted']);
  }, 240_000);

  it('to a version whose secret was removed: pre-flight names it; recreated under the same name, it is used by its new ID', async () => {
    const secret = `dokroll-rb-secret-${randomBytes(4).toString('hex')}`;
    secrets.push(secret);
    const firstId = (await dockerOk(['secret', 'create', secret, '-'], {input: 'one'})).trim();
    const svc = await createTestService({prefix: 'rb-secret', monitorMs: 200, args: ['--secret', secret], wait: true});
    await bed.record(svc.name);
    await bed.update(svc.name, ['--secret-rm', secret]);
    await bed.record(svc.name);
    await dockerOk(['secret', 'rm', secret]);

    const missing = await runCli(['rollback', svc.name, '--to', 'v1', '--dry-run'], {db: bed.db});
    expect(missing.code, missing.stderr).toBe(1);
    expect(missing.stdout).toMatch(new RegExp(`FAIL +secrets +missing: secret ${secret}`));

    const secondId = (await dockerOk(['secret', 'create', secret, '-'], {input: 'two'})).trim();
    expect(secondId).not.toBe(firstId);
    const found = await runCli(['rollback', svc.name, '--to', 'v1', '--dry-run', '--json'], {db: bed.db});
    expect(found.code, found.stderr).toBe(0);
    const checks = found.json[0]!.checks as {name: string; ok: boolean; detail: string}[];
    expect(checks.find((c) => c.name === 'secrets')).toEqual({
      name: 'secrets',
      ok: true,
      detail: `1 found (secret ${secret}: now ID ${secondId.slice(0, 12)})`,
    });
  }, 120_000);
});
