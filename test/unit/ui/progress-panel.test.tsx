import {afterEach, describe, expect, test} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {FakeConsoleModel, progress, rollout, service, version} from '../../support/fake-model.js';
import {KEYS, renderConsole} from '../../support/render-console.js';

afterEach(cleanup);

function model(web = rollout()): FakeConsoleModel {
  const m = new FakeConsoleModel({
    services: [service({name: 'web', liveVersion: 3}), service({name: 'api'})],
    rollouts: {web},
  });
  m.history.web = [version({number: 3}), version({number: 2}), version({number: 1})];
  return m;
}

async function openProgress(m = model()) {
  const ui = await renderConsole(m);
  await ui.waitFor('web');
  await ui.press('p');
  await ui.waitFor('rollback v3 → v1');
  return ui;
}

describe('progress panel', () => {
  test('shows a bar per slot with the old and new task state, overall progress, elapsed and ETA', async () => {
    const ui = await openProgress();
    const frame = ui.frame();
    expect(frame).toContain('elapsed 12s · ETA 8s');
    expect(frame).toMatch(/updating\s+█+░+ 1\/3 slots/);
    expect(frame).toContain('swarm: update in progress');
    const slot = (n: number) => ui.lines().find((l) => new RegExp(`^  ${n}\\s`).test(l)) ?? '';
    expect(slot(1)).toMatch(/◌ shutdown\s+→ ● running ✔\s+█+ done$/);
    expect(slot(2)).toMatch(/● running\s+→ ◌ starting\s+█+░+$/);
    expect(slot(3)).toMatch(/● running\s+→ —\s+░+$/);
    expect(frame).toContain('health watch: starts when the update has converged');
  });

  test('notes under a slot the node its task was lost with, and why', async () => {
    const base = progress();
    const lost = 'node web-2 is down (heartbeat failure): its task was rescheduled';
    const m = model(rollout({progress: {...base, slots: base.slots.map((s) => (s.slot === '2' ? {...s, lost} : s))}}));
    const ui = await openProgress(m);
    const lines = ui.lines();
    const row = lines.findIndex((l) => /^ {2}2\s/.test(l));
    expect(lines[row + 1]).toMatch(/^\s+⚠ node web-2 is down \(heartbeat failure\): its task was rescheduled/);
    expect(lines.some((l) => /^ {2}3\s/.test(l))).toBe(true);
  });

  test('shows the health watch, then the verdict and the result', async () => {
    const m = model();
    const ui = await openProgress(m);
    const converged = progress({
      phase: 'done',
      updateState: 'completed',
      slotsDone: 3,
      converged: true,
      etaMs: 0,
      message: null,
    });
    m.update((s) => ({
      ...s,
      rollouts: {
        web: rollout({
          progress: converged,
          verdict: {status: 'pending', reasons: ['3/3 running, watching'], restarts: 0, running: 3, desired: 3},
          watch: {elapsedMs: 12_400, windowMs: 30_000},
        }),
      },
    }));
    await ui.waitFor(/health watch: \S pending — 3\/3 running, watching · 12s of 30s/);
    expect(ui.frame()).toContain('✔ update completed');
    m.update((s) => ({
      ...s,
      rollouts: {
        web: rollout({
          progress: converged,
          done: true,
          result: 'healthy',
          verdict: {status: 'healthy', reasons: ['3/3 running, no restarts'], restarts: 0, running: 3, desired: 3},
        }),
      },
    }));
    await ui.waitFor('health watch: ✔ healthy — 3/3 running, no restarts');
    await ui.waitFor('✔ result: healthy');
  });

  test('elapsed, ETA and the health watch seconds count every second between two reports', async () => {
    const m = model();
    const ui = await openProgress(m);
    const clock = (frame: string) => {
      const match = /elapsed (\d+)s · ETA (\d+)s/.exec(frame);
      return match ? {elapsed: Number(match[1]), eta: Number(match[2])} : null;
    };
    m.update((s) => ({...s, rollouts: {web: rollout({startedAt: Date.now() - 12_000, progressAt: Date.now()})}}));
    // The last report said 12 s in, 8 s to go: from there both move, one up and one down.
    const first = clock(await ui.waitFor((f) => (clock(f)?.elapsed ?? 0) >= 12))!;
    const later = clock(await ui.waitFor((f) => (clock(f)?.elapsed ?? 0) >= first.elapsed + 2, 4_000))!;
    expect(later.elapsed + later.eta).toBe(20);

    const converged = progress({
      phase: 'done',
      updateState: 'completed',
      slotsDone: 3,
      converged: true,
      etaMs: 0,
      message: null,
    });
    m.update((s) => ({
      ...s,
      rollouts: {
        web: rollout({
          startedAt: Date.now() - 20_000,
          progressAt: Date.now(),
          progress: converged,
          verdict: {status: 'pending', reasons: ['3/3 running, watching'], restarts: 0, running: 3, desired: 3},
          watch: {elapsedMs: 3_000, windowMs: 30_000, at: Date.now()},
        }),
      },
    }));
    const watch = (frame: string) => {
      const match = /elapsed (\d+)s ·[^]*· (\d+)s of 30s/.exec(frame);
      return match ? {elapsed: Number(match[1]), watched: Number(match[2])} : null;
    };
    const start = watch(await ui.waitFor((f) => watch(f) !== null))!;
    // No new report: the watch and the total elapsed go on counting until the verdict.
    const after = watch(await ui.waitFor((f) => (watch(f)?.watched ?? 0) >= start.watched + 2, 4_000))!;
    expect(after.elapsed - after.watched).toBe(17);
  });

  test('shows task errors and a failed result', async () => {
    const m = model();
    const ui = await openProgress(m);
    m.update((s) => ({
      ...s,
      rollouts: {
        web: rollout({
          progress: progress({
            phase: 'paused',
            updateState: 'paused',
            errors: ['slot 2: task: non-zero exit (1)'],
            message: 'update paused due to failure',
          }),
          done: true,
          result: 'failed',
          error: 'Swarm paused the update',
        }),
      },
    }));
    await ui.waitFor('✖ result: failed — Swarm paused the update');
    const frame = ui.frame();
    expect(frame).toContain('॥ update paused');
    expect(frame).toContain('✖ slot 2: task: non-zero exit (1)');
    expect(frame).toContain('swarm: update paused due to failure');
  });

  test("a failure shows each failed slot's cause whole at 80 columns, marks the slot ✖ and offers the next step", async () => {
    const m = model();
    const ui = await openProgress(m);
    const cause =
      'slot 2: container unhealthy, health check failed: wget: server returned error: HTTP/1.1 404 Not Found (check exit code 1)';
    m.update((s) => ({
      ...s,
      rollouts: {
        web: rollout({
          progress: progress({
            phase: 'paused',
            updateState: 'paused',
            errors: ['slot 2: container unhealthy'],
            message: 'update paused due to failure or early termination of task abc',
          }),
          done: true,
          result: 'failed',
          error: 'Swarm paused the update: update paused due to failure or early termination of task abc',
          causes: [cause],
        }),
      },
    }));
    await ui.waitFor('result: failed');
    const joined = ui
      .lines()
      .map((l) => l.trim())
      .join(' ');
    expect(joined).toContain(`✖ ${cause}`);
    expect(joined).toContain('early termination of task abc');
    expect(ui.frame()).not.toContain('✖ slot 2: container unhealthy\n');
    expect(ui.lines().find((l) => /^ {2}2\s/.test(l))).toMatch(/✖$/);
    expect(ui.frame()).not.toContain('starts when the update has converged');
    expect(joined).toContain(
      'next: b revert to v3, the version live before · L roll back to the last known good version',
    );
    expect(ui.lines().length).toBeLessThanOrEqual(23);
  });

  test('a slot whose new task is starting is not shown nearly done, and the first frame shows no 0/0 slots', async () => {
    const m = model();
    m.update((s) => ({
      ...s,
      rollouts: {web: rollout({progress: progress({phase: 'preparing', slots: [], slotsTotal: 0, slotsDone: 0})})},
    }));
    const ui = await openProgress(m);
    expect(ui.frame()).not.toContain('0/0');
    m.update((s) => ({...s, rollouts: {web: rollout()}}));
    await ui.waitFor('1/3 slots');
    const starting = ui.lines().find((l) => /^ {2}2\s/.test(l)) ?? '';
    const filled = (starting.match(/█/g) ?? []).length;
    const empty = (starting.match(/░/g) ?? []).length;
    expect(filled).toBeLessThanOrEqual(empty);
  });

  test('can be left with esc while the rollout goes on, and reopened with p', async () => {
    const m = model();
    const ui = await openProgress(m);
    await ui.press(KEYS.escape);
    await ui.waitFor('Services');
    expect(ui.frame()).toMatch(/web .*◌ rollback/);
    m.update((s) => ({...s, rollouts: {web: rollout({progress: progress({slotsDone: 2})})}}));
    await ui.press('p');
    await ui.waitFor('2/3 slots');
  });

  test('R asks before redeploying, then follows the redeploy in the panel', async () => {
    const m = new FakeConsoleModel({services: [service({name: 'web', liveVersion: 3})]});
    const ui = await renderConsole(m);
    await ui.waitFor('web');
    await ui.press(KEYS.enter);
    await ui.waitFor('Tasks');
    await ui.press('R');
    await ui.waitFor('Redeploy web?');
    await ui.press(KEYS.enter);
    await ui.waitFor('Tasks');
    expect(m.callsTo('redeploy')).toEqual([]);
    await ui.press('R');
    await ui.waitFor('Redeploy web?');
    await ui.press('j' + KEYS.enter);
    await ui.waitFor('redeploy v3');
    expect(m.callsTo('redeploy')).toEqual([['web']]);
    m.rollouts[0]!.reject(new Error('update out of sequence'));
    await ui.waitFor('redeploy of web failed: update out of sequence');
  });

  test('offers p only for a service with a rollout', async () => {
    const ui = await renderConsole(model());
    await ui.waitFor('web');
    expect(ui.frame()).toContain('p progress');
    await ui.press('j');
    await ui.waitFor((f) => !f.includes('p progress'));
    await ui.press('p');
    expect(ui.frame()).toContain('Services');
  });

  test('fits many slots in rows - 1 lines', async () => {
    const m = model();
    const slots = Array.from({length: 40}, (_, i) => ({
      slot: String(i + 1),
      slotNumber: i + 1,
      nodeId: 'n1',
      done: i < 10,
    }));
    m.update((s) => ({...s, rollouts: {web: rollout({progress: progress({slots, slotsTotal: 40, slotsDone: 10})})}}));
    const ui = await openProgress(m);
    expect(ui.lines().length).toBeLessThanOrEqual(23);
    expect(ui.frame()).toMatch(/\+\d+ more slots/);
  });
});
