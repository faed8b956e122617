/**
 * Where a service's tasks answer on a machine without the routing mesh: Swarm's routing mesh (IPVS)
 * does not work on the test machines, so tasks publish the app port in host mode
 * (`--publish mode=host,target=8080`) and each task's Status.PortStatus says on which host port.
 */
import {serviceTasks} from './docker-api.js';
import {testbed} from './testbed.js';

export interface TaskEndpoint {
  taskId: string;
  slot: number | null;
  /** Host port published for the app port. */
  port: number;
  url: string;
}

/** Running tasks of a service with their host-mode published app port, ordered by slot. */
export async function taskEndpoints(service: string, targetPort: number = testbed.appPort): Promise<TaskEndpoint[]> {
  const tasks = await serviceTasks(service, 'running');
  const endpoints: TaskEndpoint[] = [];
  for (const task of tasks) {
    if (task.Status.State !== 'running') continue;
    const port = task.Status.PortStatus?.Ports?.find((p) => p.TargetPort === targetPort)?.PublishedPort;
    if (!port) continue;
    endpoints.push({taskId: task.ID, slot: task.Slot ?? null, port, url: `http://127.0.0.1:${port}`});
  }
  return endpoints.sort((a, b) => (a.slot ?? 0) - (b.slot ?? 0) || a.taskId.localeCompare(b.taskId));
}
