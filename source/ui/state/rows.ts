/**
 * Rows the views draw and the list items the reducer keeps cursors on: one function per list, used
 * by both, so the cursor and the drawing always agree on order.
 */
import type {
  ConsoleState,
  EventRow,
  LogsTarget,
  StackHistory,
  TaskRow,
  VersionRow,
} from '../../services/console-model.js';
import {serviceListRows} from './stack-rows.js';
import type {ListItem} from '../list/list-reducer.js';

const EMPTY_TASKS: TaskRow[] = [];
const EMPTY_EVENTS: EventRow[] = [];
const sortedTasks = new WeakMap<TaskRow[], TaskRow[]>();

/** Tasks by slot, the one meant to run first, newest first. */
export function taskRows(console: ConsoleState, service: string): TaskRow[] {
  const tasks = console.tasks[service] ?? EMPTY_TASKS;
  let sorted = sortedTasks.get(tasks);
  if (!sorted) {
    sorted = [...tasks].sort(
      (a, b) =>
        (a.slot ?? Number.MAX_SAFE_INTEGER) - (b.slot ?? Number.MAX_SAFE_INTEGER) ||
        a.node.localeCompare(b.node) ||
        Number(b.desiredState === 'running') - Number(a.desiredState === 'running') ||
        b.since - a.since ||
        a.id.localeCompare(b.id),
    );
    sortedTasks.set(tasks, sorted);
  }
  return sorted;
}

export function eventRows(console: ConsoleState, service: string): EventRow[] {
  return console.events[service] ?? EMPTY_EVENTS;
}

/** Stable ids for events, which have none: time + text, numbered when repeated. */
export function eventIds(events: EventRow[]): string[] {
  const seen = new Map<string, number>();
  return events.map((event) => {
    const base = `${event.at}|${event.text}`;
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    return n === 0 ? base : `${base}#${n}`;
  });
}

export function serviceItems(console: ConsoleState, collapsed: readonly string[] = []): ListItem[] {
  return serviceListRows(console.services, collapsed).map((row) =>
    row.kind === 'stack'
      ? {id: row.id, text: `${row.stack ?? ''} ${row.services.map((s) => s.name).join(' ')}`}
      : {id: row.id, text: `${row.summary.name} ${row.summary.image} ${row.summary.mode}`},
  );
}

export function revisionItems(history: StackHistory): ListItem[] {
  return history.entries.map(({row, changes}) => ({
    id: String(row.number),
    text: `r${row.number} ${row.source} ${row.note ?? ''} ${changes?.summary ?? ''}`,
  }));
}

/** The services of the stack rollback on screen, in its order. */
export function stackServiceItems(console: ConsoleState, stack: string): ListItem[] {
  return (console.stackRollouts?.[stack]?.services ?? []).map((s) => ({
    id: s.service,
    text: `${s.service} ${s.action}`,
  }));
}

export function nodeItems(console: ConsoleState): ListItem[] {
  return (console.nodes ?? []).map((n) => ({id: n.id, text: `${n.name} ${n.role} ${n.availability} ${n.state}`}));
}

export function taskItems(console: ConsoleState, service: string): ListItem[] {
  return taskRows(console, service).map((t) => ({
    id: t.id,
    text: `${t.slot ?? ''} ${t.node} ${t.state} ${t.desiredState} ${t.error ?? ''}`,
  }));
}

/** The followed log lines of a logs route (none until they are the route's). */
export function logItems(console: ConsoleState, target: LogsTarget): ListItem[] {
  const logs = console.logs;
  if (!logs || logs.target.service !== target.service || logs.target.task !== target.task) return [];
  return logs.lines.map((line) => ({id: String(line.seq), text: line.text}));
}

export function eventItems(console: ConsoleState, service: string): ListItem[] {
  const events = eventRows(console, service);
  const ids = eventIds(events);
  return events.map((event, i) => ({id: ids[i]!, text: event.text}));
}

export function historyItems(rows: VersionRow[]): ListItem[] {
  return rows.map((row) => ({
    id: String(row.number),
    text: `v${row.number} ${row.source} ${row.health} ${row.imageRef} ${row.note ?? ''}`,
  }));
}
