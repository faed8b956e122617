/**
 * Where the Docker daemon is: `--host` > `DOCKER_HOST` > the default unix socket. Several managers
 * may be named, comma-separated (`-H a,b`) or with `-H` repeated: the gateway talks to the first
 * that answers and fails over to the next when it goes away (gateway.ts).
 *
 *   unix:///path/to/docker.sock
 *   tcp://host[:port]        http, or https with client certificates when DOCKER_TLS_VERIFY is set
 *                            (ca.pem, cert.pem, key.pem from DOCKER_CERT_PATH, default ~/.docker)
 *   ssh://[user@]host[:port] one SSH connection, `docker system dial-stdio` per HTTP connection
 *
 * Pure parsing lives in parseDockerHost (unit-tested); resolveTarget adds the environment and files.
 */
import {readFileSync} from 'node:fs';
import {homedir, userInfo} from 'node:os';
import {join} from 'node:path';
import {z} from 'zod';
import {DokrollError, EXIT} from '../shared/errors.js';

export const DEFAULT_DOCKER_HOST = 'unix:///var/run/docker.sock';

export interface SshConnectOptions {
  /** Private key file to try first (ssh-agent and ~/.ssh/id_{ed25519,ecdsa,rsa} are tried after it). */
  identityFile?: string;
  /** known_hosts file to verify the host key against (default ~/.ssh/known_hosts). */
  knownHostsFile?: string;
  /**
   * Accept a host key that known_hosts does not list (a key that CONTRADICTS known_hosts is always
   * refused). For throwaway test hosts only; also enabled by DOKROLL_SSH_ACCEPT_UNKNOWN_HOST_KEY=1.
   */
  acceptUnknownHostKey?: boolean;
  /** ssh-agent socket (default SSH_AUTH_SOCK; null disables the agent). */
  agentSocket?: string | null;
}

export interface ConnectOptions {
  /** `--host` (repeated, or comma-separated: several managers); wins over DOCKER_HOST. */
  host?: string | readonly string[];
  /** Overrides DOCKER_TLS_VERIFY. */
  tlsVerify?: boolean;
  /** Overrides DOCKER_CERT_PATH. */
  certPath?: string;
  /** `--ssh-key`; same as ssh.identityFile (DOKROLL_SSH_KEY in the environment). */
  sshKey?: string;
  ssh?: SshConnectOptions;
  /** Idle timeout of ordinary API requests (the event stream has none). Default 60 s. */
  requestTimeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

export interface TlsMaterial {
  certPath: string;
  ca: Buffer;
  cert: Buffer;
  key: Buffer;
}

export type ParsedHost =
  | {kind: 'unix'; endpoint: string; socketPath: string}
  | {kind: 'tcp'; endpoint: string; host: string; port: number | null}
  | {kind: 'ssh'; endpoint: string; host: string; port: number; username: string | null};

export type DockerTarget =
  | {kind: 'unix'; endpoint: string; socketPath: string}
  | {kind: 'tcp'; endpoint: string; host: string; port: number; tls: TlsMaterial | null}
  | {
      kind: 'ssh';
      endpoint: string;
      host: string;
      port: number;
      username: string;
      ssh: Required<Pick<SshConnectOptions, 'acceptUnknownHostKey'>> & SshConnectOptions;
    };

const EXPECTED = 'expected unix:///path/to/docker.sock, tcp://host:port or ssh://[user@]host[:port]';

const PortSchema = z.coerce.number().int().min(1).max(65535);
const HostnameSchema = z
  .string()
  .min(1, 'the host name is empty')
  .regex(/^[^\s/@]+$/, 'bad host name');

const UrlPartsSchema = z.object({
  protocol: z.enum(['unix:', 'tcp:', 'ssh:'], {message: 'unsupported scheme'}),
  username: z.string(),
  password: z.literal('', {message: 'a password in the URL is not supported'}),
  hostname: z.string(),
  port: z.union([z.literal(''), PortSchema]),
  pathname: z.string(),
  search: z.literal('', {message: 'a query string is not supported'}),
  hash: z.literal('', {message: 'a fragment is not supported'}),
});

function badHost(value: string, source: string, reason: string): DokrollError {
  return new DokrollError(
    `invalid Docker host '${value}' (from ${source}): ${reason}; ${EXPECTED}`,
    EXIT.badInput,
    'bad-docker-host',
  );
}

function bracket(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** Parses one DOCKER_HOST-style value. `source` names where it came from, for the error message. */
export function parseDockerHost(value: string, source = 'DOCKER_HOST'): ParsedHost {
  const text = value.trim();
  if (text.startsWith('unix://')) {
    const socketPath = text.slice('unix://'.length);
    if (!socketPath.startsWith('/')) throw badHost(value, source, 'the socket path must be absolute');
    return {kind: 'unix', endpoint: `unix://${socketPath}`, socketPath};
  }
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text)?.[1];
  if (scheme === undefined) throw badHost(value, source, 'no scheme');
  if (!['unix', 'tcp', 'ssh'].includes(scheme.toLowerCase()))
    throw badHost(value, source, `unsupported scheme '${scheme}://'`);
  const portText = /^[a-z]+:\/\/(?:[^@/]*@)?(?:\[[^\]]*\]|[^:/?#]*):(\d+)/i.exec(text)?.[1];
  if (portText !== undefined && !PortSchema.safeParse(portText).success)
    throw badHost(value, source, `bad port ${portText}`);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw badHost(value, source, 'not a URL');
  }
  const {protocol, username, password, hostname: rawHost, port: rawPort, pathname, search, hash} = url;
  const parsed = UrlPartsSchema.safeParse({
    protocol,
    username,
    password,
    hostname: rawHost,
    port: rawPort,
    pathname,
    search,
    hash,
  });
  if (!parsed.success) throw badHost(value, source, parsed.error.issues[0]?.message ?? 'not understood');
  const parts = parsed.data;
  const hostname = parts.hostname.replace(/^\[(.*)\]$/, '$1');
  const host = HostnameSchema.safeParse(hostname);
  if (!host.success) throw badHost(value, source, host.error.issues[0]?.message ?? 'bad host name');
  if (parts.pathname !== '' && parts.pathname !== '/')
    throw badHost(value, source, 'a path after the host is not supported');
  const port = parts.port === '' ? null : parts.port;

  if (parts.protocol === 'tcp:') {
    if (parts.username) throw badHost(value, source, 'a user name is only meaningful for ssh://');
    return {kind: 'tcp', endpoint: `tcp://${bracket(hostname)}${port ? `:${port}` : ''}`, host: hostname, port};
  }
  if (parts.protocol === 'ssh:') {
    const username = parts.username ? decodeURIComponent(parts.username) : null;
    const endpoint = `ssh://${username ? `${username}@` : ''}${bracket(hostname)}${port && port !== 22 ? `:${port}` : ''}`;
    return {kind: 'ssh', endpoint, host: hostname, port: port ?? 22, username};
  }
  throw badHost(value, source, 'unix:// needs a socket path, as in unix:///var/run/docker.sock');
}

function truthy(value: string | undefined): boolean {
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}

function readTlsMaterial(certPath: string): TlsMaterial {
  const read = (file: string) => {
    const path = join(certPath, file);
    try {
      return readFileSync(path);
    } catch (err) {
      throw new DokrollError(
        `TLS is enabled for the Docker host but ${path} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}) — set DOCKER_CERT_PATH to the directory holding ca.pem, cert.pem and key.pem`,
        EXIT.badInput,
        'bad-docker-tls',
      );
    }
  };
  return {certPath, ca: read('ca.pem'), cert: read('cert.pem'), key: read('key.pem')};
}

function currentUser(env: NodeJS.ProcessEnv): string {
  if (env.USER) return env.USER;
  try {
    return userInfo().username;
  } catch {
    return 'root';
  }
}

/**
 * The endpoints a host value names: comma-separated, each trimmed (`unix:///a.sock,ssh://m2`). An
 * empty item (`a,,b`, a trailing comma) is refused.
 */
export function splitHosts(values: string | readonly string[], source: string): string[] {
  const items = (typeof values === 'string' ? [values] : values).flatMap((value) => value.split(','));
  const hosts = items.map((item) => item.trim());
  if (hosts.some((host) => host === '')) {
    const whole = (typeof values === 'string' ? [values] : values).join(',');
    throw badHost(whole, source, 'an empty item in the list of hosts');
  }
  return hosts;
}

/** The host values asked for and where they came from: --host > DOCKER_HOST > the default socket. */
function hostValues(opts: ConnectOptions, env: NodeJS.ProcessEnv): {values: string[]; source: string} {
  const flag =
    opts.host === undefined
      ? []
      : (typeof opts.host === 'string' ? [opts.host] : [...opts.host]).filter((h) => h.trim() !== '');
  if (flag.length > 0) return {values: splitHosts(flag, '--host'), source: '--host'};
  if (env.DOCKER_HOST !== undefined && env.DOCKER_HOST.trim() !== '')
    return {values: splitHosts(env.DOCKER_HOST, 'DOCKER_HOST'), source: 'DOCKER_HOST'};
  return {values: [DEFAULT_DOCKER_HOST], source: 'the default'};
}

/**
 * Every daemon target named by the options and environment, in the order given (duplicates
 * dropped), reading TLS material when needed.
 */
export function resolveTargets(opts: ConnectOptions = {}): DockerTarget[] {
  const env = opts.env ?? process.env;
  const {values, source} = hostValues(opts, env);
  const targets = values.map((value) => targetOf(parseDockerHost(value, source), opts, env));
  return targets.filter((target, i) => targets.findIndex((t) => t.endpoint === target.endpoint) === i);
}

/** The first daemon target named by the options and environment. */
export function resolveTarget(opts: ConnectOptions = {}): DockerTarget {
  return resolveTargets(opts)[0]!;
}

function targetOf(parsed: ParsedHost, opts: ConnectOptions, env: NodeJS.ProcessEnv): DockerTarget {
  const home = env.HOME || homedir();

  switch (parsed.kind) {
    case 'unix':
      return parsed;
    case 'tcp': {
      const tlsVerify = opts.tlsVerify ?? truthy(env.DOCKER_TLS_VERIFY);
      const certPath = opts.certPath ?? (env.DOCKER_CERT_PATH || join(home, '.docker'));
      const tls = tlsVerify ? readTlsMaterial(certPath) : null;
      const port = parsed.port ?? (tls ? 2376 : 2375);
      const endpoint = `tcp://${bracket(parsed.host)}:${port}`;
      return {kind: 'tcp', endpoint, host: parsed.host, port, tls};
    }
    case 'ssh': {
      const username = parsed.username ?? currentUser(env);
      const ssh = {
        ...opts.ssh,
        identityFile: opts.sshKey ?? opts.ssh?.identityFile ?? (env.DOKROLL_SSH_KEY || undefined),
        acceptUnknownHostKey: opts.ssh?.acceptUnknownHostKey ?? truthy(env.DOKROLL_SSH_ACCEPT_UNKNOWN_HOST_KEY),
        agentSocket: opts.ssh?.agentSocket === undefined ? env.SSH_AUTH_SOCK || null : opts.ssh.agentSocket,
        knownHostsFile: opts.ssh?.knownHostsFile ?? join(home, '.ssh', 'known_hosts'),
      };
      const endpoint = parsed.username ? parsed.endpoint : parsed.endpoint.replace('ssh://', `ssh://${username}@`);
      return {kind: 'ssh', endpoint, host: parsed.host, port: parsed.port, username, ssh};
    }
  }
}
