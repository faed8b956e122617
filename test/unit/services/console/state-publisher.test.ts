import {afterEach, describe, expect, it, vi} from 'vitest';
import {StatePublisher} from '../../../../source/services/console/state-publisher.js';

afterEach(() => vi.useRealTimers());

describe('state publisher', () => {
  it('coalesces a burst of changes into one published state', () => {
    vi.useFakeTimers();
    const publisher = new StatePublisher({count: 0}, 66);
    const listener = vi.fn();
    publisher.subscribe(listener);
    for (let i = 1; i <= 10; i += 1) publisher.update((s) => ({...s, count: i}));
    expect(publisher.state.count).toBe(0);
    vi.advanceTimersByTime(66);
    expect(listener).toHaveBeenCalledTimes(1);
    expect(publisher.state.count).toBe(10);
  });

  it('publishes nothing when the changes leave the state as it was', () => {
    vi.useFakeTimers();
    const publisher = new StatePublisher({rows: [{id: 'a'}]}, 66);
    const listener = vi.fn();
    publisher.subscribe(listener);
    const before = publisher.state;
    publisher.update(() => ({rows: [{id: 'a'}]}));
    vi.advanceTimersByTime(200);
    expect(listener).not.toHaveBeenCalled();
    expect(publisher.state).toBe(before);
    expect(publisher.publishCount).toBe(0);
  });

  it('publishes at most once per interval while changes keep coming', () => {
    vi.useFakeTimers();
    const publisher = new StatePublisher({n: 0}, 66);
    const listener = vi.fn();
    publisher.subscribe(listener);
    for (let t = 0; t < 660; t += 10) {
      publisher.update((s) => ({n: s.n + 1}));
      vi.advanceTimersByTime(10);
    }
    vi.advanceTimersByTime(100);
    expect(listener.mock.calls.length).toBeGreaterThanOrEqual(9);
    expect(listener.mock.calls.length).toBeLessThanOrEqual(11);
    expect(publisher.state.n).toBe(66);
  });
});
