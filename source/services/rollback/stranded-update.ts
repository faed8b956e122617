/**
 * A rolling update stranded by a lost node. Swarm's updater waits, with no timeout, for each new
 * task it starts to reach `running`; when the node that task was given goes down first, Swarm
 * reschedules the slot elsewhere but the updater keeps waiting for the lost task: the update stays
 * `updating` forever and the slots after it are never updated (`docker service update` hangs there
 * too). Swarm only drops such a wait when the service's spec changes, so the update is started
 * again: the same spec with its UpdateConfig told apart for one update (same behaviour), then the
 * spec we applied, which Swarm's new update carries on from (the slots left).
 */
import {UpdateOutOfSequenceError} from '../../docker/errors.js';
import type {DockerGateway} from '../../docker/gateway.js';
import type {Service, ServiceSpec, SwarmNode, Task} from '../../docker/schemas.js';
import {nodeName} from '../../domain/placement.js';
import {isTaskOnCurrentSpec} from '../../domain/rollout-progress.js';
import {isKnownState, stateRank} from '../../domain/task-state.js';
import {specHash} from '../../domain/spec-hash.js';
import {RolloutConflictError} from './apply.js';

/** How long a stranded task is left to Swarm before its update is started again. */
export const STRANDED_GRACE_MS = 3_000;

/** Swarm's monitor when a spec sets none (docker's DefaultMonitor). */
const SWARM_DEFAULT_MONITOR_NS = 5_000_000_000;

/**
 * Tasks of the update in progress that Swarm's updater may be waiting for in vain: on the current
 * spec, on a node that is down, never seen running. Empty unless `updating` is the update's state.
 */
export function strandedTasks(
  service: Service,
  tasks: readonly Task[],
  nodes: readonly SwarmNode[] | undefined,
): Task[] {
  if (service.UpdateStatus?.State !== 'updating') return [];
  const down = new Set((nodes ?? []).filter((n) => n.Status?.State === 'down').map((n) => n.ID));
  const running = stateRank('running');
  return tasks.filter(
    (t) =>
      t.NodeID !== undefined &&
      down.has(t.NodeID) &&
      isKnownState(t.Status.State) &&
      stateRank(t.Status.State) < running &&
      isTaskOnCurrentSpec(t, service),
  );
}

/** One line for the verdict: which task Swarm waited for, on which node, and what was done. */
export function strandedLine(tasks: readonly Task[], nodes: readonly SwarmNode[] | undefined): string {
  const names = [
    ...new Set(
      tasks.map((t) => {
        const node = nodes?.find((n) => n.ID === t.NodeID);
        return node ? nodeName(node) : (t.NodeID ?? '?').slice(0, 12);
      }),
    ),
  ];
  const which = tasks.map((t) => `${t.Slot ? `slot ${t.Slot}` : 'task'} ${t.ID.slice(0, 12)}`).join(', ');
  return `Swarm's update waited for ${which} on ${names.join(', ')}, which went down: the update was started again (same spec) so that Swarm updates the slots left`;
}

/** A spec Swarm tells apart from `spec` that updates the same way (UpdateConfig.Monitor 1 ns longer, or Swarm's default made explicit). */
function toldApart(spec: ServiceSpec): ServiceSpec {
  const copy = structuredClone(spec);
  const monitor = spec.UpdateConfig?.Monitor;
  copy.UpdateConfig = {...copy.UpdateConfig, Monitor: monitor === undefined ? SWARM_DEFAULT_MONITOR_NS : monitor + 1};
  return copy;
}

/**
 * Starts Swarm's update of `service` again on the spec it has. Two updates at the index read; a
 * third writer in between is a conflict (nothing of theirs is overwritten).
 */
export async function restartUpdate(gateway: DockerGateway, service: Service): Promise<void> {
  const spec = service.Spec;
  const nudge = toldApart(spec);
  const tasks = withoutUpdateConfig(spec);
  await writeWhile(gateway, service, (live) => specHash(live) === specHash(spec), nudge);
  // Swarm may give the nudge's UpdateConfig back with its defaults filled in: its Monitor tells it.
  const monitor = nudge.UpdateConfig?.Monitor;
  const isNudge = (live: ServiceSpec) => live.UpdateConfig?.Monitor === monitor && withoutUpdateConfig(live) === tasks;
  await writeWhile(gateway, await gateway.inspectService(service.ID), isNudge, spec);
}

const withoutUpdateConfig = (spec: ServiceSpec) => specHash({...spec, UpdateConfig: undefined});

/**
 * Writes `spec` over the service while its spec is what `expected` says. Swarm writes the service
 * too (its UpdateStatus moves Version.Index): a stale index is read again, a changed spec is a conflict.
 */
async function writeWhile(
  gateway: DockerGateway,
  read: Service,
  expected: (live: ServiceSpec) => boolean,
  spec: ServiceSpec,
): Promise<void> {
  for (let attempt = 0; ; attempt += 1) {
    if (!expected(read.Spec)) {
      throw new RolloutConflictError(
        `conflict: '${read.Spec.Name}' was changed by someone else while its stranded update was started again (Version.Index ${read.Version.Index})`,
      );
    }
    try {
      await gateway.updateService(read.ID, read.Version.Index, spec);
      return;
    } catch (error) {
      if (!(error instanceof UpdateOutOfSequenceError) || attempt >= 4) throw error;
    }
    read = await gateway.inspectService(read.ID);
  }
}
