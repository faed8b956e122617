/**
 * The rollback registry against the real htpasswd registry on 127.0.0.1:5001: every recorded
 * version is pushed as v<n> with the digest recorded, and a rollback whose image is gone from the
 * node pulls it back from the registry by that digest.
 */
import {readdirSync, readFileSync, rmSync} from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {runCli} from '../support/cli.js';
import {
  buildThrowawayImage,
  dockerConfigDir,
  imageExists,
  registryDigest,
  registryTags,
  removeImageCompletely,
  tempDir,
  uniqueId,
  removeThrowawayImages,
  writeConfig,
} from '../support/registry.js';
import {createTestService, dockerOk, testbed, waitConverged} from '../support/swarm.js';

const id = uniqueId();
const prefix = `regtest-push-${id}`;
const dir = tempDir('dokroll-regpush-');
const db = path.join(dir, 'history.db');
const registry = testbed.registry.auth;
const env = {DOCKER_CONFIG: dockerConfigDir(registry, testbed.registry.user, testbed.registry.password)};
const config = writeConfig(dir, {registry: {type: 'registry', url: registry, insecure: true, prefix}});
const images: Record<'a' | 'b' | 'c', string> = {a: '', b: '', c: ''};
let service: {id: string; name: string};

interface HistoryItem {
  version: number;
  live: boolean;
  source: string;
  note: string | null;
  imageLocation: string | null;
  imageSize: number | null;
  pushState: string;
  pushError: string | null;
  rollbackRef: string | null;
  rollbackDigest: string | null;
}

const cli = (args: string[]) => runCli([...args, '--db', db, '--config', config], {env});

async function history(): Promise<HistoryItem[]> {
  const result = await cli(['history', service.name, '--json']);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as HistoryItem[];
}

async function deploy(image: string): Promise<void> {
  await dockerOk(['service', 'update', '--detach=false', '--quiet', '--image', image, service.name], {
    timeoutMs: 90_000,
  });
  await waitConverged(service.name);
}

async function snapshot(): Promise<{
  version: number;
  created: boolean;
  pushState: string;
  pushDigest: string;
  pushRef: string;
}> {
  const result = await cli(['snapshot', service.name, '--json']);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout);
}

beforeAll(async () => {
  for (const key of ['a', 'b', 'c'] as const) {
    images[key] = await buildThrowawayImage(`${prefix}:${key}`, {'dokroll.regtest': id, 'dokroll.regtest.image': key});
  }
  service = await createTestService({prefix: 'regpush', image: images.a, health: false, wait: true});
}, 120_000);

afterAll(async () => {
  await removeThrowawayImages(Object.values(images));
  for (const temp of [dir, env.DOCKER_CONFIG]) rmSync(temp, {recursive: true, force: true});
}, 90_000);

describe('rollback registry with credentials (htpasswd registry)', () => {
  it('pushes each recorded version as v<n>: the registry has every tag with the digest recorded', async () => {
    const first = await snapshot();
    expect(first).toMatchObject({
      version: 1,
      created: true,
      pushState: 'pushed',
      pushRef: `${registry}/${prefix}/${service.name}:v1`,
    });
    await deploy(images.b);
    expect(await snapshot()).toMatchObject({version: 2, pushState: 'pushed'});
    await deploy(images.c);
    expect(await snapshot()).toMatchObject({version: 3, pushState: 'pushed'});

    const repository = `${prefix}/${service.name}`;
    expect(await registryTags(registry, repository)).toEqual(['v1', 'v2', 'v3']);
    const items = await history();
    expect(items.map((i) => i.version)).toEqual([3, 2, 1]);
    for (const item of items) {
      expect(item).toMatchObject({pushState: 'pushed', imageLocation: 'registry', pushError: null});
      expect(item.rollbackRef).toBe(`${registry}/${repository}:v${item.version}`);
      expect(item.rollbackDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(await registryDigest(registry, repository, `v${item.version}`)).toBe(item.rollbackDigest);
      expect(item.imageSize).toBeGreaterThan(1_000_000);
    }
    // Three different images, three different manifests.
    expect(new Set(items.map((i) => i.rollbackDigest)).size).toBe(3);
  }, 150_000);

  it('rolls back to v1 after its image was deleted from the node: pulled from the registry by digest', async () => {
    // v3 (image c) runs; images a and b are deleted from the node completely.
    await removeImageCompletely(images.a, service.name);
    await removeImageCompletely(images.b, service.name);
    expect(await imageExists(images.a)).toBe(false);
    const v1 = (await history()).find((i) => i.version === 1)!;
    expect(v1.imageLocation).toBe('registry');

    const started = Date.now();
    const result = await cli(['rollback', service.name, '--to', 'v1', '--yes', '--json', '--watch', '2']);
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    const lines = result.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const preflight = lines.find((l) => l.type === 'preflight') as {
      checks: {name: string; ok: boolean; detail: string}[];
    };
    const imageCheck = preflight.checks.find((c) => c.name === 'image')!;
    expect(imageCheck).toMatchObject({ok: true});
    expect(imageCheck.detail).toContain(`registry ${registry}`);
    expect(lines.find((l) => l.type === 'verdict')).toMatchObject({result: 'healthy', to: 1});

    const deployed = (
      await dockerOk(['service', 'inspect', '-f', '{{.Spec.TaskTemplate.ContainerSpec.Image}}', service.name])
    ).trim();
    expect(deployed).toBe(`${registry}/${prefix}/${service.name}:v1@${v1.rollbackDigest}`);
    // The same image as before, pulled back onto the node.
    expect(await imageExists(images.a)).toBe(true);
    expect(Date.now() - started).toBeLessThan(60_000);

    const items = await history();
    // The version the rollback recorded is kept too: the same manifest, tagged v4.
    expect(items[0]).toMatchObject({
      version: 4,
      live: true,
      source: 'rollback',
      note: 'rolled back to v1',
      pushState: 'pushed',
    });
    expect(items[0]!.rollbackDigest).toBe(v1.rollbackDigest);
    expect(await registryTags(registry, `${prefix}/${service.name}`)).toEqual(['v1', 'v2', 'v3', 'v4']);
  }, 150_000);

  it('never writes the registry password to the history database', () => {
    for (const file of readdirSync(dir).filter((f) => f.startsWith('history.db'))) {
      expect(readFileSync(path.join(dir, file)).includes(testbed.registry.password)).toBe(false);
    }
  });
});
