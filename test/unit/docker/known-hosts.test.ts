import {createHmac, randomBytes} from 'node:crypto';
import {describe, expect, it} from 'vitest';
import {checkHostKey, hostPatternsMatch, keyTypeOf, knownHostsName} from '../../../source/docker/known-hosts.js';

/** An SSH wire-format public key blob: string type, then key material. */
function blob(type: string, material: string): Buffer {
  const typeBuffer = Buffer.from(type);
  const materialBuffer = Buffer.from(material);
  const out = Buffer.alloc(8 + typeBuffer.length + materialBuffer.length);
  out.writeUInt32BE(typeBuffer.length, 0);
  typeBuffer.copy(out, 4);
  out.writeUInt32BE(materialBuffer.length, 4 + typeBuffer.length);
  materialBuffer.copy(out, 8 + typeBuffer.length);
  return out;
}

const ED = blob('ssh-ed25519', 'host-key-one');
const OTHER_ED = blob('ssh-ed25519', 'host-key-two');
const RSA = blob('ssh-rsa', 'rsa-material');
const entry = (hosts: string, key: Buffer) => `${hosts} ${keyTypeOf(key)} ${key.toString('base64')}`;

function hashed(name: string): string {
  const salt = randomBytes(20);
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
}

describe('known_hosts checking', () => {
  it('names non-standard ports in brackets', () => {
    expect(knownHostsName('127.0.0.1', 2222)).toBe('[127.0.0.1]:2222');
    expect(knownHostsName('manager', 22)).toBe('manager');
  });

  it('accepts the key listed for the host and port', () => {
    const content = `# comment\n${entry('other', OTHER_ED)}\n${entry('[127.0.0.1]:2222', ED)}\n`;
    expect(checkHostKey(content, '127.0.0.1', 2222, ED)).toEqual({status: 'match'});
  });

  it('does not confuse the same host on another port', () => {
    const content = entry('127.0.0.1', ED);
    expect(checkHostKey(content, '127.0.0.1', 2222, ED)).toEqual({status: 'unknown', knownTypes: []});
  });

  it('reports a different key of the same type as a mismatch with its line', () => {
    const content = `\n${entry('manager,10.0.0.1', OTHER_ED)}\n`;
    expect(checkHostKey(content, 'manager', 22, ED)).toEqual({status: 'mismatch', line: 2});
  });

  it('treats a host known only by another key type as unknown, listing the known types', () => {
    expect(checkHostKey(entry('manager', RSA), 'manager', 22, ED)).toEqual({
      status: 'unknown',
      knownTypes: ['ssh-rsa'],
    });
  });

  it('matches hashed host names', () => {
    expect(checkHostKey(entry(hashed('[127.0.0.1]:2222'), ED), '127.0.0.1', 2222, ED)).toEqual({status: 'match'});
    expect(checkHostKey(entry(hashed('elsewhere'), ED), '127.0.0.1', 2222, ED).status).toBe('unknown');
  });

  it('honours wildcards and negations', () => {
    expect(hostPatternsMatch('*.prod.example,!db.prod.example', 'web.prod.example')).toBe(true);
    expect(hostPatternsMatch('*.prod.example,!db.prod.example', 'db.prod.example')).toBe(false);
    expect(hostPatternsMatch('web?', 'web1')).toBe(true);
  });

  it('refuses a key marked @revoked even if also listed', () => {
    const content = `${entry('manager', ED)}\n@revoked ${entry('*', ED)}`;
    expect(checkHostKey(content, 'manager', 22, ED)).toEqual({status: 'revoked', line: 2});
  });
});
