import {describe, expect, it} from 'vitest';
import {modeOf, overridesOf} from '../../../source/cli/commands/rollback.js';
import {
  healthLine,
  jsonHealth,
  jsonPreflight,
  jsonProgress,
  jsonVerdict,
  preflightLines,
  progressLine,
  RESULT_EXIT,
  verdictLines,
} from '../../../source/cli/rollout-output.js';
import {diffSnapshots} from '../../../source/domain/diff.js';
import type {RolloutProgress} from '../../../source/domain/rollout-progress.js';
import {viewOf} from '../../../source/domain/snapshot.js';
import type {RolloutOutcome, RolloutPlan} from '../../../source/services/rollback/index.js';
import {loadService} from '../../support/payload-fixtures.js';

const progress: RolloutProgress = {
  phase: 'updating',
  updateState: 'updating',
  slotsDone: 1,
  slotsTotal: 3,
  slots: [
    {
      slot: '1',
      slotNumber: 1,
      nodeId: 'n1',
      done: true,
      doneAt: 1,
      new: {id: 'a', state: 'running', desiredState: 'running', health: 'healthy', since: 1},
    },
    {
      slot: '2',
      slotNumber: 2,
      nodeId: 'n1',
      done: false,
      old: {id: 'b', state: 'running', desiredState: 'running', since: 1},
      new: {id: 'c', state: 'starting', desiredState: 'running', health: 'starting', since: 2},
    },
    {
      slot: '3',
      slotNumber: 3,
      nodeId: 'n1',
      done: false,
      old: {id: 'd', state: 'running', desiredState: 'running', since: 1},
    },
  ],
  elapsedMs: 12_345,
  etaMs: 2100,
  message: 'update in progress',
  converged: false,
  errors: [],
};

const service = loadService('service-replicated.json');
const changed = structuredClone(service.Spec);
changed.TaskTemplate.ContainerSpec!.Env = ['APP_VERSION=v2', 'DB_PASSWORD=swordfish'];

const plan = {
  kind: 'rollback',
  serviceName: 'web',
  service,
  mode: 'full',
  fromVersion: 4,
  toVersion: 2,
  target: changed,
  targetImage: {ref: 'app', pinned: 'app'},
  targetHash: 'a',
  liveHash: 'b',
  settings: {order: 'start-first', parallelism: 1, delayMs: 0, monitorMs: 1000, failureAction: 'pause'},
  notes: ['order stop-first: because'],
  report: {
    ok: false,
    checks: [
      {name: 'service', ok: true, detail: 'exists'},
      {
        name: 'image',
        ok: false,
        detail: 'rollback image not found: app (tried: local image store, registry docker.io)',
      },
    ],
    diff: diffSnapshots(viewOf(service.Spec), viewOf(changed)),
  },
  failure: {kind: 'failed', message: 'rollback image not found: app'},
} satisfies RolloutPlan;

const outcome: RolloutOutcome = {
  kind: 'rollback',
  result: 'healthy',
  service: 'web',
  from: 4,
  to: 2,
  recordedVersion: 5,
  durationMs: 9_800,
  reasons: ['3/3 running, no restarts'],
  errors: [],
};

describe('human output of a rollout', () => {
  it('is one line per progress report: elapsed, phase, slots old → new, ETA', () => {
    expect(progressLine(progress)).toBe(
      '[12.3s] updating 1/3 slots  slot 1: running (new, healthy)  slot 2: running → starting (new, starting)  slot 3: running  ' +
        'eta 3s  (update in progress)',
    );
    expect(progressLine({...progress, errors: ['slot 2: task: non-zero exit (1)']})).toMatch(
      /error: slot 2: task: non-zero exit \(1\)$/,
    );
  });

  it('shows the pre-flight checks, the changes with secrets masked, the update settings and notes', () => {
    const lines = preflightLines(plan).join('\n');
    expect(lines).toContain('rollback web: v4 → v2 (full spec)');
    expect(lines).toMatch(/ {2}FAIL {2}image {4}rollback image not found/);
    expect(lines).toContain('changes (live → v2):');
    expect(lines).toContain('DB_PASSWORD');
    expect(lines).not.toMatch(/hunter2|swordfish/);
    expect(lines).toContain('update: start-first, parallelism 1, delay 0s, monitor 1s, on failure pause');
    expect(lines).toContain('note: order stop-first: because');
  });

  it('ends with a verdict line naming the result, the versions and the recorded version', () => {
    expect(verdictLines(outcome)).toEqual([
      'healthy: rollback of web from v4 to v2 (recorded as v5) in 9.8s — 3/3 running, no restarts',
    ]);
    const failed = verdictLines({
      ...outcome,
      result: 'failed',
      recordedVersion: null,
      reasons: ['Swarm paused the update'],
      errors: ['slot 1: boom'],
    });
    expect(failed).toEqual([
      'failed: rollback of web from v4 to v2 in 9.8s — Swarm paused the update',
      '  task error: slot 1: boom',
    ]);
    expect(verdictLines({...outcome, result: 'conflict', reasons: ["conflict: service 'web' was changed"]})[0]).toBe(
      "conflict: service 'web' was changed",
    );
  });

  it('shows the health watch as it goes', () => {
    const verdict = {
      status: 'pending' as const,
      reasons: ['3/3 running, watching'],
      restarts: 0,
      running: 3,
      desired: 3,
    };
    expect(healthLine(1500, 30_000, verdict)).toBe('[health 1.5s/30.0s] watching: 3/3 running, watching');
  });
});

describe('--json output of a rollout', () => {
  it('is one object per line with a type: preflight, progress, health, verdict', () => {
    const lines = [
      jsonPreflight(plan),
      jsonProgress(progress),
      jsonHealth(1, 2, {status: 'healthy', reasons: [], restarts: 0, running: 3, desired: 3}),
      jsonVerdict(outcome),
    ];
    for (const line of lines) expect(JSON.parse(JSON.stringify(line))).toEqual(line);
    expect(lines.map((l) => l.type)).toEqual(['preflight', 'progress', 'health', 'verdict']);
  });

  it('preflight carries the checks, the diff and the settings', () => {
    const line = jsonPreflight(plan);
    expect(line).toMatchObject({service: 'web', from: 4, to: 2, mode: 'full', ok: false, kind: 'rollback'});
    expect(line.checks[1]).toEqual({
      name: 'image',
      ok: false,
      detail: expect.stringContaining('rollback image not found'),
    });
    expect(line.diff.changed).toBe(true);
    expect(
      line.diff.sections
        .find((s) => s.section === 'env')
        ?.changes.every((c) => !/swordfish|hunter2/.test(`${c.old}${c.new}`)),
    ).toBe(true);
    expect(line.settings.order).toBe('start-first');
  });

  it('progress carries phase, slots, ETA and errors', () => {
    const line = jsonProgress(progress);
    expect(line).toMatchObject({
      phase: 'updating',
      slotsDone: 1,
      slotsTotal: 3,
      etaMs: 2100,
      elapsedMs: 12_345,
      errors: [],
    });
    expect(line.slots[2]).toEqual({slot: '3', done: false, old: progress.slots[2]!.old, new: null});
  });

  it('the verdict carries result, versions, duration and reasons', () => {
    expect(jsonVerdict(outcome)).toEqual({
      type: 'verdict',
      kind: 'rollback',
      result: 'healthy',
      service: 'web',
      from: 4,
      to: 2,
      recordedVersion: 5,
      durationMs: 9800,
      reasons: ['3/3 running, no restarts'],
      errors: [],
      health: null,
    });
  });
});

describe('rollback options', () => {
  it('exit codes: 0 healthy, 1 failed or reverted, 3 degraded, 4 conflict, 130 interrupted', () => {
    expect(RESULT_EXIT).toEqual({healthy: 0, failed: 1, reverted: 1, degraded: 3, conflict: 4, interrupted: 130});
  });

  it('--image-only and --config-only pick the mode and exclude each other', () => {
    expect(modeOf(false, false)).toBe('full');
    expect(modeOf(true, false)).toBe('image');
    expect(modeOf(false, true)).toBe('config');
    expect(() => modeOf(true, true)).toThrow(/exclude each other/);
  });

  it('--parallelism, --order and --delay are checked and become overrides', () => {
    expect(overridesOf({})).toEqual({});
    expect(overridesOf({parallelism: '0', order: 'stop-first', delay: '1m30s'})).toEqual({
      parallelism: 0,
      order: 'stop-first',
      delayMs: 90_000,
    });
    expect(() => overridesOf({parallelism: '-1'})).toThrow(/--parallelism: expected a whole number/);
    expect(() => overridesOf({order: 'random'})).toThrow(/--order: expected start-first or stop-first/);
    expect(() => overridesOf({delay: '5'})).toThrow(/--delay: expected a duration/);
  });
});
