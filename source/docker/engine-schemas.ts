/**
 * zod schemas for the daemon-level payloads only the gateway reads (version, info, images,
 * containers, progress streams). The swarm object schemas the domain shares live in schemas.ts.
 */
import {z} from 'zod';

const loose = z.looseObject;

export const VersionInfoSchema = loose({
  Version: z.string(),
  ApiVersion: z
    .string()
    .regex(/^\d+\.\d+$/)
    .optional(),
  MinAPIVersion: z.string().optional(),
  Os: z.string().optional(),
});
export type VersionInfo = z.infer<typeof VersionInfoSchema>;

export const SystemInfoSchema = loose({
  Name: z.string().optional(),
  ServerVersion: z.string().optional(),
  Swarm: loose({
    NodeID: z.string().optional(),
    LocalNodeState: z.string().optional(),
    ControlAvailable: z.boolean().optional(),
    Cluster: loose({ID: z.string()}).nullable().optional(),
  }).optional(),
});

export const ImageInspectSchema = loose({
  Id: z.string(),
  RepoTags: z.array(z.string()).nullable().optional(),
  RepoDigests: z.array(z.string()).nullable().optional(),
  Created: z.string().optional(),
  Size: z.number().optional(),
  Config: loose({Labels: z.record(z.string(), z.string()).nullable().optional()})
    .nullable()
    .optional(),
});
export type ImageInspect = z.infer<typeof ImageInspectSchema>;

export const ImageSummarySchema = loose({
  Id: z.string(),
  RepoTags: z.array(z.string()).nullable().optional(),
  RepoDigests: z.array(z.string()).nullable().optional(),
  Created: z.number().optional(),
  Size: z.number().optional(),
  Labels: z.record(z.string(), z.string()).nullable().optional(),
});
export type ImageSummary = z.infer<typeof ImageSummarySchema>;

export const DistributionSchema = loose({
  Descriptor: loose({digest: z.string().startsWith('sha256:'), mediaType: z.string().optional()}),
});

export const ContainerHealthSchema = loose({
  Id: z.string(),
  State: loose({
    Status: z.string().optional(),
    Health: loose({
      Status: z.string(),
      FailingStreak: z.number().optional(),
      Log: z
        .array(loose({ExitCode: z.number().optional(), Output: z.string().optional()}))
        .nullable()
        .optional(),
    })
      .nullable()
      .optional(),
    ExitCode: z.number().optional(),
  }).optional(),
});

export const CreatedIdSchema = loose({ID: z.string()});

/** One line of a push / pull progress stream. */
export const ProgressLineSchema = loose({
  status: z.string().optional(),
  id: z.string().optional(),
  error: z.string().optional(),
  errorDetail: loose({message: z.string().optional()}).optional(),
  aux: loose({Tag: z.string().optional(), Digest: z.string().optional(), Size: z.number().optional()}).optional(),
});
export type ProgressLine = z.infer<typeof ProgressLineSchema>;

/** GET /secrets and GET /configs entries (names only: secret data is never returned). */
export const SecretSummarySchema = loose({ID: z.string(), Spec: loose({Name: z.string()})});
export const ConfigSummarySchema = loose({ID: z.string(), Spec: loose({Name: z.string()})});

/** GET /networks entries. */
export const NetworkSummarySchema = loose({Id: z.string(), Name: z.string(), Scope: z.string().optional()});
