import {describe, expect, it} from 'vitest';
import type {ServiceSpec} from '../../../source/docker/schemas.js';
import {envToMap, makeSnapshot, viewOf, type ImagePin} from '../../../source/domain/snapshot.js';
import {loadService, readPayload} from '../../support/payload-fixtures.js';

const service = loadService('service-replicated.json');
const network = readPayload('network-overlay.json') as {Id: string; Name: string};
const networkNames = {[network.Id]: network.Name};
const DIGEST = `sha256:${'d'.repeat(64)}`;
const IMAGE_ID = `sha256:${'e'.repeat(64)}`;

describe('viewOf a real replicated service', () => {
  const view = viewOf(service.Spec, undefined, {networkNames});

  it('names the service and its image', () => {
    expect(view.name).toBe(service.Spec.Name);
    expect(view.image).toBe('dokroll-fixture:v1');
    expect(view.imageDigest).toBeUndefined();
  });

  it('turns Env into a map split on the first "="', () => {
    expect(view.env).toEqual({
      APP_VERSION: 'v1',
      DB_PASSWORD: 'hunter2',
      DATABASE_URL: 'postgres://app:pa55@db:5432/app',
      GREETING: 'a=b=c',
      LOG_LEVEL: 'info',
    });
  });

  it('lists secrets and configs by name and the file they are mounted as', () => {
    expect(view.secrets).toEqual([{name: expect.stringMatching(/^fx-secret-/), target: 'db_password'}]);
    expect(view.configs).toEqual([{name: expect.stringMatching(/^fx-config-/), target: '/etc/app.conf'}]);
  });

  it('converts NanoCPUs to CPUs and keeps memory in bytes', () => {
    expect(view.limits).toEqual({cpus: 0.5, memoryBytes: 64 * 1024 * 1024});
    expect(view.reservations).toEqual({cpus: 0.1, memoryBytes: 16 * 1024 * 1024});
  });

  it('keeps command and args apart (null when the image default applies)', () => {
    expect(view.command).toBeNull();
    expect(view.args).toEqual(['/start.sh', '--verbose']);
  });

  it('lists published ports, mounts and networks by name', () => {
    expect(view.ports).toEqual([
      {target: 8080, protocol: 'tcp', mode: 'host'},
      {target: 9999, protocol: 'udp', mode: 'host'},
    ]);
    expect(view.mounts).toEqual([
      {type: 'tmpfs', source: '', target: '/cache', readOnly: false},
      {type: 'volume', source: expect.stringMatching(/^fx-vol-/), target: '/data', readOnly: false},
      {type: 'bind', source: '/tmp', target: '/hosttmp', readOnly: true},
    ]);
    expect(view.networks).toEqual([network.Name]);
  });

  it('shows network IDs when no name is known', () => {
    expect(viewOf(service.Spec).networks).toEqual([network.Id]);
  });

  it('converts the health check durations from nanoseconds to milliseconds', () => {
    expect(view.healthcheck).toEqual({
      test: ['CMD-SHELL', 'timeout 2 wget -q -O- http://127.0.0.1:8080/health'],
      intervalMs: 1000,
      timeoutMs: 2000,
      retries: 2,
      startPeriodMs: 500,
    });
  });

  it('keeps mode, replicas, labels, container labels and placement constraints', () => {
    expect(view.mode).toBe('replicated');
    expect(view.replicas).toBe(2);
    expect(view.labels).toEqual({'com.example.team': 'payments', 'com.example.tier': 'web'});
    expect(view.containerLabels).toEqual({'com.example.role': 'api'});
    expect(view.placement).toEqual(['node.role==manager', 'node.platform.os==linux']);
  });

  it('reads update and rollback config with durations in milliseconds', () => {
    expect(view.updateConfig).toEqual({
      parallelism: 1,
      delayMs: 250,
      failureAction: 'rollback',
      monitorMs: 2000,
      maxFailureRatio: 0.25,
      order: 'start-first',
    });
    expect(view.rollbackConfig).toEqual({
      parallelism: 2,
      delayMs: null,
      failureAction: 'pause',
      monitorMs: 1000,
      maxFailureRatio: 0,
      order: 'stop-first',
    });
    expect(view.stopGracePeriodMs).toBe(3000);
  });
});

describe('viewOf other shapes', () => {
  it('describes a global service without replicas', () => {
    const view = viewOf(loadService('service-global.json').Spec);
    expect(view.mode).toBe('global');
    expect(view.replicas).toBeNull();
    expect(view.healthcheck).toBeNull();
    expect(view.stopGracePeriodMs).toBeNull();
    expect(view.image).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(view.imageDigest).toBeUndefined();
  });

  it('tolerates a minimal spec', () => {
    const view = viewOf({Name: 'bare', TaskTemplate: {}} as ServiceSpec);
    expect(view).toMatchObject({name: 'bare', image: '', env: {}, ports: [], mode: 'replicated', replicas: 1});
    expect(view.updateConfig).toBeNull();
  });

  it('takes the digest from the pinned reference, else from the resolved image', () => {
    const spec = structuredClone(service.Spec);
    spec.TaskTemplate.ContainerSpec!.Image = `registry.example/app:2@${DIGEST}`;
    expect(viewOf(spec)).toMatchObject({image: 'registry.example/app:2', imageDigest: DIGEST});

    const pin: ImagePin = {ref: 'dokroll-fixture:v1', imageId: IMAGE_ID, pinned: IMAGE_ID};
    expect(viewOf(service.Spec, pin).imageDigest).toBe(IMAGE_ID);
    const registryPin: ImagePin = {
      ...pin,
      repoDigest: `registry.example/app@${DIGEST}`,
      pinned: `registry.example/app@${DIGEST}`,
    };
    expect(viewOf(service.Spec, registryPin).imageDigest).toBe(DIGEST);
  });

  it('maps job modes', () => {
    expect(viewOf({Name: 'j', TaskTemplate: {}, Mode: {ReplicatedJob: {}}} as ServiceSpec).mode).toBe('replicated-job');
    expect(viewOf({Name: 'j', TaskTemplate: {}, Mode: {GlobalJob: {}}} as ServiceSpec).mode).toBe('global-job');
  });
});

describe('envToMap', () => {
  it('keeps empty values, bare names, and the last duplicate', () => {
    expect(envToMap(['A=', 'B', 'C=1', 'C=2'])).toEqual({A: '', B: '', C: '2'});
  });
});

describe('makeSnapshot', () => {
  it('stores the complete spec untouched (fields the view ignores included) with its view and image', () => {
    const pin = {ref: 'dokroll-fixture:v1', imageId: IMAGE_ID, pinned: IMAGE_ID, where: 'local'};
    const snapshot = makeSnapshot(service.Spec, pin);
    expect(snapshot.spec).toEqual(service.Spec);
    expect(snapshot.spec).not.toBe(service.Spec);
    expect((snapshot.spec.TaskTemplate.ContainerSpec as Record<string, unknown>).Isolation).toBe('default');
    expect(snapshot.image).toEqual({ref: 'dokroll-fixture:v1', imageId: IMAGE_ID, pinned: IMAGE_ID});
    expect(snapshot.view).toEqual(viewOf(service.Spec, pin));
  });

  it('survives a JSON round trip unchanged, as the store keeps it', () => {
    const snapshot = makeSnapshot(service.Spec, {ref: 'x', pinned: 'x'}, {networkNames});
    expect(JSON.parse(JSON.stringify(snapshot))).toEqual(snapshot);
  });
});
