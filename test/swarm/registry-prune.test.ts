/**
 * Rollback points: `delete` and `prune --keep N` remove the history row, the local tag and the
 * registry tag (manifest delete by digest), never the live version nor the one before it, and write
 * the audit log; retention does the same after each recorded version. In `local` mode the v<n> tag
 * keeps a version's image out of `docker image prune`.
 */
import {rmSync} from 'node:fs';
import path from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {runCli} from '../support/cli.js';
import {
  buildThrowawayImage,
  imageExists,
  registryTags,
  removeThrowawayImages,
  tempDir,
  uniqueId,
  writeConfig,
} from '../support/registry.js';
import {createTestService, docker, dockerOk, testbed, uniqueName, waitConverged, waitFor} from '../support/swarm.js';

const id = uniqueId();
const prefix = `regtest-prune-${id}`;
const dir = tempDir('dokroll-regprune-');
const images: string[] = [];

async function throwaway(name: string): Promise<string> {
  const image = await buildThrowawayImage(`${prefix}:${name}`, {'dokroll.regtest': id, 'dokroll.regtest.image': name});
  images.push(image);
  return image;
}

afterAll(async () => {
  await removeThrowawayImages(images);
  rmSync(dir, {recursive: true, force: true});
}, 90_000);

interface HistoryItem {
  version: number;
  live: boolean;
  pushState: string;
  rollbackRef: string | null;
}

interface AuditItem {
  action: string;
  from: number | null;
  result: string;
  detail: string;
}

function cliFor(db: string, config: string) {
  return (args: string[]) => runCli([...args, '--db', db, '--config', config]);
}

async function update(service: string, args: string[]): Promise<void> {
  await dockerOk(['service', 'update', '--detach=false', '--quiet', ...args, service], {timeoutMs: 90_000});
  await waitConverged(service);
}

describe('deleting rollback points', () => {
  it('delete and prune --keep 2 remove rows, local tags and registry tags, but never the live version or the one before it', async () => {
    const registry = testbed.registry.plain;
    const db = path.join(dir, 'prune.db');
    const cli = cliFor(
      db,
      writeConfig(dir, {registry: {type: 'registry', url: registry, insecure: true, prefix}}, 'prune.json'),
    );
    const [a, b, c, d] = [await throwaway('a'), await throwaway('b'), await throwaway('c'), await throwaway('d')];
    const service = await createTestService({prefix: 'regprune', image: a, health: false, wait: true});
    const snapshot = async () => expect((await cli(['snapshot', service.name])).code).toBe(0);
    // v1 a, v2 b, v3 c, v4 c with an env change (same image: same manifest as v3), v5 d (live)
    await snapshot();
    await update(service.name, ['--image', b]);
    await snapshot();
    await update(service.name, ['--image', c]);
    await snapshot();
    await update(service.name, ['--env-add', 'STEP=4']);
    await snapshot();
    await update(service.name, ['--image', d]);
    await snapshot();
    const repository = `${prefix}/${service.name}`;
    expect(await registryTags(registry, repository)).toEqual(['v1', 'v2', 'v3', 'v4', 'v5']);

    // The live version and the one before it are refused; nothing is asked or deleted.
    for (const v of ['v5', 'v4']) {
      const refused = await cli(['delete', service.name, v, '--yes']);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/cannot be deleted: it is the (live version|version before the live one) \(/);
    }
    const refusedNoYes = await cli(['delete', service.name, 'v2']);
    expect(refusedNoYes.code).toBe(2);
    expect(refusedNoYes.stderr).toContain('pass --yes');

    const deleted = await cli(['delete', service.name, 'v2', '--yes', '--json']);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(JSON.parse(deleted.stdout)).toMatchObject({version: 2, deleted: true});
    expect(await registryTags(registry, repository)).toEqual(['v1', 'v3', 'v4', 'v5']);
    expect(await imageExists(`${registry}/${repository}:v2`)).toBe(false);

    const pruned = await cli(['prune', service.name, '--keep', '2', '--yes', '--json']);
    expect(pruned.code, pruned.stderr).toBe(0);
    const result = JSON.parse(pruned.stdout) as {
      live: number;
      kept: {version: number; why: string}[];
      deleted: {version: number; deleted: boolean; registry: string}[];
    };
    expect(result.live).toBe(5);
    expect(result.kept).toEqual([
      {version: 5, why: 'live'},
      {version: 4, why: 'the version before the live one'},
    ]);
    expect(result.deleted.map((r) => [r.version, r.deleted])).toEqual([
      [1, true],
      [3, true],
    ]);
    // v3's manifest is v4's too: a delete by digest would take v4's tag with it, so that tag stays.
    expect(result.deleted[1]!.registry).toMatch(/^kept .*:v3: same manifest as v4/);
    expect(await registryTags(registry, repository)).toEqual(['v3', 'v4', 'v5']);
    for (const v of [1, 3]) expect(await imageExists(`${registry}/${repository}:v${v}`)).toBe(false);
    for (const v of [4, 5]) expect(await imageExists(`${registry}/${repository}:v${v}`)).toBe(true);

    const history = JSON.parse((await cli(['history', service.name, '--json'])).stdout) as HistoryItem[];
    expect(history.map((h) => [h.version, h.live])).toEqual([
      [5, true],
      [4, false],
    ]);
    const audit = JSON.parse((await cli(['audit', service.name, '--json'])).stdout) as AuditItem[];
    const deletions = audit.filter((e) => e.action === 'delete_version').reverse();
    expect(deletions.map((e) => [e.from, e.result])).toEqual([
      [2, 'ok'],
      [1, 'ok'],
      [3, 'ok'],
    ]);
    expect(deletions[0]!.detail).toMatch(
      /^delete: row deleted; local tag: removed .*:v2; registry: deleted .*:v2 \(sha256:/,
    );
    expect(deletions[1]!.detail).toMatch(/^prune --keep 2: row deleted/);

    const nothing = await cli(['prune', service.name, '--keep', '2', '--yes']);
    expect(nothing.code).toBe(0);
    expect(nothing.stdout).toContain('nothing to prune');
  }, 170_000);
});

describe('retention', () => {
  it('after each recorded version deletes what the service retention (keep 2) no longer keeps, everywhere', async () => {
    const registry = testbed.registry.plain;
    const db = path.join(dir, 'retention.db');
    const name = uniqueName('regret');
    const config = {
      registry: {type: 'registry', url: registry, insecure: true, prefix},
      services: {[name]: {retention: {keep: 2}}},
    };
    const cli = cliFor(db, writeConfig(dir, config, 'retention.json'));
    const [a, b, c] = [await throwaway('ra'), await throwaway('rb'), await throwaway('rc')];
    await createTestService({name, image: a, health: false, wait: true});
    expect((await cli(['snapshot', name])).code).toBe(0);
    await update(name, ['--image', b]);
    expect((await cli(['snapshot', name])).code).toBe(0);
    await update(name, ['--image', c]);
    const third = await cli(['snapshot', name]);
    expect(third.code, third.stderr).toBe(0);
    expect(third.stdout).toMatch(
      new RegExp(`deleted ${name} v1 \\(retention, keep 2\\): registry deleted ${registry}/${prefix}/${name}:v1`),
    );

    const history = JSON.parse((await cli(['history', name, '--json'])).stdout) as HistoryItem[];
    expect(history.map((h) => h.version)).toEqual([3, 2]);
    expect(await registryTags(registry, `${prefix}/${name}`)).toEqual(['v2', 'v3']);
    expect(await imageExists(`${registry}/${prefix}/${name}:v1`)).toBe(false);
    const audit = JSON.parse((await cli(['audit', name, '--json'])).stdout) as AuditItem[];
    expect(audit.filter((e) => e.action === 'delete_version')).toEqual([
      expect.objectContaining({
        from: 1,
        result: 'ok',
        detail: expect.stringMatching(/^retention \(keep 2\): row deleted/),
      }),
    ]);
  }, 150_000);
});

describe('local mode', () => {
  it('tags dokroll/<service>:v<n>, and that tag keeps the image out of docker image prune', async () => {
    const db = path.join(dir, 'local.db');
    const name = uniqueName('regloc');
    const cli = cliFor(db, writeConfig(dir, {}, 'local.json'));
    const [a, b] = [await throwaway('la'), await throwaway('lb')];
    await createTestService({name, image: a, health: false, wait: true});
    const snap = JSON.parse((await cli(['snapshot', name, '--json'])).stdout) as {pushState: string; pushRef: string};
    expect(snap).toMatchObject({pushState: 'local', pushRef: `dokroll/${name}:v1`});
    expect((await dockerOk(['image', 'inspect', '-f', '{{.Id}}', `dokroll/${name}:v1`])).trim()).toBe(a);
    await update(name, ['--image', b]);
    expect((await cli(['snapshot', name])).code).toBe(0);
    expect((await dockerOk(['image', 'inspect', '-f', '{{.Id}}', `dokroll/${name}:v2`])).trim()).toBe(b);
    const history = JSON.parse((await cli(['history', name, '--json'])).stdout) as (HistoryItem & {
      imageLocation: string;
    })[];
    expect(history.map((h) => [h.version, h.pushState, h.imageLocation])).toEqual([
      [2, 'local', 'local'],
      [1, 'local', 'local'],
    ]);
    expect((await cli(['history', name])).stdout).toMatch(/v1 .* local only on \S+ \d/);

    // a's own tag goes and no container uses it: only dokroll/<service>:v1 keeps it. A control
    // image loses its only tag (another image is built under it) and is dangling.
    await docker(['service', 'rm', name]);
    await waitFor(
      async () =>
        (await dockerOk(['ps', '-aq', '--filter', `label=com.docker.swarm.service.name=${name}`])).trim() === '',
      {
        timeoutMs: 30_000,
        what: `the containers of ${name} to be removed`,
      },
    );
    await dockerOk(['rmi', `${prefix}:la`]);
    const control = await throwaway('control');
    images.push(
      await buildThrowawayImage(`${prefix}:control`, {'dokroll.regtest': id, 'dokroll.regtest.image': 'control-2'}),
    );
    expect(await imageExists(control)).toBe(true);

    await dockerOk(['image', 'prune', '-f', '--filter', `label=dokroll.regtest=${id}`]);
    expect(await imageExists(control)).toBe(false);
    expect(await imageExists(a)).toBe(true);
  }, 150_000);
});
