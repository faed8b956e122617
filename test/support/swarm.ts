/**
 * Support for integration tests against the real local swarm. Importing this module from a test
 * file registers an afterAll hook removing every service createTestService made in that file.
 */
import {randomBytes} from 'node:crypto';
import {afterAll, onTestFinished} from 'vitest';
import {dockerOk} from './docker-cli.js';
import {dockerApiGet, inspectServiceOrNull, serviceTasks} from './docker-api.js';
import {removeServices, removeTestServices, trackService, untrackService} from './cleanup.js';
import {ensureTestbed, fixtureImageId, isFixtureTag, testbed, type FixtureTag} from './testbed.js';
import {waitFor} from './wait.js';

export {docker, dockerOk, DOCKER_BIN, type DockerOptions, type DockerResult} from './docker-cli.js';
export {dockerApiGet, inspectServiceOrNull, serviceTasks, type ApiService, type ApiTask} from './docker-api.js';
export {removeServices, removeTestServices, sweepStaleTestServices} from './cleanup.js';
export {ensureTestbed, fixtureImageId, testbed, REPO_ROOT, type FixtureTag} from './testbed.js';
export {sleep, waitFor, type WaitForOptions} from './wait.js';
export {startLoad, type LoadOptions, type LoadResult, type LoadRun, type LoadTarget} from './load.js';
export {taskEndpoints, type TaskEndpoint} from './endpoints.js';

let nameCounter = 0;

/** Short, unique, lowercase service name: `<prefix>-<pid+counter>-<random>`. */
export function uniqueName(prefix = 't'): string {
  const clean =
    prefix
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 24) || 't';
  nameCounter += 1;
  return `${clean}-${process.pid.toString(36)}${nameCounter.toString(36)}-${randomBytes(3).toString('hex')}`;
}

export interface TestServiceOptions {
  /** Prefix for uniqueName() (ignored when `name` is given). */
  prefix?: string;
  name?: string;
  /** Fixture tag (resolved to its local image ID) or any image reference. Default 'v1'. */
  image?: FixtureTag | string;
  /** Default 1. */
  replicas?: number;
  env?: Record<string, string>;
  /**
   * Health check `timeout 2 wget … /health` (default true). Each check is an exec costing the
   * shared daemon ~100 ms of CPU (a container checked every 500 ms keeps a fifth of a core busy):
   * pass false where the test asserts nothing that depends on container health.
   */
  health?: boolean;
  /** Default testbed.healthIntervalMs (500; DOKROLL_TEST_HEALTH_MS overrides). */
  healthIntervalMs?: number;
  /** Default 1. */
  healthRetries?: number;
  /** `--publish mode=host,target=8080` with an ephemeral host port per task (default true). */
  publish?: boolean;
  /** Update and rollback order (default 'start-first'). */
  order?: 'start-first' | 'stop-first';
  /** Update and rollback parallelism (default 1). */
  parallelism?: number;
  /** Update and rollback monitor period (default 1000 ms). */
  monitorMs?: number;
  /** Update failure action (Docker's default, pause, when omitted). */
  failureAction?: 'pause' | 'continue' | 'rollback';
  labels?: Record<string, string>;
  /** Wait for convergence (`--detach=false`); default false. */
  wait?: boolean;
  /** Extra raw `docker service create` arguments, placed before the image. */
  args?: string[];
  /** Command/args after the image. */
  command?: string[];
  /**
   * When to remove it: at the end of the current test (the default inside a test: a running
   * service's health checks cost the shared daemon CPU) or of the test file (the default in
   * beforeAll; pass 'file' for a service a later test of the file uses).
   */
  removeAfter?: 'file' | 'test';
  /** Timeout of the create call (default 90 s). */
  timeoutMs?: number;
}

export interface TestService {
  id: string;
  name: string;
  /** Image reference used in the spec (a `sha256:…` ID for fixtures). */
  image: string;
}

/** Image reference for a fixture tag or a plain reference. */
export async function resolveTestImage(image: FixtureTag | string): Promise<string> {
  return isFixtureTag(image) ? fixtureImageId(image) : image;
}

/** Creates a labelled test service with fast update settings, registered for removal. */
export async function createTestService(opts: TestServiceOptions = {}): Promise<TestService> {
  await ensureTestbed();
  const name = opts.name ?? uniqueName(opts.prefix);
  const image = await resolveTestImage(opts.image ?? 'v1');
  const order = opts.order ?? 'start-first';
  const parallelism = String(opts.parallelism ?? 1);
  const monitor = `${opts.monitorMs ?? 1000}ms`;
  const args = [
    'service',
    'create',
    '--quiet',
    `--detach=${opts.wait ? 'false' : 'true'}`,
    '--name',
    name,
    '--label',
    `${testbed.serviceLabel}=1`,
    '--container-label',
    `${testbed.serviceLabel}=1`,
    '--replicas',
    String(opts.replicas ?? 1),
    '--update-parallelism',
    parallelism,
    '--update-delay',
    '0s',
    '--update-monitor',
    monitor,
    '--update-order',
    order,
    '--rollback-parallelism',
    parallelism,
    '--rollback-delay',
    '0s',
    '--rollback-monitor',
    monitor,
    '--rollback-order',
    order,
  ];
  if (opts.failureAction) args.push('--update-failure-action', opts.failureAction);
  if (opts.health ?? true) {
    args.push(
      '--health-cmd',
      testbed.healthCmd,
      '--health-interval',
      `${opts.healthIntervalMs ?? testbed.healthIntervalMs}ms`,
      '--health-timeout',
      '3s',
      '--health-retries',
      String(opts.healthRetries ?? 1),
    );
  }
  if (opts.publish ?? true) args.push('--publish', `mode=host,target=${testbed.appPort}`);
  for (const [key, value] of Object.entries(opts.env ?? {})) args.push('--env', `${key}=${value}`);
  for (const [key, value] of Object.entries(opts.labels ?? {})) args.push('--label', `${key}=${value}`);
  args.push(...(opts.args ?? []), image, ...(opts.command ?? []));

  // Track by name before creating: a create that times out while waiting may still leave the service.
  trackService(name);
  if (opts.removeAfter !== 'file') removeAtTestEnd(name, opts.removeAfter === 'test');
  const out = await dockerOk(args, {timeoutMs: opts.timeoutMs ?? 90_000});
  const id = out.trim().split('\n').pop()?.trim() ?? '';
  if (!/^[a-z0-9]{10,}$/.test(id)) throw new Error(`docker service create printed no service ID: ${out}`);
  return {id, name, image};
}

/** Removes the service when the current test ends; outside a test, leaves it to the file's end. */
function removeAtTestEnd(name: string, required: boolean): void {
  try {
    onTestFinished(async () => {
      untrackService(name);
      await removeServices([name]);
    });
  } catch (error) {
    // onTestFinished throws outside a test (beforeAll): the afterAll of this module removes it.
    if (required) throw error;
  }
}

/**
 * Registers removal of this file's test services in afterAll (importing this module already does
 * it at file level; call inside a describe to remove them when that block ends).
 */
export function useSwarmCleanup(): void {
  afterAll(removeTestServices, 60_000);
}

export interface ConvergedState {
  /** UpdateStatus.State, or null when Swarm reports none. */
  updateState: string | null;
  updateMessage: string | null;
  updateStartedAt: string | null;
  /** Tasks meant to run that are running. */
  running: number;
  /** Tasks meant to run that are not running yet. */
  pending: number;
  desired: number;
}

/** Current convergence facts of a service. */
export async function serviceState(service: string): Promise<ConvergedState> {
  const spec = await inspectServiceOrNull(service);
  if (!spec) throw new Error(`service ${service} does not exist`);
  const tasks = await serviceTasks(spec.ID, 'running');
  let desired = spec.Spec.Mode.Replicated?.Replicas ?? 0;
  if (spec.Spec.Mode.Global) {
    const nodes = await dockerApiGet<{Status: {State: string}; Spec: {Availability: string}}[]>('/nodes');
    desired = nodes.filter((n) => n.Status.State === 'ready' && n.Spec.Availability === 'active').length;
  }
  const running = tasks.filter((t) => t.Status.State === 'running').length;
  return {
    updateState: spec.UpdateStatus?.State ?? null,
    updateMessage: spec.UpdateStatus?.Message ?? null,
    updateStartedAt: spec.UpdateStatus?.StartedAt ?? null,
    running,
    pending: tasks.length - running,
    desired,
  };
}

export interface WaitConvergedOptions {
  /** Default 60 s. */
  timeoutMs?: number;
  /** Default 200 ms. */
  intervalMs?: number;
  /**
   * UpdateStatus.StartedAt read before an update call: UpdateStatus is set asynchronously, so the
   * service only counts as converged once StartedAt differs from this (or UpdateStatus is cleared).
   */
  previousStartedAt?: string | null;
  /** Resolve with the state when the update is paused (default: throw at once). */
  acceptPaused?: boolean;
}

const SETTLED = new Set<string | null>([null, 'completed', 'rollback_completed']);
const PAUSED = new Set<string | null>(['paused', 'rollback_paused']);

/**
 * Waits until the service's update, if any, is completed or rolled back (UpdateStatus completed,
 * rollback_completed or null) and exactly the desired number of tasks run.
 */
export async function waitConverged(service: string, opts: WaitConvergedOptions = {}): Promise<ConvergedState> {
  const state = await waitFor(
    async () => {
      const current = await serviceState(service);
      const fresh = opts.previousStartedAt === undefined || current.updateStartedAt !== opts.previousStartedAt;
      if (!fresh) return null;
      if (PAUSED.has(current.updateState)) return current;
      const settled = SETTLED.has(current.updateState) && current.running === current.desired && current.pending === 0;
      return settled ? current : null;
    },
    {timeoutMs: opts.timeoutMs ?? 60_000, intervalMs: opts.intervalMs ?? 200, what: `service ${service} to converge`},
  );
  if (PAUSED.has(state.updateState) && !opts.acceptPaused) {
    throw new Error(`update of service ${service} is ${state.updateState}: ${state.updateMessage ?? 'no message'}`);
  }
  return state;
}

// Remove this file's services after all its tests, whether they pass or not.
try {
  useSwarmCleanup();
} catch {
  // Imported outside a test file's collection: nothing to hook into.
}
