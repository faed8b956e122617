/**
 * Holds the console state and publishes it in batches: changes land in a draft, and at most every
 * `intervalMs` the draft is compared with what was published last (structurally, see structural.ts).
 * Only a real change replaces the published state and notifies subscribers, so an idle swarm costs
 * the terminal nothing.
 */
import {share} from './structural.js';

export class StatePublisher<S extends object> {
  private published: S;
  private draft: S;
  private readonly listeners = new Set<() => void>();
  private timer: NodeJS.Timeout | null = null;
  private lastFlush = 0;
  private closed = false;
  /** How many states were published (for tests and benchmarks). */
  publishCount = 0;

  constructor(
    initial: S,
    private readonly intervalMs = 66,
  ) {
    this.published = initial;
    this.draft = initial;
  }

  get state(): S {
    return this.published;
  }

  /** The state with every change made so far, published or not. */
  get latest(): S {
    return this.draft;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Applies a change to the draft; it is published with the next batch. */
  update(change: (draft: S) => S): void {
    if (this.closed) return;
    this.draft = change(this.draft);
    this.schedule();
  }

  /** Publishes the draft now if it differs from the published state. */
  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    this.lastFlush = Date.now();
    const next = share(this.published, this.draft);
    this.draft = next;
    if (next === this.published) return;
    this.published = next;
    this.publishCount += 1;
    for (const listener of [...this.listeners]) {
      try {
        listener();
      } catch {
        // A subscriber's failure is its own; the others still hear about the change.
      }
    }
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.listeners.clear();
  }

  private schedule(): void {
    if (this.timer) return;
    const wait = Math.max(0, this.lastFlush + this.intervalMs - Date.now());
    this.timer = setTimeout(() => this.flush(), wait);
    this.timer.unref?.();
  }
}
