import {describe, expect, it} from 'vitest';
import {share, structurallyEqual} from '../../../../source/services/console/structural.js';

describe('structural sharing', () => {
  it('keeps the previous value when the next one is equal as data', () => {
    const prev = {services: [{name: 'web', running: 3}], tasks: {web: [{id: 'a', since: 1}]}, lastError: undefined};
    const next = {services: [{name: 'web', running: 3}], tasks: {web: [{id: 'a', since: 1}]}};
    expect(share(prev, next)).toBe(prev);
    expect(structurallyEqual(prev, next)).toBe(true);
  });

  it('builds a new value that reuses every unchanged branch', () => {
    const prev = {services: [{name: 'web', running: 3}], tasks: {web: [{id: 'a', since: 1}]}};
    const next = {services: [{name: 'web', running: 2}], tasks: {web: [{id: 'a', since: 1}]}};
    const shared = share(prev, next);
    expect(shared).not.toBe(prev);
    expect(shared).toEqual(next);
    expect(shared.tasks).toBe(prev.tasks);
    expect(shared.services).not.toBe(prev.services);
  });

  it('tells apart added keys, removed keys, longer arrays and dates', () => {
    expect(structurallyEqual({a: 1}, {a: 1, b: 2})).toBe(false);
    expect(structurallyEqual({a: 1, b: 2}, {a: 1})).toBe(false);
    expect(structurallyEqual([1, 2], [1, 2, 3])).toBe(false);
    expect(structurallyEqual({at: new Date(5)}, {at: new Date(5)})).toBe(true);
    expect(structurallyEqual({at: new Date(5)}, {at: new Date(6)})).toBe(false);
  });
});
