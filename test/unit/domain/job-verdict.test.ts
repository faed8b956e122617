import {describe, expect, it} from 'vitest';
import type {Service, Task} from '../../../source/docker/schemas.js';
import {jobVerdict} from '../../../source/domain/job-verdict.js';

const template = {ContainerSpec: {Image: 'app:1', Args: ['-c', 'exit 0']}};
const service = {
  ID: 's1',
  Version: {Index: 10},
  CreatedAt: '',
  UpdatedAt: '',
  Spec: {Name: 'job', TaskTemplate: template, Mode: {ReplicatedJob: {MaxConcurrent: 1, TotalCompletions: 2}}},
} as unknown as Service;
const task = (slot: number, state: string, exitCode?: number, spec: object = template): Task =>
  ({
    ID: `t${slot}${state}`,
    ServiceID: 's1',
    Slot: slot,
    DesiredState: state === 'running' ? 'complete' : 'shutdown',
    Spec: spec,
    Status: {State: state, ...(exitCode === undefined ? {} : {ContainerStatus: {ExitCode: exitCode}})},
  }) as unknown as Task;

describe('jobVerdict', () => {
  it('is pending while a task of the version still runs, succeeded once the wanted completions are done', () => {
    expect(jobVerdict(service, [task(1, 'complete', 0), task(2, 'running')]).status).toBe('pending');
    expect(jobVerdict(service, [task(1, 'complete', 0), task(2, 'complete', 0)])).toMatchObject({
      status: 'succeeded',
      succeeded: 2,
      wanted: 2,
    });
  });

  it('fails with the exit codes when every task ended and too few succeeded', () => {
    expect(jobVerdict(service, [task(1, 'complete', 0), task(2, 'failed', 3)])).toEqual({
      status: 'failed',
      succeeded: 1,
      failed: 1,
      wanted: 2,
      failures: ['slot 2: exit code 3'],
    });
  });

  it('does not count tasks of another spec', () => {
    const other = {ContainerSpec: {Image: 'app:0'}};
    expect(jobVerdict(service, [task(1, 'complete', 0, other), task(2, 'complete', 0, other)]).status).toBe('pending');
  });
});
