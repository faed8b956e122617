/**
 * Image operations (inspect, tag, push, pull, remove, registry digest, list). The DockerGateway
 * exposes them as methods; they live here to keep the gateway small.
 */
import type {Readable} from 'node:stream';
import type Docker from 'dockerode';
import {z} from 'zod';
import {DokrollError, EXIT} from '../shared/errors.js';
import {
  DistributionSchema,
  ImageInspectSchema,
  ImageSummarySchema,
  ProgressLineSchema,
  type ImageInspect,
  type ImageSummary,
  type ProgressLine,
} from './engine-schemas.js';
import {DockerApiError, type ErrorContext} from './errors.js';
import {createLineSplitter, parseJsonLine} from './json-lines.js';
import {parsePayload} from './schemas.js';

/** Registry credentials, sent base64-encoded in the X-Registry-Auth header. */
export interface RegistryAuth {
  username?: string;
  password?: string;
  serveraddress?: string;
  identitytoken?: string;
  registrytoken?: string;
}

export interface GatewayCore {
  readonly endpoint: string;
  readonly docker: Docker;
  call<T>(request: () => Promise<T>, context?: ErrorContext): Promise<T>;
}

export class ImageOperationError extends DokrollError {
  constructor(message: string) {
    super(message, EXIT.failed, 'image-operation');
  }
}

export interface ImageRefParts {
  repository: string;
  tag: string | null;
  digest: string | null;
}

/** `host:5000/team/app:v1@sha256:…` → repository `host:5000/team/app`, tag `v1`, digest `sha256:…`. */
export function parseImageRef(ref: string): ImageRefParts {
  let rest = ref.trim();
  let digest: string | null = null;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | null = null;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  return {repository: rest, tag, digest};
}

/** An image ID (`sha256:<64 hex>`) rather than a repository reference. */
export function isImageId(ref: string): boolean {
  return /^sha256:[0-9a-f]{64}$/.test(ref);
}

function isNotFound(err: unknown): boolean {
  return err instanceof DockerApiError && err.statusCode === 404;
}

export async function inspectImage(core: GatewayCore, ref: string): Promise<ImageInspect | null> {
  try {
    const raw = await core.call(() => core.docker.getImage(ref).inspect());
    return parsePayload(ImageInspectSchema, 'image inspect', raw);
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
}

export async function listImages(core: GatewayCore): Promise<ImageSummary[]> {
  const raw = await core.call(() => core.docker.listImages());
  return parsePayload(z.array(ImageSummarySchema), 'image list', raw);
}

export async function tagImage(core: GatewayCore, image: string, repo: string, tag: string): Promise<void> {
  await core.call(() => core.docker.getImage(image).tag({repo, tag}));
}

/** Removes an image; false when there was no such image. */
export async function removeImage(core: GatewayCore, ref: string, opts: {force?: boolean} = {}): Promise<boolean> {
  try {
    await core.call(() => core.docker.getImage(ref).remove({force: opts.force ?? false}));
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}

/** The registry's manifest digest for a reference, or null when the registry does not have it. */
export async function distribution(core: GatewayCore, ref: string, auth?: RegistryAuth): Promise<string | null> {
  try {
    const raw = await core.call(() => core.docker.getImage(ref).distribution({authconfig: auth} as object));
    return parsePayload(DistributionSchema, 'distribution', raw).Descriptor.digest;
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
}

/** Reads a progress stream to its end; an `error` line fails the whole operation. */
export async function readProgress(
  stream: Readable,
  what: string,
  onLine?: (line: ProgressLine) => void,
): Promise<ProgressLine[]> {
  const splitter = createLineSplitter();
  const lines: ProgressLine[] = [];
  const take = (texts: string[]) => {
    for (const text of texts) {
      const line = parsePayload(ProgressLineSchema, `${what} progress`, parseJsonLine(text, `${what} progress`));
      if (line.error !== undefined || line.errorDetail?.message !== undefined) {
        stream.destroy();
        throw new ImageOperationError(`${what} failed: ${line.errorDetail?.message ?? line.error}`);
      }
      lines.push(line);
      onLine?.(line);
    }
  };
  for await (const chunk of stream) take(splitter.push(chunk as Buffer));
  take(splitter.flush());
  return lines;
}

/** Pushes `repo:tag` (default tag latest) and returns the manifest digest the registry reported. */
export async function pushImage(core: GatewayCore, ref: string, auth?: RegistryAuth): Promise<string> {
  const {repository, tag, digest} = parseImageRef(ref);
  if (digest) throw new ImageOperationError(`cannot push ${ref}: push a tag, not a digest`);
  const stream = await core.call(
    () => core.docker.getImage(repository).push({tag: tag ?? 'latest', authconfig: auth ?? {}}) as Promise<Readable>,
  );
  const lines = await core.call(() => readProgress(stream, `push of ${ref}`));
  const pushed = lines.map((line) => line.aux?.Digest).find((value) => value?.startsWith('sha256:'));
  if (!pushed) throw new ImageOperationError(`push of ${ref} finished without reporting a digest`);
  return pushed;
}

/** Pulls a reference (a bare repository means `:latest`); returns the digest the daemon reported. */
export async function pullImage(core: GatewayCore, ref: string, auth?: RegistryAuth): Promise<string | null> {
  const {tag, digest} = parseImageRef(ref);
  const fromImage = tag || digest ? ref : `${ref}:latest`;
  const stream = await core.call(() => core.docker.createImage(auth ?? {}, {fromImage}) as Promise<Readable>);
  const lines = await core.call(() => readProgress(stream, `pull of ${ref}`));
  for (const line of lines) {
    const match = /^Digest: (sha256:[0-9a-f]{64})$/.exec(line.status ?? '');
    if (match) return match[1]!;
  }
  return digest;
}
