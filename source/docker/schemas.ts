/**
 * zod schemas for the Docker Engine API payloads dokroll uses.
 *
 * Every object is `.passthrough()`-ish (zod 4: `z.looseObject`) so fields we do not model survive a
 * round trip: a stored spec must be re-appliable faithfully. This file imports no dockerode and does
 * no I/O, so the domain layer may import its types.
 */
import {z} from 'zod';
import {DokrollError, EXIT} from '../shared/errors.js';

const loose = z.looseObject;

export const UPDATE_STATES = [
  'updating',
  'paused',
  'completed',
  'rollback_started',
  'rollback_paused',
  'rollback_completed',
] as const;
export const UpdateStateSchema = z.enum(UPDATE_STATES);
export type UpdateState = z.infer<typeof UpdateStateSchema>;

export const VersionSchema = loose({Index: z.number().int()});

export const UpdateConfigSchema = loose({
  Parallelism: z.number().int().optional(),
  Delay: z.number().optional(),
  FailureAction: z.string().optional(),
  Monitor: z.number().optional(),
  MaxFailureRatio: z.number().optional(),
  Order: z.string().optional(),
});
export type UpdateConfig = z.infer<typeof UpdateConfigSchema>;

export const HealthcheckSchema = loose({
  Test: z.array(z.string()).optional(),
  Interval: z.number().optional(),
  Timeout: z.number().optional(),
  Retries: z.number().optional(),
  StartPeriod: z.number().optional(),
});

export const SecretRefSchema = loose({
  SecretID: z.string().optional(),
  SecretName: z.string().optional(),
  File: loose({Name: z.string().optional()}).optional(),
});
export const ConfigRefSchema = loose({
  ConfigID: z.string().optional(),
  ConfigName: z.string().optional(),
  File: loose({Name: z.string().optional()}).optional(),
});

export const MountSchema = loose({
  Type: z.string().optional(),
  Source: z.string().optional(),
  Target: z.string().optional(),
  ReadOnly: z.boolean().optional(),
});

export const ContainerSpecSchema = loose({
  Image: z.string().optional(),
  Labels: z.record(z.string(), z.string()).optional(),
  Command: z.array(z.string()).optional(),
  Args: z.array(z.string()).optional(),
  Env: z.array(z.string()).optional(),
  Dir: z.string().optional(),
  User: z.string().optional(),
  Mounts: z.array(MountSchema).optional(),
  StopGracePeriod: z.number().optional(),
  Healthcheck: HealthcheckSchema.optional(),
  Secrets: z.array(SecretRefSchema).optional(),
  Configs: z.array(ConfigRefSchema).optional(),
  Init: z.boolean().nullable().optional(),
});

export const ResourceSetSchema = loose({
  NanoCPUs: z.number().optional(),
  MemoryBytes: z.number().optional(),
});

export const TaskTemplateSchema = loose({
  ContainerSpec: ContainerSpecSchema.optional(),
  Resources: loose({
    Limits: ResourceSetSchema.optional(),
    Reservations: ResourceSetSchema.optional(),
  }).optional(),
  RestartPolicy: loose({
    Condition: z.string().optional(),
    Delay: z.number().optional(),
    MaxAttempts: z.number().optional(),
    Window: z.number().optional(),
  }).optional(),
  Placement: loose({
    Constraints: z.array(z.string()).optional(),
    Preferences: z.array(z.unknown()).optional(),
    MaxReplicas: z.number().optional(),
    Platforms: z.array(loose({Architecture: z.string().optional(), OS: z.string().optional()})).optional(),
  }).optional(),
  Networks: z.array(loose({Target: z.string(), Aliases: z.array(z.string()).optional()})).optional(),
  ForceUpdate: z.number().optional(),
  Runtime: z.string().optional(),
});

export const PortConfigSchema = loose({
  Name: z.string().optional(),
  Protocol: z.string().optional(),
  TargetPort: z.number().optional(),
  PublishedPort: z.number().optional(),
  PublishMode: z.string().optional(),
});

export const ServiceModeSchema = loose({
  Replicated: loose({Replicas: z.number().optional()}).optional(),
  Global: loose({}).optional(),
  ReplicatedJob: z.unknown().optional(),
  GlobalJob: z.unknown().optional(),
});

export const ServiceSpecSchema = loose({
  Name: z.string(),
  Labels: z.record(z.string(), z.string()).optional(),
  TaskTemplate: TaskTemplateSchema,
  Mode: ServiceModeSchema.optional(),
  UpdateConfig: UpdateConfigSchema.optional(),
  RollbackConfig: UpdateConfigSchema.optional(),
  Networks: z.array(loose({Target: z.string(), Aliases: z.array(z.string()).optional()})).optional(),
  EndpointSpec: loose({
    Mode: z.string().optional(),
    Ports: z.array(PortConfigSchema).optional(),
  }).optional(),
});
export type ServiceSpec = z.infer<typeof ServiceSpecSchema>;

export const UpdateStatusSchema = loose({
  State: UpdateStateSchema.optional(),
  StartedAt: z.string().optional(),
  CompletedAt: z.string().optional(),
  Message: z.string().optional(),
});
export type UpdateStatus = z.infer<typeof UpdateStatusSchema>;

export const ServiceSchema = loose({
  ID: z.string(),
  Version: VersionSchema,
  CreatedAt: z.string(),
  UpdatedAt: z.string(),
  Spec: ServiceSpecSchema,
  PreviousSpec: ServiceSpecSchema.optional(),
  Endpoint: loose({
    Ports: z.array(PortConfigSchema).optional(),
    VirtualIPs: z.array(loose({NetworkID: z.string().optional(), Addr: z.string().optional()})).optional(),
  }).optional(),
  UpdateStatus: UpdateStatusSchema.nullable().optional(),
  ServiceStatus: loose({
    RunningTasks: z.number().optional(),
    DesiredTasks: z.number().optional(),
    CompletedTasks: z.number().optional(),
  }).optional(),
});
export type Service = z.infer<typeof ServiceSchema>;

export const TASK_STATES = [
  'new',
  'allocated',
  'pending',
  'assigned',
  'accepted',
  'preparing',
  'ready',
  'starting',
  'running',
  'complete',
  'shutdown',
  'failed',
  'rejected',
  'remove',
  'orphaned',
] as const;
export type TaskState = (typeof TASK_STATES)[number];

export const TaskSchema = loose({
  ID: z.string(),
  Version: VersionSchema.optional(),
  CreatedAt: z.string().optional(),
  UpdatedAt: z.string().optional(),
  Labels: z.record(z.string(), z.string()).optional(),
  Spec: TaskTemplateSchema.optional(),
  ServiceID: z.string(),
  Slot: z.number().int().optional(),
  NodeID: z.string().optional(),
  Status: loose({
    Timestamp: z.string().optional(),
    // Kept as a string: a newer engine may add states; the domain maps unknown ones.
    State: z.string(),
    Message: z.string().optional(),
    Err: z.string().optional(),
    ContainerStatus: loose({
      ContainerID: z.string().optional(),
      PID: z.number().optional(),
      ExitCode: z.number().optional(),
    }).optional(),
    PortStatus: loose({Ports: z.array(PortConfigSchema).optional()}).optional(),
  }),
  DesiredState: z.string(),
  NetworksAttachments: z.array(z.unknown()).optional(),
});
export type Task = z.infer<typeof TaskSchema>;

export const NodeSchema = loose({
  ID: z.string(),
  Version: VersionSchema.optional(),
  Description: loose({
    Hostname: z.string().optional(),
    Platform: loose({Architecture: z.string().optional(), OS: z.string().optional()}).optional(),
    Resources: ResourceSetSchema.optional(),
    Engine: loose({
      EngineVersion: z.string().optional(),
      Labels: z.record(z.string(), z.string()).nullable().optional(),
    }).optional(),
  }).optional(),
  Spec: loose({
    Role: z.string().optional(),
    Availability: z.string().optional(),
    Labels: z.record(z.string(), z.string()).nullable().optional(),
  }).optional(),
  Status: loose({State: z.string().optional(), Addr: z.string().optional(), Message: z.string().optional()}).optional(),
  ManagerStatus: loose({Leader: z.boolean().optional(), Reachability: z.string().optional()}).optional(),
});
export type SwarmNode = z.infer<typeof NodeSchema>;

export const EventSchema = loose({
  Type: z.string(),
  Action: z.string(),
  Actor: loose({ID: z.string(), Attributes: z.record(z.string(), z.string()).optional()}),
  scope: z.string().optional(),
  time: z.number(),
  timeNano: z.number(),
});
export type DockerEvent = z.infer<typeof EventSchema>;

/** Thrown when a payload from the daemon does not have the shape we rely on (exit 1). */
export class PayloadError extends DokrollError {
  constructor(
    readonly what: string,
    readonly issues: string,
  ) {
    super(`unexpected ${what} payload from the Docker daemon: ${issues}`, EXIT.failed, 'payload');
  }
}

export function parsePayload<T>(schema: z.ZodType<T>, what: string, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issues = result.error.issues
      .slice(0, 3)
      .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
      .join('; ');
    throw new PayloadError(what, issues);
  }
  return result.data;
}
