import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {DaemonUnreachableError, ServiceNotFoundError, UpdateOutOfSequenceError} from '../../source/docker/errors.js';
import {serviceEvents, type StreamStatus} from '../../source/docker/event-stream.js';
import {connect, type DockerGateway} from '../../source/docker/gateway.js';
import type {DockerEvent} from '../../source/docker/schemas.js';
import {trackService} from '../support/cleanup.js';
import {createTestService, dockerOk, fixtureImageId, testbed, uniqueName, waitFor} from '../support/swarm.js';

let gateway: DockerGateway;

beforeAll(async () => {
  gateway = await connect({host: `unix://${testbed.socketPath}`, env: {}});
});
afterAll(() => gateway?.close());

/** Consumes an async iterable in the background, collecting what it yields. */
function collect<T>(iterable: AsyncIterable<T>): {items: T[]; done: Promise<void>} {
  const items: T[] = [];
  const done = (async () => {
    for await (const item of iterable) items.push(item);
  })();
  return {items, done};
}

describe('Docker gateway on the local swarm', () => {
  it('connects, pins API 1.41 and confirms the node is a swarm manager', async () => {
    expect(gateway.apiVersion).toBe('1.41');
    const info = await gateway.assertManager();
    expect(info).toMatchObject({isManager: true, nodeState: 'active', apiVersion: '1.41'});
    expect(info.swarmId).toBe((await dockerOk(['info', '-f', '{{.Swarm.Cluster.ID}}'])).trim());
    expect(info.nodeId).toBe((await dockerOk(['info', '-f', '{{.Swarm.NodeID}}'])).trim());
    const nodes = await gateway.listNodes();
    expect(nodes.map((n) => n.ID)).toContain(info.nodeId);
  });

  it('lists and inspects a service and lists its tasks in one request', async () => {
    const svc = await createTestService({prefix: 'gw-list', replicas: 2, health: false});
    const listed = await gateway.listServices();
    expect(listed.find((s) => s.ID === svc.id)?.Spec.Name).toBe(svc.name);

    const byName = await gateway.inspectService(svc.name);
    expect(byName.ID).toBe(svc.id);
    expect(byName.Spec.TaskTemplate.ContainerSpec?.Image).toBe(svc.image);
    expect((await gateway.findService(svc.id))?.Spec.Name).toBe(svc.name);

    const tasks = await waitFor(
      async () => {
        const before = gateway.requestCount;
        const found = await gateway.listTasks([svc.id]);
        expect(gateway.requestCount - before).toBe(1);
        return found.length >= 2 ? found : null;
      },
      {what: `two tasks of ${svc.name}`},
    );
    expect(new Set(tasks.map((t) => t.ServiceID))).toEqual(new Set([svc.id]));
  });

  it('keeps listing the tasks of the remaining services when one of them was removed', async () => {
    const svc = await createTestService({prefix: 'gw-gone', health: false});
    const tasks = await waitFor(
      async () => {
        const found = await gateway.listTasks([svc.id, `gone-${uniqueName()}`]);
        return found.length > 0 ? found : null;
      },
      {what: `a task of ${svc.name}`},
    );
    expect(tasks.every((t) => t.ServiceID === svc.id)).toBe(true);
  });

  it('reports an unknown service as ServiceNotFoundError', async () => {
    const name = uniqueName('gw-missing');
    await expect(gateway.inspectService(name)).rejects.toThrow(ServiceNotFoundError);
    await expect(gateway.inspectService(name)).rejects.toThrow(`unknown service '${name}'`);
    expect(await gateway.findService(name)).toBeNull();
    await expect(gateway.removeService(name)).rejects.toThrow(ServiceNotFoundError);
  });

  it('updates a service at its current version and refuses a stale version index', async () => {
    const svc = await createTestService({prefix: 'gw-update', health: false});
    // Right after creation Swarm's allocator may still bump the version itself: re-read and retry.
    const {read, spec} = await waitFor(
      async () => {
        const current = await gateway.inspectService(svc.id);
        const next = {...current.Spec, Labels: {...current.Spec.Labels, 'dokroll.gateway-test': 'first'}};
        await gateway.updateService(current.ID, current.Version.Index, next);
        return {read: current, spec: next};
      },
      {what: `an update of ${svc.name} at its current version`, timeoutMs: 10_000},
    );
    const after = await gateway.inspectService(svc.id);
    expect(after.Spec.Labels?.['dokroll.gateway-test']).toBe('first');
    expect(after.Version.Index).toBeGreaterThan(read.Version.Index);

    const stale = gateway.updateService(read.ID, read.Version.Index, {...spec, Labels: {...spec.Labels, late: '1'}});
    await expect(stale).rejects.toThrow(UpdateOutOfSequenceError);
    await expect(stale).rejects.toMatchObject({exitCode: 4});
  });

  it('creates and removes a service', async () => {
    const name = uniqueName('gw-create');
    trackService(name);
    const id = await gateway.createService({
      Name: name,
      Labels: {[testbed.serviceLabel]: '1'},
      TaskTemplate: {ContainerSpec: {Image: await fixtureImageId('v1')}},
      Mode: {Replicated: {Replicas: 1}},
    });
    expect((await gateway.inspectService(name)).ID).toBe(id);
    await gateway.removeService(id);
    expect(await gateway.findService(id)).toBeNull();
  });

  it('reads the health of a task container', async () => {
    const svc = await createTestService({prefix: 'gw-health', healthIntervalMs: 500});
    const health = await waitFor(
      async () => {
        const tasks = await gateway.listTasks([svc.id]);
        const container = tasks.find((t) => t.Status.ContainerStatus?.ContainerID)?.Status.ContainerStatus?.ContainerID;
        const status = container ? await gateway.inspectContainerHealth(container) : null;
        return status === 'healthy' ? status : null;
      },
      {what: `a healthy container of ${svc.name}`, timeoutMs: 30_000},
    );
    expect(health).toBe('healthy');
    expect(await gateway.inspectContainerHealth('0123456789ab-no-such-container')).toBeNull();
  });

  it('sees update events, and after losing the connection resumes with the events it missed', async () => {
    const svc = await createTestService({prefix: 'gw-events', health: false});
    const controller = new AbortController();
    const statuses: {status: StreamStatus; at: number}[] = [];
    const stream = collect<DockerEvent>(
      serviceEvents(gateway, {
        signal: controller.signal,
        // Long enough to make a change while disconnected, short enough for the replay buffer.
        initialBackoffMs: 4000,
        onStatus: (status) => statuses.push({status, at: Date.now()}),
      }),
    );
    const updatesOf = () => stream.items.filter((e) => e.Action === 'update' && e.Actor.ID === svc.id);
    try {
      await waitFor(() => statuses.some((s) => s.status === 'connected'), {what: 'the event stream to connect'});
      await dockerOk(['service', 'update', '--detach', '--label-add', 'phase=live', svc.id]);
      await waitFor(() => updatesOf().length >= 1, {what: 'a live update event'});

      const droppedAt = Date.now();
      expect(gateway.dropConnections()).toBeGreaterThanOrEqual(1);
      await waitFor(() => statuses.some((s) => s.status === 'disconnected' && s.at >= droppedAt), {
        what: 'the stream to notice the drop',
      });
      const beforeUpdate = Date.now();
      await dockerOk(['service', 'update', '--detach', '--label-add', 'phase=missed', svc.id]);
      const updatedAt = Date.now();

      const reconnected = await waitFor(() => statuses.find((s) => s.status === 'connected' && s.at >= droppedAt), {
        what: 'the stream to reconnect',
        timeoutMs: 20_000,
      });
      const missed = await waitFor(() => updatesOf().find((e) => e.timeNano / 1e6 >= beforeUpdate - 50), {
        what: 'the update made while disconnected',
        timeoutMs: 20_000,
      });
      // The update happened while disconnected, so it can only have come from the `since` replay.
      expect(reconnected.at).toBeGreaterThanOrEqual(updatedAt);
      expect(missed.Actor.Attributes?.name).toBe(svc.name);
      // The inclusive `since` replay did not deliver the first update twice.
      const keys = updatesOf().map((e) => `${e.timeNano}`);
      expect(new Set(keys).size).toBe(keys.length);
    } finally {
      controller.abort();
      await stream.done;
    }
  });

  it('resolves a local image to its image ID', async () => {
    const id = await fixtureImageId('v1');
    expect(await gateway.resolveImage(`${testbed.fixtureRepo}:v1`)).toMatchObject({
      imageId: id,
      pinned: id,
      where: 'local',
    });
    expect(await gateway.resolveImage(id)).toEqual({ref: id, imageId: id, pinned: id, where: 'local'});
    expect((await gateway.inspectImage(`${testbed.fixtureRepo}:v1`))?.Id).toBe(id);
    expect(await gateway.inspectImage(`${testbed.fixtureRepo}:no-such-tag`)).toBeNull();
  });

  it.each(['unix:///nonexistent.sock', 'tcp://127.0.0.1:1'])(
    'reports %s as an unreachable daemon in one line',
    async (host) => {
      const error = await connect({host, env: {}}).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DaemonUnreachableError);
      expect((error as Error).message).toMatch(
        new RegExp(`^cannot reach the Docker daemon at ${host.replace(/[/.]/g, '\\$&')}: connect E`),
      );
      expect((error as Error).message).not.toContain('\n');
    },
  );
});
