/**
 * Polls the tasks of the watched services: one listTasks request per tick for all of them. Ticks
 * never overlap: the next one is scheduled only after the previous request and onTasks finished
 * (interval measured from the start of the previous tick, so fast requests keep a steady rate;
 * after a tick slower than the interval, a quarter of the interval passes before the next).
 * Tasks emit no events on Engine 20.10, so polling is how rollout progress is seen.
 */
import type {Task} from './schemas.js';
import {abortableSleep as sleep} from '../shared/abortable-sleep.js';

export interface TaskSource {
  listTasks(serviceIds?: readonly string[]): Promise<Task[]>;
}

export interface PollTasksOptions {
  /** Read at every tick, so the watched set can change while polling. Empty: no request. */
  serviceIds: () => readonly string[];
  /** Default 500 ms. */
  intervalMs?: number;
  signal: AbortSignal;
  onTasks: (tasks: Task[], at: Date) => void | Promise<void>;
  /** A failed tick (request or onTasks); polling goes on. Default: ignore. */
  onError?: (error: Error) => void;
}

/** Resolves once the signal aborts (after the tick in progress, if any, has finished). */
export async function pollTasks(source: TaskSource, opts: PollTasksOptions): Promise<void> {
  const intervalMs = opts.intervalMs ?? 500;
  const {signal} = opts;
  while (!signal.aborted) {
    const started = Date.now();
    const ids = opts.serviceIds();
    if (ids.length > 0) {
      try {
        const tasks = await source.listTasks(ids);
        if (signal.aborted) break;
        await opts.onTasks(tasks, new Date());
      } catch (err) {
        if (signal.aborted) break;
        opts.onError?.(err instanceof Error ? err : new Error(String(err)));
      }
    }
    // A slow tick is followed by a short pause rather than none, so a struggling daemon is not hammered.
    await sleep(Math.max(intervalMs - (Date.now() - started), intervalMs / 4), signal);
  }
}
