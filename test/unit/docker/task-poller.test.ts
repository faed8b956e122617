import {describe, expect, it} from 'vitest';
import type {Task} from '../../../source/docker/schemas.js';
import {pollTasks, type TaskSource} from '../../../source/docker/task-poller.js';

const task = (id: string, serviceId: string): Task => ({
  ID: id,
  ServiceID: serviceId,
  Status: {State: 'running'},
  DesiredState: 'running',
});

class SlowSource implements TaskSource {
  calls: (readonly string[] | undefined)[] = [];
  inFlight = 0;
  maxInFlight = 0;
  constructor(private readonly delayMs: number) {}
  async listTasks(ids?: readonly string[]): Promise<Task[]> {
    this.calls.push(ids);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    this.inFlight--;
    return (ids ?? []).map((id, index) => task(`t${index}`, id));
  }
}

describe('pollTasks', () => {
  it('makes one request per tick for every watched service and never overlaps ticks', async () => {
    const source = new SlowSource(30);
    const controller = new AbortController();
    const seen: number[] = [];
    const watched = ['s1'];
    const done = pollTasks(source, {
      serviceIds: () => [...watched],
      intervalMs: 10,
      signal: controller.signal,
      onTasks: (tasks) => {
        seen.push(tasks.length);
        if (seen.length === 2) watched.push('s2');
        if (seen.length === 4) controller.abort();
      },
    });
    await done;
    expect(source.maxInFlight).toBe(1);
    expect(source.calls.slice(0, 4)).toEqual([['s1'], ['s1'], ['s1', 's2'], ['s1', 's2']]);
    expect(seen).toEqual([1, 1, 2, 2]);
  });

  it('waits the interval between ticks and makes no request while nothing is watched', async () => {
    const source = new SlowSource(0);
    const controller = new AbortController();
    const done = pollTasks(source, {
      serviceIds: () => [],
      intervalMs: 20,
      signal: controller.signal,
      onTasks: () => {},
    });
    await new Promise((resolve) => setTimeout(resolve, 80));
    controller.abort();
    await done;
    expect(source.calls).toEqual([]);

    const ticking = new SlowSource(0);
    const stop = new AbortController();
    const started = Date.now();
    const times: number[] = [];
    await pollTasks(ticking, {
      serviceIds: () => ['s'],
      intervalMs: 40,
      signal: stop.signal,
      onTasks: () => {
        times.push(Date.now() - started);
        if (times.length === 3) stop.abort();
      },
    });
    expect(times[2]! - times[0]!).toBeGreaterThanOrEqual(75);
  });

  it('reports a failed tick and keeps polling', async () => {
    let calls = 0;
    const controller = new AbortController();
    const errors: string[] = [];
    await pollTasks(
      {
        async listTasks() {
          calls++;
          if (calls === 1) throw new Error('daemon hiccup');
          controller.abort();
          return [];
        },
      },
      {
        serviceIds: () => ['s'],
        intervalMs: 5,
        signal: controller.signal,
        onTasks: () => {},
        onError: (e) => errors.push(e.message),
      },
    );
    expect(errors).toEqual(['daemon hiccup']);
    expect(calls).toBe(2);
  });

  it('stops promptly when aborted during the pause between ticks', async () => {
    const controller = new AbortController();
    const done = pollTasks(new SlowSource(0), {
      serviceIds: () => ['s'],
      intervalMs: 60_000,
      signal: controller.signal,
      onTasks: () => {},
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const before = Date.now();
    controller.abort();
    await done;
    expect(Date.now() - before).toBeLessThan(100);
  });
});
