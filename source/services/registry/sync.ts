/**
 * The recorder's registry work: keep the image of each new version (tag, push), retry the ones
 * whose push failed or never happened, and apply the retention setting. Nothing here may make
 * recording fail: every problem becomes a push_failed state or a log line.
 */
import type {DockerGateway} from '../../docker/gateway.js';
import type {Store, VersionRow} from '../../store/index.js';
import {deleteRollbackPoint, type DeletionResult} from './deletion.js';
import {describePush, keepVersionImage, type PushOutcome} from './push.js';
import {planPrune} from './retention.js';
import type {RegistryTargets} from './targets.js';

export interface RegistrySyncOptions {
  log?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
  now?: () => number;
  /** A failed version is not tried again sooner than this (default 20 s). */
  retryAfterMs?: number;
  /** Most pushes retried in one pass (default 20). */
  retryBatch?: number;
  /**
   * Push in the background, one at a time, so that a slow push never holds up recording (the
   * recorder daemon); `idle()` waits for the queue. Default false: each call finishes its work.
   */
  background?: boolean;
}

export class RegistrySync {
  private readonly lastTry = new Map<number, number>();
  private readonly queued = new Set<number>();
  private queue: Promise<unknown> = Promise.resolve();
  private readonly log: (line: string) => void;
  private readonly now: () => number;

  constructor(
    private readonly gateway: DockerGateway,
    private readonly store: Store,
    readonly targets: RegistryTargets,
    private readonly opts: RegistrySyncOptions = {},
  ) {
    this.log = opts.log ?? (() => undefined);
    this.now = opts.now ?? Date.now;
  }

  /** After a version was recorded from the live spec: keep its image, then apply retention. */
  async afterRecord(row: VersionRow): Promise<void> {
    await this.run(row.id, async () => {
      await this.keep(row);
      await this.applyRetention(row.serviceName, row.number, 'retention');
    });
  }

  /** Resolves once every queued background push and deletion is done. */
  async idle(): Promise<void> {
    let seen: Promise<unknown>;
    do {
      seen = this.queue;
      await seen;
    } while (seen !== this.queue);
  }

  /** Runs `work` now, or (background) after what is queued; a version already queued is not queued twice. */
  private async run(id: number, work: () => Promise<unknown>): Promise<void> {
    if (!this.opts.background) {
      await work();
      return;
    }
    if (this.queued.has(id)) return;
    this.queued.add(id);
    this.queue = this.queue
      .then(work)
      .catch(() => undefined)
      .finally(() => this.queued.delete(id));
  }

  /** Tags (and pushes) one version's image; logs the outcome. Never throws. */
  async keep(row: VersionRow): Promise<PushOutcome | null> {
    this.lastTry.set(row.id, this.now());
    try {
      const target = await this.targets.for(row.serviceName);
      const outcome = await keepVersionImage(this.gateway, this.store, target, row, {
        env: this.opts.env,
        now: this.now,
      });
      const previous = row.rollbackImage;
      // Repeated identical failures are logged once.
      if (
        outcome.state !== 'push_failed' ||
        previous?.pushState !== 'push_failed' ||
        previous.error !== outcome.error
      ) {
        this.log(describePush(outcome));
      }
      return outcome;
    } catch (error) {
      this.log(`cannot keep the image of ${row.serviceName} v${row.number}: ${(error as Error).message}`);
      return null;
    }
  }

  /**
   * Retries versions not tagged or pushed yet (only those retention keeps), each at most once per
   * retryAfterMs; all services or one. Returns the outcomes (none yet in background mode).
   */
  async retryPending(serviceName?: string): Promise<PushOutcome[]> {
    const pending = await this.store.rollbackImages.pending(serviceName === undefined ? {} : {serviceName});
    const outcomes: PushOutcome[] = [];
    const keepable = new Map<string, Set<number>>();
    for (const row of pending) {
      if (outcomes.length >= (this.opts.retryBatch ?? 20)) break;
      const last = this.lastTry.get(row.id);
      if (last !== undefined && this.now() - last < (this.opts.retryAfterMs ?? 20_000)) continue;
      let numbers = keepable.get(row.serviceName);
      if (!numbers) {
        const target = await this.targets.for(row.serviceName).catch(() => null);
        const newest = await this.store.versions.list(row.serviceName, {limit: target?.keep ?? 10});
        numbers = new Set(newest.map((r) => r.number));
        keepable.set(row.serviceName, numbers);
      }
      if (!numbers.has(row.number) || this.queued.has(row.id)) continue;
      await this.run(row.id, async () => {
        const outcome = await this.keep(row);
        if (outcome) outcomes.push(outcome);
      });
    }
    return outcomes;
  }

  /** Deletes what retention (keep N for the service) no longer keeps. `live` as the recorder saw it. */
  async applyRetention(serviceName: string, live: number | null, reason: string): Promise<DeletionResult[]> {
    try {
      const target = await this.targets.for(serviceName);
      const rows = await this.store.versions.list(serviceName);
      const plan = planPrune(serviceName, rows, target.keep, live);
      const results: DeletionResult[] = [];
      for (const row of plan.remove) {
        const result = await deleteRollbackPoint(this.gateway, this.store, target, row, {
          reason: `${reason} (keep ${target.keep})`,
        });
        this.log(
          result.deleted
            ? `deleted ${serviceName} v${row.number} (${reason}, keep ${target.keep}): registry ${result.registry}; local ${result.localTag}`
            : `could not delete ${serviceName} v${row.number}: ${result.error}`,
        );
        results.push(result);
      }
      return results;
    } catch (error) {
      this.log(`retention of ${serviceName} not applied: ${(error as Error).message}`);
      return [];
    }
  }
}
