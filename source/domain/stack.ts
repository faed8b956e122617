/**
 * Stacks: the services that share `com.docker.stack.namespace` (what `docker stack deploy` sets).
 * A revision of a stack points at one recorded version of each of its services; it is built from
 * versions, never instead of them. This module holds the pure parts: which stack a spec belongs to,
 * a revision's identity, and what changed between two revisions.
 */
import {createHash} from 'node:crypto';

/** The label `docker stack deploy` puts on every service, network, secret and config of a stack. */
export const STACK_NAMESPACE_LABEL = 'com.docker.stack.namespace';

/** service name → version number */
export type StackMembers = Record<string, number>;

/** The stack a service belongs to, or null when it was not deployed as part of one. */
export function stackOf(labels: Record<string, string> | undefined | null): string | null {
  const name = labels?.[STACK_NAMESPACE_LABEL];
  return name === undefined || name === '' ? null : name;
}

/** The same members always give the same hash, whatever order they were collected in. */
export function membersHash(members: StackMembers): string {
  const canonical = Object.keys(members)
    .sort()
    .map((service) => `${service}=${members[service]}`)
    .join('\n');
  return createHash('sha256').update(canonical).digest('hex');
}

export interface StackMemberChange {
  service: string;
  from: number;
  to: number;
}

export interface StackMembersDiff {
  /** In `to`, not in `from`. */
  added: {service: string; version: number}[];
  /** In `from`, not in `to`. */
  removed: {service: string; version: number}[];
  /** In both, at different versions. */
  changed: StackMemberChange[];
  /** In both, at the same version. */
  unchanged: {service: string; version: number}[];
}

/** Which services a move from one revision's members to another's adds, removes or changes. */
export function diffMembers(from: StackMembers, to: StackMembers): StackMembersDiff {
  const names = [...new Set([...Object.keys(from), ...Object.keys(to)])].sort();
  const result: StackMembersDiff = {added: [], removed: [], changed: [], unchanged: []};
  for (const service of names) {
    const a = from[service];
    const b = to[service];
    if (a === undefined && b !== undefined) result.added.push({service, version: b});
    else if (a !== undefined && b === undefined) result.removed.push({service, version: a});
    else if (a !== undefined && b !== undefined) {
      if (a === b) result.unchanged.push({service, version: a});
      else result.changed.push({service, from: a, to: b});
    }
  }
  return result;
}

/** One line: `web v3→v4, worker v2→v3; + cache v1; - old v5`, or `no changes`. */
export function summarizeMembersDiff(diff: StackMembersDiff): string {
  const parts: string[] = [];
  if (diff.changed.length > 0) parts.push(diff.changed.map((c) => `${c.service} v${c.from}→v${c.to}`).join(', '));
  if (diff.added.length > 0) parts.push(`+ ${diff.added.map((a) => `${a.service} v${a.version}`).join(', ')}`);
  if (diff.removed.length > 0) parts.push(`- ${diff.removed.map((r) => `${r.service} v${r.version}`).join(', ')}`);
  return parts.length === 0 ? 'no changes' : parts.join('; ');
}

/** `r3`, `R3` or `3` → 3; null when it is not a revision. */
export function parseRevision(text: string): number | null {
  const match = /^[rR]?(\d{1,9})$/.exec(text);
  if (!match) return null;
  const n = Number(match[1]);
  return n >= 1 ? n : null;
}
