/**
 * OpenSSH known_hosts checking for ssh:// connections: plain, wildcard, negated and hashed
 * (`|1|salt|hmac`) host patterns, `[host]:port` for non-22 ports, `@revoked` markers.
 * `@cert-authority` lines are ignored (host certificates are not supported).
 */
import {createHmac} from 'node:crypto';

export type HostKeyVerdict =
  | {status: 'match'}
  | {status: 'unknown'; knownTypes: string[]}
  | {status: 'mismatch'; line: number}
  | {status: 'revoked'; line: number};

/** The name OpenSSH stores for a host: `host` on port 22, `[host]:port` otherwise. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function globToRegExp(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

function hashedMatches(pattern: string, name: string): boolean {
  const [, magic, salt, hash] = pattern.split('|');
  if (magic !== '1' || !salt || !hash) return false;
  const digest = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
  return digest === hash;
}

/** Whether a comma-separated host pattern list applies to `name`. */
export function hostPatternsMatch(patterns: string, name: string): boolean {
  let matched = false;
  for (const raw of patterns.split(',')) {
    if (raw.startsWith('|')) {
      if (hashedMatches(raw, name)) matched = true;
      continue;
    }
    const negated = raw.startsWith('!');
    const pattern = negated ? raw.slice(1) : raw;
    if (globToRegExp(pattern).test(name)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

/** The key type named inside an SSH public key blob (its first length-prefixed string). */
export function keyTypeOf(blob: Buffer): string {
  if (blob.length < 4) return '';
  const length = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + length).toString('latin1');
}

/**
 * Checks a host key (the raw SSH wire-format blob) against known_hosts content. A listed key of
 * the same type that differs is a mismatch (possible man-in-the-middle); no entry is unknown.
 */
export function checkHostKey(content: string, host: string, port: number, keyBlob: Buffer): HostKeyVerdict {
  const name = knownHostsName(host, port);
  const type = keyTypeOf(keyBlob);
  const knownTypes = new Set<string>();
  let mismatchLine = 0;
  let matched = false;
  const lines = content.split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    let fields = line.split(/\s+/);
    let marker: string | undefined;
    if (fields[0]!.startsWith('@')) {
      marker = fields[0];
      fields = fields.slice(1);
    }
    const [patterns, keyType, keyBase64] = fields;
    if (!patterns || !keyType || !keyBase64) continue;
    if (marker === '@cert-authority') continue;
    if (!hostPatternsMatch(patterns, name)) continue;
    const same = Buffer.from(keyBase64, 'base64').equals(keyBlob);
    if (marker === '@revoked') {
      if (same) return {status: 'revoked', line: index + 1};
      continue;
    }
    knownTypes.add(keyType);
    if (same) matched = true;
    else if (keyType === type && mismatchLine === 0) mismatchLine = index + 1;
  }
  if (matched) return {status: 'match'};
  if (mismatchLine) return {status: 'mismatch', line: mismatchLine};
  return {status: 'unknown', knownTypes: [...knownTypes]};
}
