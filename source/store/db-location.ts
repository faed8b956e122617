/**
 * Where the history database lives: `--db` beats `DOKROLL_DB`, which beats the XDG default
 * (`$XDG_DATA_HOME/dokroll/history.db`, XDG_DATA_HOME defaulting to `~/.local/share`).
 *
 * Plain paths and `file:` URLs become a canonical `file:/absolute/path` URL; remote libSQL servers are
 * reached through `libsql:`, `https:`, `http:`, `wss:` or `ws:` URLs with `DOKROLL_DB_TOKEN` as auth token.
 */
import os from 'node:os';
import path from 'node:path';
import {z} from 'zod';
import {StoreError} from './errors.js';

export type DbLocation = {kind: 'file'; url: string; path: string} | {kind: 'remote'; url: string; authToken?: string};

export interface DbLocationInput {
  /** The `--db` value, if given. */
  url?: string;
  /** Overrides `DOKROLL_DB_TOKEN` for remote URLs. */
  authToken?: string;
  env?: NodeJS.ProcessEnv;
  /** Base for relative paths; defaults to the working directory. */
  cwd?: string;
}

const REMOTE_SCHEMES = ['libsql', 'https', 'http', 'wss', 'ws'] as const;
const ACCEPTED = 'accepted: a file path, file:PATH, libsql://HOST, https://HOST, http://HOST, wss://HOST or ws://HOST';
const SCHEME_RE = /^([A-Za-z][A-Za-z0-9+.-]*):/;

export function resolveDbLocation(input: DbLocationInput = {}): DbLocation {
  const env = input.env ?? process.env;
  const cwd = input.cwd ?? process.cwd();
  const fromEnv = nonEmpty(env.DOKROLL_DB);
  let given: {value: string; from: string};
  if (input.url !== undefined) given = {value: input.url, from: '--db'};
  else if (fromEnv !== undefined) given = {value: fromEnv, from: 'DOKROLL_DB'};
  else return fileLocation(defaultDbPath(env));

  const parsed = locationSchema(env, cwd).safeParse(given.value);
  if (!parsed.success) {
    const why = parsed.error.issues[0]?.message ?? 'not a database location';
    throw new StoreError(`Invalid ${given.from} value ${JSON.stringify(given.value)}: ${why} (${ACCEPTED})`);
  }
  const location = parsed.data;
  if (location.kind === 'remote') {
    const token = input.authToken ?? nonEmpty(env.DOKROLL_DB_TOKEN);
    return token === undefined ? location : {...location, authToken: token};
  }
  return location;
}

/** `$XDG_DATA_HOME/dokroll/history.db`; a relative XDG_DATA_HOME is ignored, as the XDG spec says. */
export function defaultDbPath(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = nonEmpty(env.XDG_DATA_HOME);
  const home = nonEmpty(env.HOME) ?? os.homedir();
  const dataHome = xdg !== undefined && path.isAbsolute(xdg) ? xdg : path.join(home, '.local', 'share');
  return path.join(dataHome, 'dokroll', 'history.db');
}

/** The canonical `file:` URL of an absolute path (each segment percent-encoded, as libSQL decodes them). */
export function fileUrl(absolutePath: string): string {
  return 'file:' + absolutePath.split('/').map(encodeURIComponent).join('/');
}

function fileLocation(absolutePath: string): DbLocation {
  return {kind: 'file', url: fileUrl(absolutePath), path: absolutePath};
}

function locationSchema(env: NodeJS.ProcessEnv, cwd: string) {
  return z
    .string()
    .trim()
    .min(1, 'it is empty')
    .transform((value, ctx): DbLocation => {
      const scheme = SCHEME_RE.exec(value)?.[1]?.toLowerCase();
      if (scheme === undefined) return fileLocation(toAbsolute(value, env, cwd));
      if (scheme === 'file') {
        const result = parseFileUrl(value, env, cwd);
        if (typeof result === 'string') {
          ctx.addIssue({code: 'custom', message: result});
          return z.NEVER;
        }
        return result;
      }
      if ((REMOTE_SCHEMES as readonly string[]).includes(scheme)) {
        const problem = remoteProblem(value);
        if (problem !== undefined) {
          ctx.addIssue({code: 'custom', message: problem});
          return z.NEVER;
        }
        return {kind: 'remote', url: value};
      }
      ctx.addIssue({code: 'custom', message: `unsupported scheme "${scheme}:"`});
      return z.NEVER;
    });
}

/** A file: URL as libSQL reads it (RFC 3986, relative paths allowed); returns a problem as a string. */
function parseFileUrl(value: string, env: NodeJS.ProcessEnv, cwd: string): DbLocation | string {
  const match = /^[^:]+:(?:\/\/(?<authority>[^/?#]*))?(?<path>[^?#]*)(?<rest>[?#].*)?$/su.exec(value);
  const groups = match?.groups;
  if (groups === undefined) return 'not a valid file: URL';
  if (groups.rest !== undefined) return 'file: URLs take no query or fragment';
  const authority = groups.authority;
  if (authority !== undefined && authority !== '' && authority.toLowerCase() !== 'localhost') {
    return `a file: URL cannot name a host ("${authority}"); use file:/absolute/path or file:///absolute/path`;
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(groups.path ?? '');
  } catch {
    return 'the path has invalid percent-encoding';
  }
  if (decoded === '') return 'the file: URL has no path';
  if (decoded === ':memory:') return 'an in-memory database would not keep any history';
  return fileLocation(toAbsolute(decoded, env, cwd));
}

function remoteProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'not a valid URL';
  }
  if (url.hostname === '') return 'the URL names no host';
  if (url.hash !== '') return 'URL fragments are not supported';
  for (const key of url.searchParams.keys()) {
    if (key !== 'tls' && key !== 'authToken') return `unsupported URL parameter "${key}"`;
  }
  return undefined;
}

function toAbsolute(p: string, env: NodeJS.ProcessEnv, cwd: string): string {
  if (p === '~' || p.startsWith('~/')) {
    return path.join(nonEmpty(env.HOME) ?? os.homedir(), p.slice(1));
  }
  return path.resolve(cwd, p);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

/** The URL without query, fragment or user info, which may carry credentials. */
export function redactUrl(url: string): string {
  const q = url.search(/[?#]/);
  return (q === -1 ? url : url.slice(0, q)).replace(/^([^:]+:\/\/)[^@/]*@/, '$1');
}

/** Where the history lives, as shown to people: the file's path, or the URL without credentials. */
export function describeLocation(location: DbLocation): {kind: DbLocation['kind']; display: string} {
  return {kind: location.kind, display: location.kind === 'file' ? location.path : redactUrl(location.url)};
}
