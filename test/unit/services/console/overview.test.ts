import {describe, expect, it} from 'vitest';
import type {Service, Task} from '../../../../source/docker/schemas.js';
import {serviceHealth, summarizeService} from '../../../../source/services/console/overview.js';
import {toTaskRows, versionTemplateKey} from '../../../../source/services/console/task-rows.js';
import type {VersionRow} from '../../../../source/store/index.js';

const template = {ContainerSpec: {Image: 'web:1', Env: ['A=1']}};

function service(overrides: Partial<Service> = {}): Service {
  return {
    ID: 'svc1',
    Version: {Index: 10},
    CreatedAt: '2024-01-01T00:00:00Z',
    UpdatedAt: '2024-01-01T00:00:00Z',
    Spec: {Name: 'web', TaskTemplate: template, Mode: {Replicated: {Replicas: 3}}},
    ServiceStatus: {RunningTasks: 3, DesiredTasks: 3},
    ...overrides,
  };
}

describe('overview rows', () => {
  it('summarizes mode, replicas, live version, image and update state', () => {
    const live = {number: 4, health: 'good'} as VersionRow;
    const summary = summarizeService(service({UpdateStatus: {State: 'completed', Message: 'update completed'}}), live);
    expect(summary).toEqual({
      id: 'svc1',
      name: 'web',
      mode: 'replicated',
      running: 3,
      desired: 3,
      liveVersion: 4,
      image: 'web:1',
      updateState: 'completed',
      updateMessage: 'update completed',
      health: 'healthy',
    });
  });

  it('judges health from the update state, the replicas and the live version', () => {
    const all = {running: 3, desired: 3, updateState: null};
    expect(serviceHealth({...all, updateState: 'updating'}, null)).toBe('pending');
    expect(serviceHealth({...all, updateState: 'paused'}, null)).toBe('failed');
    expect(serviceHealth({...all, running: 0}, null)).toBe('failed');
    expect(serviceHealth({...all, running: 2}, {health: 'good'})).toBe('degraded');
    expect(serviceHealth({...all, updateState: 'rollback_completed'}, {health: 'good'})).toBe('degraded');
    expect(serviceHealth(all, {health: 'bad'})).toBe('failed');
    expect(serviceHealth(all, {health: 'pending'})).toBe('pending');
    expect(serviceHealth(all, {health: 'good'})).toBe('healthy');
    expect(serviceHealth(all, null)).toBe('healthy');
    expect(serviceHealth({running: 0, desired: 0, updateState: null}, null)).toBe('unknown');
  });
});

describe('task rows', () => {
  it('names the node, the version a task runs (forced redeploys included), its image and its error', () => {
    const tasks: Task[] = [
      {
        ID: 't1',
        ServiceID: 'svc1',
        Slot: 1,
        NodeID: 'node1',
        Spec: {...template, ForceUpdate: 2},
        DesiredState: 'running',
        Status: {State: 'running', Timestamp: '2024-01-01T00:00:05Z'},
      },
      {
        ID: 't0',
        ServiceID: 'svc1',
        Slot: 1,
        NodeID: 'node2',
        Spec: {ContainerSpec: {Image: 'web:0'}},
        DesiredState: 'shutdown',
        Status: {State: 'failed', Err: 'task: non-zero exit (1)', Timestamp: '2024-01-01T00:00:01Z'},
      },
    ];
    const rows = toTaskRows(tasks, {
      nodes: new Map([['node1', 'manager-1']]),
      versions: new Map([[versionTemplateKey(template), 4]]),
      health: {t1: 'healthy'},
    });
    expect(rows).toEqual([
      {
        id: 't0',
        slot: 1,
        node: 'node2',
        version: null,
        desiredState: 'shutdown',
        state: 'failed',
        since: Date.parse('2024-01-01T00:00:01Z'),
        error: 'task: non-zero exit (1)',
        image: 'web:0',
      },
      {
        id: 't1',
        slot: 1,
        node: 'manager-1',
        version: 4,
        desiredState: 'running',
        state: 'running',
        since: Date.parse('2024-01-01T00:00:05Z'),
        health: 'healthy',
        image: 'web:1',
      },
    ]);
  });
});
