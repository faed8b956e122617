import {describe, expect, it} from 'vitest';
import {RegistryCredentials} from '../../../source/config/credentials.js';
import type {DockerGateway} from '../../../source/docker/gateway.js';
import {versionHash} from '../../../source/domain/version-identity.js';
import {chooseRollbackImage, type RollbackImageInput} from '../../../source/services/registry/image-source.js';
import type {RegistryTarget} from '../../../source/services/registry/targets.js';
import type {RollbackImage, VersionRow} from '../../../source/store/index.js';

const ID = `sha256:${'a'.repeat(64)}`;
const DIGEST = `sha256:${'d'.repeat(64)}`;
const target: RegistryTarget = {
  serviceName: 'web',
  registry: {type: 'registry', url: '127.0.0.1:5001', insecure: true, prefix: 'rb'},
  key: 'registry',
  repository: '127.0.0.1:5001/rb/web',
  host: '127.0.0.1:5001',
  credentials: new RegistryCredentials({username: 'u', password: 'pw-secret', serveraddress: '127.0.0.1:5001'}, 'test'),
  keep: 10,
};

/** A gateway that knows some local images and what the registry answers. */
function gateway(local: Record<string, string>, registry: (ref: string) => string | null | Error): DockerGateway {
  return {
    inspectImage: async (ref: string) => (local[ref] ? {Id: local[ref]} : null),
    distribution: async (ref: string) => {
      const answer = registry(ref);
      if (answer instanceof Error) throw answer;
      return answer;
    },
  } as unknown as DockerGateway;
}

function input(image: Partial<RollbackImage>, liveHash = 'live'): RollbackImageInput {
  const pin = {ref: ID, imageId: ID, pinned: ID};
  const spec = {Name: 'web', TaskTemplate: {ContainerSpec: {Image: ID}}};
  const row = {
    serviceName: 'web',
    number: 1,
    rollbackImage: {
      pushState: 'none',
      location: null,
      ref: null,
      digest: null,
      error: null,
      attemptedAt: null,
      size: null,
      ...image,
    },
  } as unknown as VersionRow;
  return {row, image: ID, spec, pin, liveHash};
}

const noOrigin = async () => ({ok: false, where: null, detail: 'not found'});
const pushed = {pushState: 'pushed', ref: '127.0.0.1:5001/rb/web:v1', digest: DIGEST} as const;

describe('where a rollback image comes from', () => {
  it('prefers the digest pushed to the rollback registry, and carries its credentials', async () => {
    const choice = await chooseRollbackImage(
      gateway({[ID]: ID}, () => DIGEST),
      target,
      input(pushed),
      noOrigin,
    );
    expect(choice.check).toMatchObject({ok: true, where: 'registry 127.0.0.1:5001'});
    expect(choice.spec.TaskTemplate.ContainerSpec?.Image).toBe(`127.0.0.1:5001/rb/web:v1@${DIGEST}`);
    expect(choice.pin).toEqual({
      ref: `127.0.0.1:5001/rb/web:v1@${DIGEST}`,
      repoDigest: `127.0.0.1:5001/rb/web@${DIGEST}`,
      pinned: `127.0.0.1:5001/rb/web@${DIGEST}`,
    });
    expect(choice.registryAuth).toEqual({username: 'u', password: 'pw-secret', serveraddress: '127.0.0.1:5001'});
  });

  it('falls back to the local image when the registry cannot be asked', async () => {
    const choice = await chooseRollbackImage(
      gateway({[ID]: ID}, () => new Error('connection refused')),
      target,
      input(pushed),
      noOrigin,
    );
    expect(choice.check).toMatchObject({ok: true, where: 'local image store'});
    expect(choice.spec.TaskTemplate.ContainerSpec?.Image).toBe(ID);
    expect(choice.registryAuth).toBeUndefined();
  });

  it('deploys the image its local tag points to when the recorded reference is gone', async () => {
    const other = `sha256:${'b'.repeat(64)}`;
    const choice = await chooseRollbackImage(
      gateway({'dokroll/web:v1': other}, () => null),
      {...target, registry: {type: 'local'}, repository: 'dokroll/web', host: null, credentials: null},
      input({pushState: 'local', ref: 'dokroll/web:v1'}),
      noOrigin,
    );
    expect(choice.check.detail).toBe(`${ID} is in the local image store as dokroll/web:v1`);
    expect(choice.spec.TaskTemplate.ContainerSpec?.Image).toBe(other);
  });

  it('says "rollback image not found", naming the registry and the tags tried', async () => {
    const choice = await chooseRollbackImage(
      gateway({}, () => null),
      target,
      input({pushState: 'push_failed', ref: '127.0.0.1:5001/rb/web:v1', error: 'unauthorized'}),
      noOrigin,
    );
    expect(choice.check).toEqual({
      ok: false,
      where: null,
      detail:
        `rollback image not found: web v1 (${ID}); tried: registry 127.0.0.1:5001 (127.0.0.1:5001/rb/web:v1: push failed: unauthorized), ` +
        `local image store (${ID}, tag 127.0.0.1:5001/rb/web:v1)`,
    });
  });

  it('keeps the recorded reference when the version is what runs already', async () => {
    const base = input(pushed);
    const live = versionHash(base.spec, base.pin);
    const choice = await chooseRollbackImage(
      gateway({[ID]: ID}, () => DIGEST),
      target,
      input(pushed, live),
      noOrigin,
    );
    expect(choice.spec.TaskTemplate.ContainerSpec?.Image).toBe(ID);
  });
});
