import {describe, expect, it} from 'vitest';
import type {Task} from '../../../source/docker/schemas.js';
import {
  healthVerdict,
  initialHealthState,
  observeHealth,
  type HealthObservation,
  type HealthWatchState,
} from '../../../source/domain/health-verdict.js';
import {loadRollout, type RolloutFrame, type RolloutRecording} from '../../support/payload-fixtures.js';

/** The task template the update deployed (the spec while UpdateStatus said 'updating'). */
const deployedTemplate = (recording: RolloutRecording) =>
  recording.frames.find((f) => f.service.UpdateStatus?.State === 'updating')!.service.Spec.TaskTemplate;

function observation(frame: RolloutFrame, template: HealthObservation['specTemplate']): HealthObservation {
  const replicas = frame.service.Spec.Mode?.Replicated?.Replicas;
  return {
    at: frame.at,
    tasks: frame.tasks,
    desiredReplicas: replicas ?? null,
    specTemplate: template,
    containerHealth: frame.containerHealth,
  };
}

function watch(frames: RolloutFrame[], template: HealthObservation['specTemplate']): HealthWatchState {
  return frames.reduce((state, frame) => observeHealth(state, observation(frame, template)), initialHealthState());
}

describe('watching a version that rolled out cleanly', () => {
  const recording = loadRollout('rollout-start-first');
  const template = deployedTemplate(recording);

  it('is pending during the window and healthy at its end', () => {
    const state = watch(recording.frames, template);
    expect(healthVerdict(state, {final: false}).status).toBe('pending');
    expect(healthVerdict(state, {final: true})).toEqual({
      status: 'healthy',
      reasons: ['3/3 running, no restarts'],
      restarts: 0,
      running: 3,
      desired: 3,
    });
  });

  it('does not blame the version for old tasks that turn unhealthy while being stopped', () => {
    const last = recording.frames.at(-1)!;
    expect(Object.values(last.containerHealth ?? {})).toContain('unhealthy');
    expect(healthVerdict(watch(recording.frames, template), {final: true}).status).toBe('healthy');
  });

  it('is degraded when the window ends before every replica runs', () => {
    const midway = recording.frames.filter((f) => f.at < 1500);
    const verdict = healthVerdict(watch(midway, template), {final: true});
    expect(verdict.status).toBe('degraded');
    expect(verdict.reasons).toEqual(['1/3 tasks running']);
  });
});

describe('watching a version that crashes after the update completed', () => {
  const recording = loadRollout('rollout-crash-loop');
  const template = deployedTemplate(recording);
  const completedAt = recording.frames.findIndex((f) => f.service.UpdateStatus?.State === 'completed');
  const window = recording.frames.slice(completedAt);

  it('starts pending: the update itself completed without trouble', () => {
    expect(healthVerdict(watch(window.slice(0, 2), template), {final: false}).status).toBe('pending');
  });

  it('is degraded after one restart if the window ends there', () => {
    const untilSecondCrash = window.filter((f) => f.tasks.filter((t) => t.Status.State === 'failed').length < 2);
    const verdict = healthVerdict(watch(untilSecondCrash, template), {final: true});
    expect(verdict).toMatchObject({status: 'degraded', restarts: 1, running: 1, desired: 2});
    expect(verdict.reasons).toContain('1 task restarted (last: task: non-zero exit (3))');
  });

  it('fails as a crash loop as soon as a second task of the version fails, before the window ends', () => {
    let state = initialHealthState();
    const statuses: string[] = [];
    for (const frame of window) {
      state = observeHealth(state, observation(frame, template));
      statuses.push(healthVerdict(state, {final: false}).status);
    }
    const firstFailed = statuses.indexOf('failed');
    expect(firstFailed).toBeGreaterThan(0);
    expect(statuses.slice(firstFailed).every((s) => s === 'failed')).toBe(true);
    const verdict = healthVerdict(state, {final: true});
    expect(verdict.status).toBe('failed');
    expect(verdict.reasons[0]).toMatch(
      /^crash loop: 4 tasks of this version failed \(last: task: non-zero exit \(3\)\)$/,
    );
    expect(verdict.restarts).toBe(4);
  });

  it('honours a higher crash-loop threshold', () => {
    const state = watch(window, template);
    expect(healthVerdict(state, {final: false, crashLoopFailures: 5}).status).toBe('pending');
  });

  it('ignores failures that were already history when the watch began', () => {
    const state = watch([recording.frames.at(-1)!], template);
    expect(state.ignoredTaskIds.length).toBeGreaterThanOrEqual(4);
    expect(healthVerdict(state, {final: true})).toMatchObject({status: 'healthy', restarts: 0, running: 2});
  });

  it('counts a task that exited 0 and was replaced as a restart', () => {
    const cleanExits = window.map((frame) => ({
      ...frame,
      tasks: frame.tasks.map((t) =>
        t.Status.State === 'failed'
          ? ({
              ...t,
              Status: {
                ...t.Status,
                State: 'complete',
                Err: undefined,
                ContainerStatus: {...t.Status.ContainerStatus, ExitCode: 0},
              },
            } as Task)
          : t,
      ),
    }));
    const verdict = healthVerdict(watch(cleanExits, template), {final: true});
    expect(verdict.status).toBe('failed');
    expect(verdict.restarts).toBe(4);
    expect(verdict.reasons[0]).toContain('(last: exit code 0)');
  });
});

describe('watching a version Swarm rolled back', () => {
  it('fails the bad version: it failed once and no task of it is left running, naming the failure', () => {
    const recording = loadRollout('rollout-rolled-back');
    const state = watch(recording.frames, deployedTemplate(recording));
    expect(healthVerdict(state, {final: false}).status).toBe('pending');
    expect(healthVerdict(state, {final: true})).toMatchObject({
      status: 'failed',
      reasons: ['no task of this version is running (0/3) (last: task: non-zero exit (1))'],
      restarts: 1,
      running: 0,
    });
  });

  it('finds the restored version healthy (the rollback health watch)', () => {
    const recording = loadRollout('rollout-rolled-back');
    const restored = recording.frames.at(-1)!.service.Spec.TaskTemplate;
    const fromRollback = recording.frames.filter((f) => f.service.UpdateStatus?.State !== 'updating');
    expect(healthVerdict(watch(fromRollback, restored), {final: true}).status).toBe('healthy');
  });

  it('fails a version whose only trace of failure is its container health', () => {
    const recording = loadRollout('rollout-unhealthy-rolled-back');
    const template = deployedTemplate(recording);
    const state = watch(recording.frames, template);
    expect(Object.values(state.unhealthy)).toHaveLength(1);
    const verdict = healthVerdict(state, {final: true});
    expect(verdict.status).toBe('failed');
    expect(verdict.restarts).toBe(0);
    // No task failed as Swarm sees it: the cause is the health check, and the reason says so.
    expect(verdict.reasons).toEqual([
      `no task of this version is running (0/${verdict.desired}) (1 task went unhealthy: slot 1)`,
    ]);

    const whileUnhealthy = recording.frames.filter((f) => f.service.UpdateStatus?.State === 'updating');
    const early = healthVerdict(watch(whileUnhealthy, template), {final: true});
    expect(early.status).toBe('failed');
    expect(early.reasons).toContain('1 task unhealthy (slot 1)');
  });
});

describe('unhealthy tasks of the watched version', () => {
  const recording = loadRollout('rollout-start-first');
  const frame = recording.frames.at(-1)!;
  const template = frame.service.Spec.TaskTemplate;
  const running = frame.tasks.filter((t) => t.DesiredState === 'running');
  const sick = (at: number, ids: string[]): HealthObservation => ({
    ...observation(frame, template),
    at,
    containerHealth: Object.fromEntries(running.map((t) => [t.ID, ids.includes(t.ID) ? 'unhealthy' : 'healthy'])),
  });

  it('fail the version early once they stay unhealthy long enough', () => {
    let state = observeHealth(initialHealthState(), sick(0, [running[0].ID]));
    state = observeHealth(state, sick(4_000, [running[0].ID]));
    expect(healthVerdict(state, {final: false}).status).toBe('pending');
    state = observeHealth(state, sick(12_000, [running[0].ID]));
    expect(healthVerdict(state, {final: false})).toMatchObject({status: 'failed', running: 2});
    expect(healthVerdict(state, {final: false, unhealthyFailMs: 20_000}).status).toBe('pending');
  });

  it('leave the version degraded when they recover', () => {
    let state = observeHealth(initialHealthState(), sick(0, [running[0].ID]));
    state = observeHealth(state, sick(1_000, []));
    const verdict = healthVerdict(state, {final: true});
    expect(verdict).toMatchObject({status: 'degraded', running: 3});
    expect(verdict.reasons).toEqual(['1 task went unhealthy']);
  });
});

describe('the watch state', () => {
  const recording = loadRollout('rollout-global-forced');
  const template = recording.frames.at(-1)!.service.Spec.TaskTemplate;

  it('is pending before anything was observed', () => {
    expect(healthVerdict(initialHealthState(), {final: true}).status).toBe('pending');
  });

  it('derives the desired count of a global service from its nodes', () => {
    const verdict = healthVerdict(watch(recording.frames, template), {final: true});
    expect(verdict).toMatchObject({status: 'healthy', running: 1, desired: 1});
  });

  it('is a plain value: observing returns a new state and leaves the old one alone', () => {
    const first = observeHealth(initialHealthState(), observation(recording.frames[0], template));
    const snapshot = JSON.stringify(first);
    const second = observeHealth(first, observation(recording.frames.at(-1)!, template));
    expect(JSON.stringify(first)).toBe(snapshot);
    expect(second.observations).toBe(2);
    expect(JSON.parse(JSON.stringify(second))).toEqual(second);
  });
});
