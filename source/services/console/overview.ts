/**
 * One overview row per service, from the service list (with ServiceStatus) and the version that is
 * live. Pure.
 */
import type {Service} from '../../docker/schemas.js';
import {stackOf} from '../../domain/stack.js';
import type {VersionRow} from '../../store/index.js';
import type {ServiceHealth, ServiceSummary} from '../console-model.js';

export function serviceMode(service: Service): string {
  const mode = service.Spec.Mode;
  if (mode?.Global) return 'global';
  if (mode?.ReplicatedJob) return 'replicated-job';
  if (mode?.GlobalJob) return 'global-job';
  return 'replicated';
}

/**
 * The health summary: a rollout in progress is pending; a paused one, or no task running, failed;
 * fewer tasks than wanted, or an update Swarm rolled back, degraded; otherwise what the live
 * version's stability window said (pending / good / bad). A live spec never recorded counts as
 * healthy when all its tasks run.
 */
export function serviceHealth(
  summary: Pick<ServiceSummary, 'running' | 'desired' | 'updateState'>,
  live: Pick<VersionRow, 'health'> | null,
): ServiceHealth {
  const {running, desired, updateState} = summary;
  if (updateState === 'updating' || updateState === 'rollback_started') return 'pending';
  if (updateState === 'paused' || updateState === 'rollback_paused') return 'failed';
  if (desired > 0 && running === 0) return 'failed';
  if (running < desired || updateState === 'rollback_completed') return 'degraded';
  if (live?.health === 'bad') return 'failed';
  if (live?.health === 'pending') return 'pending';
  if (live?.health === 'good') return 'healthy';
  return desired > 0 ? 'healthy' : 'unknown';
}

export function summarizeService(service: Service, live: VersionRow | null): ServiceSummary {
  const replicas = service.Spec.Mode?.Replicated ? (service.Spec.Mode.Replicated.Replicas ?? 1) : 0;
  const status = service.ServiceStatus;
  const update = service.UpdateStatus ?? null;
  const base = {
    running: status?.RunningTasks ?? 0,
    desired: status?.DesiredTasks ?? replicas,
    updateState: update?.State ?? null,
  };
  const summary: ServiceSummary = {
    id: service.ID,
    name: service.Spec.Name,
    mode: serviceMode(service),
    ...base,
    liveVersion: live?.number ?? null,
    image: service.Spec.TaskTemplate.ContainerSpec?.Image ?? '',
    health: serviceHealth(base, live),
  };
  if (update?.Message) summary.updateMessage = update.Message;
  const stack = stackOf(service.Spec.Labels);
  if (stack !== null) summary.stack = stack;
  return summary;
}
