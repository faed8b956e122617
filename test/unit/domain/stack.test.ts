import {describe, expect, it} from 'vitest';
import {diffMembers, membersHash, parseRevision, stackOf, summarizeMembersDiff} from '../../../source/domain/stack.js';

describe('stack membership', () => {
  it('reads the stack from the namespace label docker stack deploy sets', () => {
    expect(stackOf({'com.docker.stack.namespace': 'shop'})).toBe('shop');
    expect(stackOf({'com.docker.stack.namespace': ''})).toBeNull();
    expect(stackOf({})).toBeNull();
    expect(stackOf(undefined)).toBeNull();
  });

  it('gives the same hash to the same members in any order, and another to other versions', () => {
    expect(membersHash({web: 2, worker: 3})).toBe(membersHash({worker: 3, web: 2}));
    expect(membersHash({web: 2, worker: 3})).not.toBe(membersHash({web: 2, worker: 4}));
    expect(membersHash({web: 2})).not.toBe(membersHash({web: 2, worker: 3}));
  });

  it('tells added, removed, changed and unchanged services apart', () => {
    const diff = diffMembers({web: 1, worker: 1, old: 5}, {web: 2, worker: 1, cache: 1});
    expect(diff).toEqual({
      added: [{service: 'cache', version: 1}],
      removed: [{service: 'old', version: 5}],
      changed: [{service: 'web', from: 1, to: 2}],
      unchanged: [{service: 'worker', version: 1}],
    });
    expect(summarizeMembersDiff(diff)).toBe('web v1→v2; + cache v1; - old v5');
    expect(summarizeMembersDiff(diffMembers({web: 1}, {web: 1}))).toBe('no changes');
  });

  it('reads revisions as r3, R3 or 3 and refuses anything else', () => {
    expect(parseRevision('r3')).toBe(3);
    expect(parseRevision('R12')).toBe(12);
    expect(parseRevision('7')).toBe(7);
    expect(parseRevision('r0')).toBeNull();
    expect(parseRevision('v3')).toBeNull();
    expect(parseRevision('r-1')).toBeNull();
  });
});
