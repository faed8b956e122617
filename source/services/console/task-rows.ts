/** Task table rows for the watched service. Pure. */
import type {ContainerHealthDetail} from '../../docker/container-ops.js';
import type {ServiceSpec, Task} from '../../docker/schemas.js';
import {templateKey} from '../../domain/spec-hash.js';
import {timestampMs, type ContainerHealth} from '../../domain/task-state.js';
import type {TaskRow} from '../console-model.js';

/**
 * Which version a task template belongs to. ForceUpdate is left out: a forced redeploy replaces
 * every task but runs the same version.
 */
export function versionTemplateKey(template: ServiceSpec['TaskTemplate'] | undefined): string {
  if (!template) return 'null';
  const {ForceUpdate: _force, ...rest} = template;
  return templateKey(rest);
}

export interface TaskRowContext {
  /** Node ID → hostname. */
  nodes: ReadonlyMap<string, string>;
  /** versionTemplateKey → version number. */
  versions: ReadonlyMap<string, number>;
  health?: Record<string, ContainerHealth>;
  /** Containers of tasks that ended `complete` (task ID → what the container said), see endedQuietly. */
  ended?: ReadonlyMap<string, ContainerHealthDetail | null>;
}

/**
 * A task that ended `complete` without an error: a crash-looping task stopped for failing its health
 * check often ends like that (exit 0 after SIGTERM), and only its container still says why.
 */
export function endedQuietly(task: Task): boolean {
  return task.Status.State === 'complete' && !task.Status.Err && Boolean(task.Status.ContainerStatus?.ContainerID);
}

export function toTaskRow(task: Task, ctx: TaskRowContext): TaskRow {
  const state = task.Status.State;
  const row: TaskRow = {
    id: task.ID,
    slot: task.Slot ?? null,
    node: task.NodeID ? (ctx.nodes.get(task.NodeID) ?? task.NodeID.slice(0, 12)) : '—',
    version: ctx.versions.get(versionTemplateKey(task.Spec)) ?? null,
    desiredState: task.DesiredState,
    state,
    since: timestampMs(task.Status.Timestamp) ?? timestampMs(task.UpdatedAt) ?? 0,
  };
  const image = task.Spec?.ContainerSpec?.Image;
  if (image) row.image = image;
  const health = ctx.health?.[task.ID];
  if (health) row.health = health;
  const error = task.Status.Err || (state === 'failed' || state === 'rejected' ? task.Status.Message : undefined);
  if (error) row.error = error;
  const ended = ctx.ended?.get(task.ID);
  if (!error && ended?.health === 'unhealthy') {
    row.health = 'unhealthy';
    row.error = `stopped: health check failed${ended.lastCheckOutput ? `: ${ended.lastCheckOutput}` : ''}`;
  }
  return row;
}

export function toTaskRows(tasks: readonly Task[], ctx: TaskRowContext): TaskRow[] {
  return tasks.map((task) => toTaskRow(task, ctx)).sort((a, b) => a.id.localeCompare(b.id));
}

/** Node IDs the tasks mention that `nodes` does not know. */
export function unknownNodes(tasks: readonly Task[], nodes: ReadonlyMap<string, string>): boolean {
  return tasks.some((task) => task.NodeID && !nodes.has(task.NodeID));
}
