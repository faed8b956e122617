/**
 * Swarm service events as the console's feed lines. Engine 20.10 sends `create` and `remove` with
 * the name, and `update` with `updatestate.old/new`, `image.old/new`, `replicas.old/new`.
 */
import type {DockerEvent} from '../../docker/schemas.js';
import type {EventRow} from '../console-model.js';

export const EVENTS_PER_SERVICE = 50;

const UPDATE_STATE_TEXT: Record<string, string> = {
  updating: 'update started',
  completed: 'update completed',
  paused: 'update paused',
  rollback_started: 'rollback started',
  rollback_paused: 'rollback paused',
  rollback_completed: 'rolled back',
};

function shortImage(ref: string): string {
  const [name = ref, digest] = ref.split('@');
  if (name.startsWith('sha256:')) return name.slice(0, 19);
  return digest ? `${name}@${digest.slice(0, 19)}` : name;
}

/** The feed line for an event, or null for events the feed does not show. */
export function describeEvent(event: DockerEvent): {service: string; row: EventRow} | null {
  const attrs = event.Actor.Attributes ?? {};
  const service = attrs.name;
  if (!service || event.Type !== 'service') return null;
  const at = Math.floor(event.timeNano / 1e6) || event.time * 1000;
  const text = eventText(event.Action, attrs);
  return text ? {service, row: {at, text}} : null;
}

function eventText(action: string, attrs: Record<string, string>): string | null {
  switch (action) {
    case 'create':
      return 'service created';
    case 'remove':
      return 'service removed';
    case 'update': {
      const parts: string[] = [];
      const state = attrs['updatestate.new'];
      if (state) parts.push(UPDATE_STATE_TEXT[state] ?? `update ${state.replace('_', ' ')}`);
      if (attrs['image.new'] && attrs['image.new'] !== attrs['image.old'])
        parts.push(`image → ${shortImage(attrs['image.new'])}`);
      const [from, to] = [attrs['replicas.old'], attrs['replicas.new']];
      if (to !== undefined && to !== from) parts.push(`replicas ${from ?? '?'} → ${to}`);
      return parts.length ? parts.join(', ') : 'spec updated';
    }
    default:
      return null;
  }
}

/** The feed with `row` added, newest first, capped. */
export function pushEvent(feed: readonly EventRow[] | undefined, row: EventRow, cap = EVENTS_PER_SERVICE): EventRow[] {
  const rows = [row, ...(feed ?? [])];
  rows.sort((a, b) => b.at - a.at);
  return rows.slice(0, cap);
}
