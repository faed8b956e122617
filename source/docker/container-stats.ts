/**
 * One sample of a container's resource use: GET /containers/{id}/stats?stream=false&one-shot=true
 * (answers at once; the daemon's own CPU delta needs a second sample, so the caller keeps the previous
 * sample and computes CPU % from two of its own, see domain/task-metrics.ts). Only containers of the
 * connected node answer; another node's container is 404 (null here).
 */
import {z} from 'zod';
import type {GatewayCore} from './image-ops.js';
import {parsePayload} from './schemas.js';

const loose = z.looseObject;
const count = z.number().nonnegative();

export const ContainerStatsSchema = loose({
  read: z.string().optional(),
  cpu_stats: loose({
    cpu_usage: loose({total_usage: count, percpu_usage: z.array(count).nullable().optional()}),
    system_cpu_usage: count.optional(),
    online_cpus: z.number().int().nonnegative().optional(),
  }).optional(),
  memory_stats: loose({
    usage: count.optional(),
    limit: count.optional(),
    stats: z.record(z.string(), z.number()).nullable().optional(),
  }).optional(),
});

export interface ContainerStatsSample {
  /** Nanoseconds of CPU the container used since it started. */
  cpuTotalNs: number;
  /** Nanoseconds of CPU the host used since boot (all CPUs); null when the daemon does not say. */
  systemNs: number | null;
  onlineCpus: number;
  /** Memory in use without the page cache the kernel can drop (as `docker stats` shows it); null when unknown. */
  memoryBytes: number | null;
  /** Epoch ms of the sample. */
  at: number;
}

/** `docker stats`' memory: usage minus inactive file pages (cgroup v1: total_inactive_file, v2: inactive_file). */
function memoryInUse(memory: z.infer<typeof ContainerStatsSchema>['memory_stats']): number | null {
  if (memory?.usage === undefined) return null;
  const stats = memory.stats ?? {};
  const inactive = stats.total_inactive_file ?? stats.inactive_file ?? 0;
  return inactive < memory.usage ? memory.usage - inactive : memory.usage;
}

/** One sample of the container's CPU and memory; null when the container is gone or not on this node. */
export async function containerStats(core: GatewayCore, containerId: string): Promise<ContainerStatsSample | null> {
  try {
    const raw = await core.call(() =>
      core.docker.getContainer(containerId).stats({stream: false, 'one-shot': true} as {stream: false}),
    );
    const stats = parsePayload(ContainerStatsSchema, 'container stats', raw);
    const cpu = stats.cpu_stats;
    const read = stats.read ? Date.parse(stats.read) : NaN;
    return {
      cpuTotalNs: cpu?.cpu_usage.total_usage ?? 0,
      systemNs: cpu?.system_cpu_usage ?? null,
      onlineCpus: cpu?.online_cpus || cpu?.cpu_usage.percpu_usage?.length || 1,
      memoryBytes: memoryInUse(stats.memory_stats),
      at: Number.isFinite(read) && read > 0 ? read : Date.now(),
    };
  } catch (err) {
    if ((err as {statusCode?: number}).statusCode === 404) return null;
    throw err;
  }
}
