/**
 * The daemon's event stream as an AsyncIterable that survives disconnections.
 *
 * One long-lived `GET /events` (no request timeout). When it breaks it is reopened with exponential
 * backoff (250 ms doubling to 5 s) and `since` = the time of the last event seen (whole seconds,
 * inclusive), so events that happened while disconnected are delivered; the replayed ones already
 * seen are dropped by timeNano + Action + Actor.ID. Before any event was seen, the resume point is
 * the daemon's clock when the stream was answered (the HTTP Date header, so a remote daemon's clock
 * skew does not matter). The iterable ends when the
 * signal aborts; a malformed event (PayloadError) or a non-network error ends it with that error.
 */
import type {Readable} from 'node:stream';
import {DokrollError} from '../shared/errors.js';
import {DaemonUnreachableError, DockerApiError} from './errors.js';
import {createLineSplitter, parseJsonLine} from './json-lines.js';
import {EventSchema, parsePayload, type DockerEvent} from './schemas.js';
import {abortableSleep as sleep} from '../shared/abortable-sleep.js';

export {createLineSplitter} from './json-lines.js';

export type EventFilters = Record<string, string[]>;
export type StreamStatus = 'connected' | 'disconnected';

/** What the event stream needs from the gateway. */
export interface EventSource {
  openEventStream(opts: {since?: number; filters: EventFilters; signal: AbortSignal}): Promise<Readable>;
}

export interface EventStreamOptions {
  /** Unix seconds: replay events from then on (inclusive). Default: only new events. */
  since?: number;
  signal: AbortSignal;
  /** Called on every (re)connection, and on every lost connection or failed attempt with its error. */
  onStatus?: (status: StreamStatus, error?: Error) => void;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
}

export const SERVICE_EVENT_FILTERS: EventFilters = {type: ['service'], scope: ['swarm']};

export function eventKey(event: DockerEvent): string {
  return `${event.timeNano}|${event.Action}|${event.Actor.ID}`;
}

/** Parses complete event lines; a line that is not a valid event throws a PayloadError. */
export function parseEventLines(lines: readonly string[]): DockerEvent[] {
  return lines.map((line) => parsePayload(EventSchema, 'event', parseJsonLine(line, 'event')));
}

function retryable(err: unknown): boolean {
  if (err instanceof DaemonUnreachableError || err instanceof DockerApiError) return true;
  return !(err instanceof DokrollError);
}

/** Remembers recently delivered events so the inclusive `since` replay does not repeat them. */
class Deduper {
  private seen = new Map<string, number>();

  /** Where a reconnection resumes (unix seconds): the newest event time, or the connection time. */
  constructor(public resumeFrom: number | undefined) {}

  /** True if the event is new (and records it). */
  admit(event: DockerEvent): boolean {
    const key = eventKey(event);
    if (this.seen.has(key)) return false;
    this.seen.set(key, event.time);
    if (this.resumeFrom === undefined || event.time > this.resumeFrom) {
      this.resumeFrom = event.time;
      for (const [old, time] of this.seen) if (time < event.time - 1) this.seen.delete(old);
    }
    return true;
  }
}

/** The daemon's clock when it answered (HTTP Date header), else ours; unix seconds. */
function answeredAt(stream: Readable): number {
  const header = (stream as Readable & {headers?: Record<string, string | undefined>}).headers?.date;
  const parsed = header ? Date.parse(header) : Number.NaN;
  return Math.floor((Number.isNaN(parsed) ? Date.now() : parsed) / 1000);
}

export async function* dockerEvents(
  source: EventSource,
  filters: EventFilters,
  opts: EventStreamOptions,
): AsyncGenerator<DockerEvent, void, undefined> {
  const {signal, onStatus} = opts;
  const initialMs = opts.initialBackoffMs ?? 250;
  const maxMs = opts.maxBackoffMs ?? 5_000;
  const dedupe = new Deduper(opts.since);
  let delay = initialMs;

  while (!signal.aborted) {
    let stream: Readable | undefined;
    let failure: Error;
    const openedAt = Date.now();
    let delivered = false;
    try {
      stream = await source.openEventStream({since: dedupe.resumeFrom, filters, signal});
      dedupe.resumeFrom ??= answeredAt(stream);
      onStatus?.('connected');
      const splitter = createLineSplitter();
      for await (const chunk of stream) {
        for (const event of parseEventLines(splitter.push(chunk as Buffer))) {
          if (!dedupe.admit(event)) continue;
          delivered = true;
          yield event;
        }
      }
      failure = new Error('the daemon closed the event stream');
    } catch (err) {
      if (signal.aborted) return;
      if (!retryable(err)) throw err;
      failure = err instanceof Error ? err : new Error(String(err));
    } finally {
      stream?.destroy();
    }
    if (signal.aborted) return;
    if (stream) {
      // A connection that lived a while (or delivered events) starts the backoff over.
      if (delivered || Date.now() - openedAt > 2 * maxMs) delay = initialMs;
    }
    onStatus?.('disconnected', failure);
    await sleep(delay, signal);
    delay = Math.min(delay * 2, maxMs);
  }
}

/** Swarm service events (create / update / remove) for every service, reconnecting as needed. */
export function serviceEvents(
  source: EventSource,
  opts: EventStreamOptions,
): AsyncGenerator<DockerEvent, void, undefined> {
  return dockerEvents(source, SERVICE_EVENT_FILTERS, opts);
}
