import {describe, expect, it} from 'vitest';
import type {ServiceSpec} from '../../../source/docker/schemas.js';
import {
  buildTargetSpec,
  fixedHostPorts,
  pinnedImageRef,
  redeploySpec,
  rolloutUpdateConfig,
} from '../../../source/domain/rollback-target.js';
import type {ImagePin} from '../../../source/domain/snapshot.js';
import {specHash} from '../../../source/domain/spec-hash.js';
import {withImage} from '../../../source/domain/version-identity.js';
import {loadService} from '../../support/payload-fixtures.js';

const ID_V1 = `sha256:${'1'.repeat(64)}`;
const DIGEST = `sha256:${'d'.repeat(64)}`;

/** The recorded rich service (secrets, configs, mounts, health check, ports, update config). */
const stored: ServiceSpec = loadService('service-replicated.json').Spec;
const storedPin: ImagePin = {ref: 'dokroll-fixture:v1', imageId: ID_V1, pinned: ID_V1};

function liveVariant(): ServiceSpec {
  const live = structuredClone(stored);
  const container = live.TaskTemplate.ContainerSpec!;
  container.Image = 'registry.example/app:v9@sha256:' + 'e'.repeat(64);
  container.Env = ['APP_VERSION=v9'];
  live.TaskTemplate.ForceUpdate = 4;
  live.Mode = {Replicated: {Replicas: 5}};
  live.UpdateConfig = {Parallelism: 3, Order: 'stop-first', FailureAction: 'continue', Monitor: 0};
  return live;
}

describe('the image a rollback deploys', () => {
  it('is the registry digest, keeping the tag, when one was recorded', () => {
    expect(
      pinnedImageRef({ref: 'registry.example/app:1.2', repoDigest: `registry.example/app@${DIGEST}`, pinned: ''}),
    ).toBe(`registry.example/app:1.2@${DIGEST}`);
  });

  it('is the recorded digest reference as is when it belongs to another repository name', () => {
    expect(pinnedImageRef({ref: 'app:1.2', repoDigest: `mirror.example/app@${DIGEST}`, pinned: ''})).toBe(
      `mirror.example/app@${DIGEST}`,
    );
  });

  it('is the local image ID for a local-only image, and the plain reference when nothing was pinned', () => {
    expect(pinnedImageRef({ref: 'app:dev', imageId: ID_V1, pinned: ID_V1})).toBe(ID_V1);
    expect(pinnedImageRef({ref: 'app:dev', pinned: 'app:dev'})).toBe('app:dev');
  });
});

describe('the target spec of a rollback', () => {
  it('full: the stored spec with its pinned image, live ForceUpdate, rollout defaults', () => {
    const live = liveVariant();
    const target = buildTargetSpec({mode: 'full', snapshot: {spec: stored, image: storedPin}, live});
    expect(target.image).toBe(ID_V1);
    expect(target.spec.TaskTemplate.ContainerSpec?.Env).toEqual(stored.TaskTemplate.ContainerSpec?.Env);
    expect(target.spec.TaskTemplate.ContainerSpec?.Secrets).toEqual(stored.TaskTemplate.ContainerSpec?.Secrets);
    expect(target.spec.Mode).toEqual({Replicated: {Replicas: 2}});
    expect(target.spec.TaskTemplate.ForceUpdate).toBe(4);
    expect(target.spec.RollbackConfig).toEqual(stored.RollbackConfig);
    // The stored update config already says start-first, parallelism 1: only the image differs.
    expect(target.spec.UpdateConfig).toEqual(stored.UpdateConfig);
    const storedImage = stored.TaskTemplate.ContainerSpec?.Image ?? '';
    expect(specHash(withImage(target.spec, storedImage))).toBe(
      specHash({...stored, TaskTemplate: {...stored.TaskTemplate, ForceUpdate: 4}}),
    );
  });

  it('image only: the live spec with the stored pinned image', () => {
    const live = liveVariant();
    const target = buildTargetSpec({mode: 'image', snapshot: {spec: stored, image: storedPin}, live});
    expect(target.spec.TaskTemplate.ContainerSpec?.Image).toBe(ID_V1);
    expect(target.spec.TaskTemplate.ContainerSpec?.Env).toEqual(['APP_VERSION=v9']);
    expect(target.spec.Mode).toEqual({Replicated: {Replicas: 5}});
  });

  it('config only: the stored spec with the live image', () => {
    const live = liveVariant();
    const target = buildTargetSpec({mode: 'config', snapshot: {spec: stored, image: storedPin}, live});
    expect(target.spec.TaskTemplate.ContainerSpec?.Image).toBe(live.TaskTemplate.ContainerSpec?.Image);
    expect(target.spec.TaskTemplate.ContainerSpec?.Env).toEqual(stored.TaskTemplate.ContainerSpec?.Env);
  });

  it('modifies neither the stored nor the live spec', () => {
    const live = liveVariant();
    const before = JSON.stringify([stored, live]);
    buildTargetSpec({mode: 'full', snapshot: {spec: stored, image: storedPin}, live, overrides: {parallelism: 4}});
    expect(JSON.stringify([stored, live])).toBe(before);
  });

  it('says when the stored image was never pinned to a digest', () => {
    const target = buildTargetSpec({
      mode: 'full',
      snapshot: {spec: stored, image: {ref: 'app:dev', pinned: 'app:dev'}},
      live: liveVariant(),
    });
    expect(target.notes.join('\n')).toMatch(/app:dev was not pinned to a digest/);
  });
});

describe('the update settings of the rollback', () => {
  const spec = (ports: NonNullable<ServiceSpec['EndpointSpec']>['Ports'] = []): ServiceSpec => ({
    Name: 'web',
    TaskTemplate: {ContainerSpec: {Image: 'app'}},
    EndpointSpec: {Ports: ports},
  });

  it("default to start-first and parallelism 1, keeping the version's monitor, failure action and delay", () => {
    const base = {
      Parallelism: 0,
      Order: 'stop-first',
      Monitor: 7e9,
      FailureAction: 'rollback',
      MaxFailureRatio: 0.5,
      Delay: 2e9,
    };
    const {config, settings, notes} = rolloutUpdateConfig(base, spec());
    expect(config).toEqual({...base, Parallelism: 1, Order: 'start-first'});
    expect(settings).toEqual({
      order: 'start-first',
      parallelism: 1,
      delayMs: 2000,
      monitorMs: 7000,
      failureAction: 'rollback',
    });
    expect(notes).toEqual([]);
  });

  it('leave Delay and Monitor unset when the version has none (Swarm defaults)', () => {
    const {config, settings} = rolloutUpdateConfig(undefined, spec());
    expect(config).toEqual({Parallelism: 1, Order: 'start-first'});
    expect(settings.monitorMs).toBeNull();
  });

  it('take --parallelism, --order and --delay over everything', () => {
    const {config} = rolloutUpdateConfig({Parallelism: 1, Delay: 5e9}, spec(), {
      parallelism: 0,
      order: 'stop-first',
      delayMs: 250,
    });
    expect(config).toEqual({Parallelism: 0, Order: 'stop-first', Delay: 250e6});
  });

  it('switch to stop-first, saying why, when a fixed host-mode port is published', () => {
    const fixed = spec([{TargetPort: 80, PublishedPort: 8080, PublishMode: 'host', Protocol: 'tcp'}]);
    expect(fixedHostPorts(fixed)).toEqual([{published: 8080, target: 80, protocol: 'tcp'}]);
    const {config, notes} = rolloutUpdateConfig({}, fixed);
    expect(config.Order).toBe('stop-first');
    expect(notes[0]).toMatch(/^order stop-first: .*fixed host-mode port 8080:80\/tcp/);
  });

  it('keep start-first for ephemeral host ports and routing-mesh ports', () => {
    const ports = spec([
      {TargetPort: 8080, PublishMode: 'host'},
      {TargetPort: 80, PublishedPort: 18080, PublishMode: 'ingress'},
    ]);
    expect(fixedHostPorts(ports)).toEqual([]);
    expect(rolloutUpdateConfig({}, ports).config.Order).toBe('start-first');
  });

  it('honour an explicit start-first with a fixed host port, with a warning', () => {
    const fixed = spec([{TargetPort: 80, PublishedPort: 8080, PublishMode: 'host'}]);
    const {config, notes} = rolloutUpdateConfig({}, fixed, {order: 'start-first'});
    expect(config.Order).toBe('start-first');
    expect(notes[0]).toMatch(/^warning: start-first with fixed host-mode port/);
  });
});

describe('a redeploy', () => {
  it('is the live spec with ForceUpdate + 1 and nothing else changed', () => {
    const live = liveVariant();
    const spec = redeploySpec(live);
    expect(spec.TaskTemplate.ForceUpdate).toBe(5);
    expect(specHash(spec)).toBe(specHash(live));
    expect(live.TaskTemplate.ForceUpdate).toBe(4);
    expect(redeploySpec({Name: 'x', TaskTemplate: {}}).TaskTemplate.ForceUpdate).toBe(1);
  });
});
