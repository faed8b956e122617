import {describe, expect, it} from 'vitest';
import type {DockerEvent} from '../../../../source/docker/schemas.js';
import {describeEvent, pushEvent} from '../../../../source/services/console/event-feed.js';

function event(action: string, attributes: Record<string, string>, time = 1_700_000_000): DockerEvent {
  return {
    Type: 'service',
    Action: action,
    Actor: {ID: 'svc1', Attributes: {name: 'web', ...attributes}},
    scope: 'swarm',
    time,
    timeNano: time * 1e9,
  };
}

describe('service event feed', () => {
  it('names update states the way operators say them', () => {
    const texts = ['updating', 'completed', 'paused', 'rollback_started', 'rollback_completed'].map(
      (state) => describeEvent(event('update', {'updatestate.new': state}))?.row.text,
    );
    expect(texts).toEqual(['update started', 'update completed', 'update paused', 'rollback started', 'rolled back']);
  });

  it('describes creation, removal, image changes and scaling, with the event time', () => {
    expect(describeEvent(event('create', {}))).toEqual({
      service: 'web',
      row: {at: 1_700_000_000_000, text: 'service created'},
    });
    expect(describeEvent(event('remove', {}))?.row.text).toBe('service removed');
    expect(describeEvent(event('update', {'image.old': 'a:1', 'image.new': 'a:2'}))?.row.text).toBe('image → a:2');
    expect(describeEvent(event('update', {'replicas.old': '1', 'replicas.new': '3'}))?.row.text).toBe('replicas 1 → 3');
    expect(describeEvent(event('update', {}))?.row.text).toBe('spec updated');
    expect(describeEvent({...event('create', {}), Type: 'container'})).toBeNull();
  });

  it('keeps the feed newest first and capped', () => {
    let feed = pushEvent(undefined, {at: 1, text: 'a'}, 3);
    for (let at = 2; at <= 5; at += 1) feed = pushEvent(feed, {at, text: String(at)}, 3);
    expect(feed.map((e) => e.at)).toEqual([5, 4, 3]);
  });
});
