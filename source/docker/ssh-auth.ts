/**
 * Who we are and whom we trust on ssh:// connections: the identities to offer (explicit key file,
 * ssh-agent, default key files) and the host key policy (known_hosts; unknown keys refused unless
 * explicitly accepted; keys that contradict known_hosts always refused).
 */
import {existsSync, readFileSync} from 'node:fs';
import {homedir} from 'node:os';
import {join} from 'node:path';
import {ssh2} from './ssh2-module.js';
import type {AnyAuthMethod} from 'ssh2';
import {DokrollError, EXIT} from '../shared/errors.js';
import {checkHostKey, knownHostsName} from './known-hosts.js';

const DEFAULT_KEY_FILES = ['id_ed25519', 'id_ecdsa', 'id_rsa'];
export const DEFAULT_HOST_KEY_ALGORITHMS = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
];

export type LevelError = Error & {level?: string};

/** An error shaped like ssh2's (`level` says which stage failed); errors.ts maps it. */
export function levelError(message: string, level: string): LevelError {
  return Object.assign(new Error(message), {level});
}

export interface SshTrustOptions {
  host: string;
  port: number;
  username: string;
  identityFile?: string;
  agentSocket?: string | null;
  knownHostsFile?: string;
  acceptUnknownHostKey?: boolean;
  homeDir?: string;
}

function sshDir(options: SshTrustOptions): string {
  return join(options.homeDir ?? homedir(), '.ssh');
}

export function knownHostsFile(options: SshTrustOptions): string {
  return options.knownHostsFile ?? join(sshDir(options), 'known_hosts');
}

export function readKnownHosts(options: SshTrustOptions): string | null {
  try {
    return readFileSync(knownHostsFile(options), 'utf8');
  } catch {
    return null;
  }
}

/** Host key algorithms to negotiate: the types known_hosts lists for this host first. */
export function hostKeyAlgorithms(options: SshTrustOptions, knownHosts: string | null): string[] {
  if (knownHosts === null) return DEFAULT_HOST_KEY_ALGORITHMS;
  const verdict = checkHostKey(knownHosts, options.host, options.port, Buffer.alloc(0));
  const knownTypes = verdict.status === 'unknown' ? verdict.knownTypes : [];
  const preferred = knownTypes.flatMap((type) =>
    type === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [type],
  );
  const known = preferred.filter((algo) => DEFAULT_HOST_KEY_ALGORITHMS.includes(algo));
  return [...new Set([...known, ...DEFAULT_HOST_KEY_ALGORITHMS])];
}

/** null when the host key is acceptable, else the reason to refuse it. */
export function verifyHostKey(options: SshTrustOptions, key: Buffer, knownHosts: string | null): LevelError | null {
  const {host, port} = options;
  const name = knownHostsName(host, port);
  const file = knownHostsFile(options);
  const verdict = knownHosts === null ? {status: 'unknown' as const} : checkHostKey(knownHosts, host, port, key);
  if (verdict.status === 'match') return null;
  if (verdict.status === 'mismatch') {
    return levelError(
      `the host key of ${name} does not match ${file} line ${verdict.line} (possible man-in-the-middle)`,
      'host-key',
    );
  }
  if (verdict.status === 'revoked') return levelError(`the host key of ${name} is revoked in ${file}`, 'host-key');
  if (options.acceptUnknownHostKey) return null;
  const scan = `ssh-keyscan${port === 22 ? '' : ` -p ${port}`} ${host} >> ${file}`;
  return levelError(
    `the host key of ${name} is not in ${file}${knownHosts === null ? ' (no such file)' : ''}: ` +
      `check it and add it (${scan}), or set DOKROLL_SSH_ACCEPT_UNKNOWN_HOST_KEY=1 for a throwaway host`,
    'host-key',
  );
}

/** Identities to offer, in order: the explicit key file, the ssh-agent, unencrypted default keys. */
export function authMethods(options: SshTrustOptions): AnyAuthMethod[] {
  const {username, identityFile, agentSocket} = options;
  const methods: AnyAuthMethod[] = [];
  if (identityFile) {
    let data: Buffer;
    try {
      data = readFileSync(identityFile);
    } catch (err) {
      const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      throw new DokrollError(`cannot read ssh key ${identityFile}: ${reason}`, EXIT.badInput, 'bad-ssh-key');
    }
    const parsed = ssh2().utils.parseKey(data);
    if (parsed instanceof Error) {
      const hint = /encrypted|passphrase/i.test(parsed.message)
        ? ' (passphrase-protected: load it into ssh-agent with ssh-add instead)'
        : '';
      throw new DokrollError(
        `cannot use ssh key ${identityFile}: ${parsed.message}${hint}`,
        EXIT.badInput,
        'bad-ssh-key',
      );
    }
    methods.push({type: 'publickey', username, key: data});
  }
  if (agentSocket && existsSync(agentSocket)) methods.push({type: 'agent', username, agent: agentSocket});
  for (const name of DEFAULT_KEY_FILES) {
    try {
      const data = readFileSync(join(sshDir(options), name));
      if (!(ssh2().utils.parseKey(data) instanceof Error)) methods.push({type: 'publickey', username, key: data});
    } catch {
      // absent or unreadable: not an identity we can use
    }
  }
  if (methods.length === 0) {
    throw levelError(
      `no ssh identity to log in as ${username}: no ssh-agent (SSH_AUTH_SOCK) and no unencrypted ~/.ssh/id_ed25519, id_ecdsa or id_rsa`,
      'client-authentication',
    );
  }
  return methods;
}
