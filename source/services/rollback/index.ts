/**
 * Rollback to any recorded version, and forced redeploys, with pre-flight checks, rolling progress
 * and a health verdict. Typical use:
 *
 *   const plan = await planRollback(deps, {service: 'web', version: 2});   // reads only
 *   if (plan.report.ok) outcome = await executeRollout(deps, plan, {onEvent, signal});
 *   // later, from another process: await resumeRollout(deps, 'web', {onEvent});
 */
import {executeRollout} from './engine.js';
import type {EngineDeps, RolloutOutcome, RolloutPlan, WatchOptions} from './types.js';

export {planRedeploy, planRollback, runsTargetAlready, type PlanDeps, type RollbackRequest} from './preflight.js';
export {DEFAULT_WATCH_MS, executeRollout, NothingToResumeError, resumeRollout} from './engine.js';
export {RolloutConflictError} from './apply.js';
export {findInFlight, type StartedRecord} from './journal.js';
export {registryHostOf} from './image-check.js';
export type * from './types.js';

export interface RolloutHandle {
  done: Promise<RolloutOutcome>;
  /** Stops watching (Swarm carries on); `done` then resolves with result 'interrupted'. */
  cancelWatch(): void;
}

/** Starts executing a plan in the background (for the console). */
export function startRollout(
  deps: EngineDeps,
  plan: RolloutPlan,
  opts: Omit<WatchOptions, 'signal'> = {},
): RolloutHandle {
  const controller = new AbortController();
  return {
    done: executeRollout(deps, plan, {...opts, signal: controller.signal}),
    cancelWatch: () => controller.abort(),
  };
}
