/**
 * CPU % and memory of a service's running tasks, sampled through the gateway: containers of the
 * connected node are asked (one one-shot stats request each), tasks on other nodes are reported as
 * such (their Engines are not reachable through this connection). CPU % needs two samples of the
 * same container: the sampler keeps the last one of each.
 */
import type {ContainerStatsSample, DockerGateway} from '../docker/gateway.js';
import type {Task} from '../docker/schemas.js';
import {cpuPercent, type TaskMetrics} from '../domain/task-metrics.js';

/** How often a health watch samples the tasks it judges (CPU % is measured between two samples). */
export const STATS_SAMPLE_MS = 1_000;

export type StatsGateway = Pick<DockerGateway, 'containerStats' | 'swarmInfo'>;

/** Running tasks that have a container (the only ones with resource use to show). */
export function measurableTasks(tasks: readonly Task[]): Task[] {
  return tasks.filter(
    (t) => t.Status.State === 'running' && t.DesiredState === 'running' && t.Status.ContainerStatus?.ContainerID,
  );
}

export class TaskStatsSampler {
  private readonly previous = new Map<string, ContainerStatsSample>();
  private localNode: string | null;

  constructor(
    private readonly gateway: StatsGateway,
    /** The connected node's ID, when already known (asked once otherwise). */
    localNodeId?: string,
  ) {
    this.localNode = localNodeId ?? null;
  }

  /**
   * One sampling of the running tasks among `tasks`: task ID → metrics. `nodeName` names the node
   * of a task elsewhere (ID → hostname).
   */
  async sample(tasks: readonly Task[], nodeName: (nodeId: string) => string): Promise<Record<string, TaskMetrics>> {
    this.localNode ??= (await this.gateway.swarmInfo()).nodeId;
    const local = this.localNode;
    const result: Record<string, TaskMetrics> = {};
    const running = measurableTasks(tasks);
    const seen = new Set<string>();
    await Promise.all(
      running.map(async (task) => {
        if (task.NodeID && task.NodeID !== local) {
          result[task.ID] = {kind: 'elsewhere', node: nodeName(task.NodeID)};
          return;
        }
        const container = task.Status.ContainerStatus!.ContainerID!;
        seen.add(container);
        const sample = await this.gateway.containerStats(container);
        if (sample === null) return;
        const before = this.previous.get(container);
        this.previous.set(container, sample);
        result[task.ID] = {
          kind: 'measured',
          cpuPercent: before ? cpuPercent(before, sample) : null,
          memoryBytes: sample.memoryBytes,
        };
      }),
    );
    for (const container of this.previous.keys()) if (!seen.has(container)) this.previous.delete(container);
    return result;
  }
}
