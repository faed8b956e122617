/**
 * Image references as Swarm stores them: `repo:tag@sha256:…` (pinned at deploy time), `repo:tag`,
 * `repo@sha256:…`, `host:5000/team/app:tag`, or a bare local image ID `sha256:…`.
 */

export interface ImageRefParts {
  /** Everything before the tag/digest (`host:5000/team/app`); null for a bare image ID. */
  repository: string | null;
  tag: string | null;
  /** `sha256:…` from `@sha256:…`, or the ID itself for a bare image ID. */
  digest: string | null;
}

const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-f0-9]{32,}$/i;
const BARE_HEX_ID = /^[a-f0-9]{64}$/i;

/** Whether `ref` is only an image ID / content digest (`sha256:…`, or 64 hex characters). */
export function isImageId(ref: string): boolean {
  return DIGEST.test(ref) || BARE_HEX_ID.test(ref);
}

export function parseImageRef(ref: string): ImageRefParts {
  const trimmed = ref.trim();
  if (trimmed === '') return {repository: null, tag: null, digest: null};
  if (isImageId(trimmed)) {
    const digest = BARE_HEX_ID.test(trimmed) ? `sha256:${trimmed}` : trimmed;
    return {repository: null, tag: null, digest};
  }
  const at = trimmed.indexOf('@');
  const name = at === -1 ? trimmed : trimmed.slice(0, at);
  const digest = at === -1 ? null : trimmed.slice(at + 1) || null;
  // A tag is a ':' after the last '/': in "host:5000/app" the colon belongs to the registry.
  const lastSlash = name.lastIndexOf('/');
  const colon = name.indexOf(':', lastSlash + 1);
  if (colon === -1) return {repository: name || null, tag: null, digest};
  return {repository: name.slice(0, colon) || null, tag: name.slice(colon + 1) || null, digest};
}

/** `host:5000/a/b:tag@sha256:…` -> `host:5000/a/b`; a bare ID -> null. */
export function imageRepo(ref: string): string | null {
  return parseImageRef(ref).repository;
}

export function imageTag(ref: string): string | null {
  return parseImageRef(ref).tag;
}

/** The content digest a reference pins (`sha256:…`), or null when it only names a tag. */
export function imageDigest(ref: string): string | null {
  return parseImageRef(ref).digest;
}

/** The reference without its `@digest` (`app:1.2@sha256:…` -> `app:1.2`); a bare ID stays as is. */
export function withoutDigest(ref: string): string {
  const {repository, tag, digest} = parseImageRef(ref);
  if (repository === null) return digest ?? ref.trim();
  return tag === null ? repository : `${repository}:${tag}`;
}

/** `repo[:tag]@digest` for `ref` pinned to `digest` (any digest already in `ref` is replaced). */
export function pinImageRef(ref: string, digest: string): string {
  const {repository} = parseImageRef(ref);
  if (repository === null) return digest;
  return `${withoutDigest(ref)}@${digest}`;
}
