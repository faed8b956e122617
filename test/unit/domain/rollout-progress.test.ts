import {describe, expect, it} from 'vitest';
import type {Service, Task} from '../../../source/docker/schemas.js';
import {
  isTaskOnCurrentSpec,
  rolloutProgress,
  type RolloutPhase,
  type RolloutProgress,
} from '../../../source/domain/rollout-progress.js';
import {loadRollout, type RolloutFixture} from '../../support/payload-fixtures.js';

/** Replays a recorded update as a poller would: the state before the call, then every recorded poll. */
function replay(name: RolloutFixture, opts: {baseline?: boolean} = {}): {at: number; progress: RolloutProgress}[] {
  const recording = loadRollout(name);
  const before = recording.before.service;
  const baseline =
    opts.baseline === false
      ? undefined
      : {versionIndex: before.Version.Index, updateStartedAt: before.UpdateStatus?.StartedAt ?? null};
  const frames = [
    {at: 0, service: before, tasks: recording.before.tasks, containerHealth: undefined},
    ...recording.frames,
  ];
  let previous: RolloutProgress | null = null;
  return frames.map((frame) => {
    const progress = rolloutProgress({
      service: frame.service,
      tasks: frame.tasks,
      startedAt: 0,
      now: frame.at,
      previous,
      containerHealth: frame.containerHealth,
      baseline,
    });
    previous = progress;
    return {at: frame.at, progress};
  });
}

/** Phases in order of appearance, consecutive repeats collapsed. */
const phases = (steps: {progress: RolloutProgress}[]): RolloutPhase[] =>
  steps.map((s) => s.progress.phase).filter((phase, i, all) => i === 0 || all[i - 1] !== phase);

describe('a start-first rolling update of 3 replicas', () => {
  const steps = replay('rollout-start-first');
  const last = steps.at(-1)!.progress;

  it('goes preparing → updating → monitoring → done', () => {
    expect(phases(steps)).toEqual(['preparing', 'updating', 'monitoring', 'done']);
  });

  it('counts finished slots up one at a time, never down', () => {
    const done = steps.map((s) => s.progress.slotsDone);
    for (let i = 1; i < done.length; i += 1) expect(done[i]).toBeGreaterThanOrEqual(done[i - 1]);
    expect([...new Set(done)]).toEqual([0, 1, 2, 3]);
    expect(steps.every((s) => s.progress.slotsTotal === 3)).toBe(true);
  });

  it('shows old and new task side by side while a slot is replaced', () => {
    const replacing = steps.find((s) => s.progress.slots.some((slot) => slot.new?.state === 'starting'))!;
    const slot = replacing.progress.slots.find((s) => s.new?.state === 'starting')!;
    expect(slot.old).toMatchObject({state: 'running', desiredState: 'running'});
    expect(slot.new).toMatchObject({desiredState: 'running', health: 'starting'});
    expect(slot.done).toBe(false);
  });

  it('is monitoring only once every slot runs the new spec', () => {
    for (const {progress} of steps) {
      if (progress.phase === 'monitoring') expect(progress.converged).toBe(true);
      if (progress.phase === 'updating') expect(progress.converged).toBe(false);
    }
  });

  it('ends converged with three new running tasks, the old ones shut down, and no errors', () => {
    expect(last).toMatchObject({phase: 'done', updateState: 'completed', converged: true, slotsDone: 3, etaMs: null});
    expect(last.message).toBe('update completed');
    expect(last.slots.map((s) => s.slot)).toEqual(['1', '2', '3']);
    expect(last.slots.every((s) => s.new?.state === 'running' && s.old?.desiredState === 'shutdown')).toBe(true);
    expect(last.errors).toEqual([]);
  });

  it('estimates the time left from the time finished slots took', () => {
    const firstDone = steps.find((s) => s.progress.slotsDone === 1)!;
    expect(firstDone.progress.etaMs).toBe(2 * firstDone.at);
    const etas = steps
      .filter((s) => s.progress.phase === 'updating' && s.progress.etaMs !== null)
      .map((s) => s.progress.etaMs!);
    expect(etas.length).toBeGreaterThan(2);
    expect(etas.at(-1)!).toBeLessThan(etas[0]);
    expect(steps.filter((s) => s.progress.slotsDone === 0).every((s) => s.progress.etaMs === null)).toBe(true);
  });

  it('remembers when each slot finished across polls', () => {
    const firstDone = steps.find((s) => s.progress.slotsDone === 1)!;
    const slot = firstDone.progress.slots.find((s) => s.done)!;
    expect(last.slots.find((s) => s.slot === slot.slot)?.doneAt).toBe(firstDone.at);
  });

  it('reports elapsed time from the start given by the caller', () => {
    expect(last.elapsedMs).toBe(steps.at(-1)!.at);
  });
});

describe('an update that Swarm rolled back', () => {
  const steps = replay('rollout-rolled-back');
  const last = steps.at(-1)!.progress;

  it('goes updating → rolling-back → rolled-back', () => {
    expect(phases(steps)).toEqual(['preparing', 'updating', 'rolling-back', 'rolled-back']);
  });

  it('carries Swarm’s message and the failed task’s error', () => {
    const rolling = steps.find((s) => s.progress.phase === 'rolling-back')!.progress;
    expect(rolling.message).toMatch(/^update rolled back due to failure or early termination of task /);
    expect(rolling.errors).toContain('slot 3: task: non-zero exit (1)');
    expect(last.message).toBe('rollback completed');
  });

  it('reports an unhealthy new container before Swarm reacts', () => {
    const unhealthy = steps.find((s) => s.progress.errors.includes('slot 3: container unhealthy'));
    expect(unhealthy?.progress.phase).toBe('updating');
  });

  it('ends converged on the restored spec', () => {
    expect(last.converged).toBe(true);
    expect(last.slotsDone).toBe(3);
    expect(last.slots.find((s) => s.slot === '3')?.old?.state).toMatch(/shutdown|failed/);
  });
});

describe('an update rolled back for failing health checks', () => {
  it('ends rolled-back although the bad task exited 0', () => {
    const steps = replay('rollout-unhealthy-rolled-back');
    expect(phases(steps)).toEqual(['preparing', 'updating', 'rolling-back', 'rolled-back']);
    const last = steps.at(-1)!.progress;
    expect(last.slots[0].old).toMatchObject({state: 'complete', exitCode: 0, health: 'unhealthy'});
  });
});

describe('an update paused on failure', () => {
  const steps = replay('rollout-paused');
  const last = steps.at(-1)!.progress;

  it('stops in the paused phase without converging', () => {
    expect(phases(steps)).toEqual(['preparing', 'updating', 'paused']);
    expect(last).toMatchObject({phase: 'paused', updateState: 'paused', converged: false, slotsDone: 0, etaMs: null});
    expect(last.message).toMatch(/^update paused due to failure or early termination of task /);
    expect(last.errors).toContain('slot 3: task: non-zero exit (1)');
  });

  it('shows the replacement waiting in desired state ready', () => {
    expect(last.slots.find((s) => s.slot === '3')?.new).toMatchObject({desiredState: 'ready'});
  });
});

describe('a forced redeploy of a global service', () => {
  const steps = replay('rollout-global-forced');
  const last = steps.at(-1)!.progress;

  it('groups tasks by node, as they all have slot 0', () => {
    const nodeId = last.slots[0].nodeId!;
    expect(last.slots).toHaveLength(1);
    expect(last.slots[0]).toMatchObject({slot: nodeId, slotNumber: null});
    expect(last.slotsTotal).toBe(1);
  });

  it('treats tasks from before the ForceUpdate bump as old', () => {
    expect(phases(steps)).toEqual(['preparing', 'updating', 'monitoring', 'done']);
    expect(last.slots[0].old?.desiredState).toBe('shutdown');
    expect(last.slots[0].new?.state).toBe('running');
  });

  it('waits in preparing while Swarm has not set the update status yet', () => {
    const unset = steps.find((s) => s.at > 0 && s.progress.updateState === null)!;
    expect(unset.progress.phase).toBe('preparing');
  });
});

describe('an update that only changed published ports', () => {
  it('still sees old and new tasks (identical task specs, told apart by creation time)', () => {
    const steps = replay('rollout-ports-only');
    expect(phases(steps)).toEqual(['preparing', 'updating', 'monitoring', 'done']);
    const done = steps.map((s) => s.progress.slotsDone);
    expect([...new Set(done)]).toEqual([0, 1, 2]);
    const last = steps.at(-1)!.progress;
    expect(last.slots.map((s) => [s.old?.desiredState, s.new?.desiredState])).toEqual([
      ['shutdown', 'running'],
      ['shutdown', 'running'],
    ]);
  });
});

describe('a version that crashes after the update completed', () => {
  it('stays done but reports lost convergence and the crash errors', () => {
    const steps = replay('rollout-crash-loop');
    const afterCrash = steps.filter((s) => s.progress.phase === 'done' && !s.progress.converged);
    expect(afterCrash.length).toBeGreaterThan(0);
    expect(afterCrash.at(-1)!.progress.errors).toEqual([
      'slot 1: task: non-zero exit (3)',
      'slot 2: task: non-zero exit (3)',
    ]);
  });
});

describe('without a baseline', () => {
  it('cannot tell the pre-update state from a finished one, but follows the update itself', () => {
    const steps = replay('rollout-start-first', {baseline: false});
    expect(steps[0].progress.phase).toBe('done');
    expect(phases(steps.slice(1))).toEqual(['updating', 'monitoring', 'done']);
  });

  it('ignores a status left over from the previous update', () => {
    const recording = loadRollout('rollout-start-first');
    const frame = recording.frames[0];
    const stale = {...frame.service, UpdateStatus: {...recording.frames.at(-1)!.service.UpdateStatus}} as Service;
    const progress = rolloutProgress({
      service: stale,
      tasks: frame.tasks,
      startedAt: 0,
      now: frame.at,
      baseline: {updateStartedAt: stale.UpdateStatus!.StartedAt},
    });
    expect(progress).toMatchObject({phase: 'updating', updateState: null, message: null});
  });
});

describe('edge cases', () => {
  const recording = loadRollout('rollout-start-first');
  const final = recording.frames.at(-1)!;

  it('maps a paused rollback to failed', () => {
    const service = {...final.service, UpdateStatus: {State: 'rollback_paused', Message: 'rollback paused'}} as Service;
    const progress = rolloutProgress({service, tasks: final.tasks, startedAt: 0, now: 1});
    expect(progress.phase).toBe('failed');
  });

  it('counts a slot with no task yet as not done', () => {
    const scaled = structuredClone(final.service);
    scaled.Spec.Mode = {Replicated: {Replicas: 4}};
    const progress = rolloutProgress({service: scaled, tasks: final.tasks, startedAt: 0, now: 1});
    expect(progress.slotsTotal).toBe(4);
    expect(progress.slots.find((s) => s.slot === '4')).toEqual({slot: '4', slotNumber: 4, nodeId: null, done: false});
    expect(progress.converged).toBe(false);
  });

  it('ignores tasks on nodes that are down', () => {
    const progress = rolloutProgress({
      service: final.service,
      tasks: final.tasks,
      startedAt: 0,
      now: 1,
      activeNodeIds: [],
    });
    expect(progress.slotsDone).toBe(0);
  });

  it('says on the slot which node its task was lost with, and why, when that node is down', () => {
    const lostTask = final.tasks.find((t) => t.DesiredState === 'running' && t.Slot === 1)!;
    const others = final.tasks.filter((t) => t.NodeID !== lostTask.NodeID).map((t) => t.NodeID!);
    const nodes = [
      {ID: lostTask.NodeID!, Description: {Hostname: 'web-2'}, Status: {State: 'down', Message: 'heartbeat failure'}},
      {ID: 'elsewhere', Description: {Hostname: 'web-1'}, Status: {State: 'ready'}},
    ];
    const progress = rolloutProgress({
      service: final.service,
      tasks: final.tasks,
      startedAt: 0,
      now: 1,
      nodes,
      activeNodeIds: ['elsewhere', ...others],
    });
    const slot = progress.slots.find((s) => s.slot === '1')!;
    expect(slot.lost).toBe('node web-2 is down (heartbeat failure): its task is rescheduled');
    expect(slot.done).toBe(false);
  });

  it('keeps the note on a slot whose task Swarm already rescheduled, while the node could not report it ended', () => {
    const lostTask = final.tasks.find((t) => t.DesiredState === 'running' && t.Slot === 1)!;
    const rescheduled = {
      ...lostTask,
      DesiredState: 'shutdown',
      Status: {...lostTask.Status, State: 'starting'},
      Version: {Index: 500},
    } as Task;
    const tasks = final.tasks.map((t) => (t.ID === lostTask.ID ? rescheduled : t));
    const others = final.tasks.filter((t) => t.NodeID !== lostTask.NodeID).map((t) => t.NodeID!);
    const nodes = [
      {ID: lostTask.NodeID!, Description: {Hostname: 'web-2'}, Status: {State: 'down', Message: 'heartbeat failure'}},
    ];
    const input = {service: final.service, tasks, startedAt: 0, now: 1, nodes, activeNodeIds: others};
    const slot = (baseline: number) =>
      rolloutProgress({...input, baseline: {versionIndex: baseline}}).slots.find((s) => s.slot === '1')!;
    expect(slot(400).lost).toBe('node web-2 is down (heartbeat failure): its task was rescheduled');
    // A task the node took down with it before this update is not this update's.
    expect(slot(600).lost).toBeUndefined();
  });

  it('says on the slot that its node was drained and where its task was rescheduled, for tasks shut down during this update', () => {
    const moved = final.tasks.find((t) => t.DesiredState === 'running' && t.Slot === 1)!;
    const shutDown = {
      ...moved,
      ID: 'drained-task',
      NodeID: 'drained-node',
      DesiredState: 'shutdown',
      Status: {...moved.Status, State: 'shutdown'},
      Version: {Index: 500},
    } as Task;
    const nodes = [
      {ID: 'drained-node', Description: {Hostname: 'web-2'}, Spec: {Availability: 'drain'}, Status: {State: 'ready'}},
      {ID: moved.NodeID!, Description: {Hostname: 'web-1'}, Status: {State: 'ready'}},
    ];
    const input = {service: final.service, tasks: [...final.tasks, shutDown], startedAt: 0, now: 1, nodes};
    const slot = (baseline: number) =>
      rolloutProgress({...input, baseline: {versionIndex: baseline}}).slots.find((s) => s.slot === '1')!;
    expect(slot(400).lost).toBe('node web-2 was drained: its task was shut down, rescheduled on web-1');
    // Shut down before this update: not this update's.
    expect(slot(600).lost).toBeUndefined();
  });

  it('ignores tasks of other services', () => {
    const foreign = final.tasks.map((t) => ({...t, ServiceID: 'other'})) as Task[];
    expect(rolloutProgress({service: final.service, tasks: foreign, startedAt: 0, now: 1}).slotsDone).toBe(0);
  });
});

describe('isTaskOnCurrentSpec', () => {
  it('agrees with the spec each recorded task was created from', () => {
    const recording = loadRollout('rollout-start-first');
    const final = recording.frames.at(-1)!;
    const current = final.tasks.filter((t) => isTaskOnCurrentSpec(t, final.service));
    expect(current).toHaveLength(3);
    expect(current.every((t) => t.DesiredState === 'running')).toBe(true);
  });
});
