import {PassThrough, type Readable} from 'node:stream';
import {describe, expect, it} from 'vitest';
import {
  createLineSplitter,
  dockerEvents,
  eventKey,
  parseEventLines,
  serviceEvents,
  type EventSource,
} from '../../../source/docker/event-stream.js';
import type {DockerEvent} from '../../../source/docker/schemas.js';
import {PayloadError} from '../../../source/docker/schemas.js';

function event(action: string, id: string, time: number, nano = 0): DockerEvent {
  return {
    Type: 'service',
    Action: action,
    Actor: {ID: id, Attributes: {name: id}},
    scope: 'swarm',
    time,
    timeNano: time * 1e9 + nano,
  };
}
const line = (e: DockerEvent) => `${JSON.stringify(e)}\n`;

describe('createLineSplitter', () => {
  it('holds back half an event until the rest of it arrives', () => {
    const splitter = createLineSplitter();
    const text = line(event('update', 'a', 100));
    expect(splitter.push(text.slice(0, 20))).toEqual([]);
    expect(splitter.push(text.slice(20, 50))).toEqual([]);
    expect(splitter.push(text.slice(50))).toEqual([text.trim()]);
  });

  it('returns every event of a chunk that holds several, keeping a trailing partial one', () => {
    const splitter = createLineSplitter();
    const [a, b, c] = [event('create', 'a', 1), event('update', 'b', 2), event('remove', 'c', 3)].map(line);
    expect(splitter.push(a + b + c!.slice(0, 10))).toEqual([a!.trim(), b!.trim()]);
    expect(splitter.push(c!.slice(10))).toEqual([c!.trim()]);
  });

  it('does not break a multi-byte character split across chunks', () => {
    const splitter = createLineSplitter();
    const bytes = Buffer.from('{"name":"café"}\n', 'utf8');
    const cut = bytes.indexOf(0xc3) + 1; // inside the two bytes of "é"
    expect(splitter.push(bytes.subarray(0, cut))).toEqual([]);
    expect(splitter.push(bytes.subarray(cut))).toEqual(['{"name":"café"}']);
  });

  it('accepts CRLF line ends, skips blank lines and flushes a last line without newline', () => {
    const splitter = createLineSplitter();
    expect(splitter.push('{"a":1}\r\n\n\r\n{"b"')).toEqual(['{"a":1}']);
    expect(splitter.push(':2}')).toEqual([]);
    expect(splitter.flush()).toEqual(['{"b":2}']);
    expect(splitter.flush()).toEqual([]);
  });
});

describe('parseEventLines', () => {
  it('parses event lines into events', () => {
    const e = event('update', 'svc1', 1700000000, 5);
    expect(parseEventLines([JSON.stringify(e)])).toEqual([e]);
  });

  it('rejects a line that is not JSON with a PayloadError quoting it', () => {
    expect(() => parseEventLines(['{"Type":"service",'])).toThrow(PayloadError);
    expect(() => parseEventLines(['{"Type":"service",'])).toThrow(/event payload.*not JSON: \{"Type":"service",/);
  });

  it('rejects an event without an actor with a PayloadError naming the field', () => {
    expect(() => parseEventLines(['{"Type":"service","Action":"update","time":1,"timeNano":1}'])).toThrow(
      /unexpected event payload from the Docker daemon: Actor: /,
    );
  });
});

/** A source whose streams the test feeds and breaks by hand. */
class FakeSource implements EventSource {
  opened: {since?: number; filters: Record<string, string[]>}[] = [];
  streams: PassThrough[] = [];
  failures = 0;
  /** The daemon clock (unix seconds) the fake answers with. */
  clock = 40;
  private waiters: (() => void)[] = [];

  async openEventStream(opts: {
    since?: number;
    filters: Record<string, string[]>;
    signal: AbortSignal;
  }): Promise<Readable> {
    this.opened.push({since: opts.since, filters: opts.filters});
    if (this.failures > 0) {
      this.failures--;
      throw Object.assign(new Error('connect ECONNREFUSED'), {code: 'ECONNREFUSED'});
    }
    const stream = Object.assign(new PassThrough(), {headers: {date: new Date(this.clock * 1000).toUTCString()}});
    opts.signal.addEventListener('abort', () =>
      stream.destroy(Object.assign(new Error('aborted'), {name: 'AbortError'})),
    );
    this.streams.push(stream);
    for (const wake of this.waiters.splice(0)) wake();
    return stream;
  }

  async nextStream(count: number): Promise<PassThrough> {
    while (this.streams.length < count) await new Promise<void>((resolve) => this.waiters.push(resolve));
    return this.streams[count - 1]!;
  }
}

describe('dockerEvents', () => {
  it('subscribes to swarm service events and yields them in order', async () => {
    const source = new FakeSource();
    const controller = new AbortController();
    const iterator = serviceEvents(source, {signal: controller.signal})[Symbol.asyncIterator]();
    const first = iterator.next();
    const stream = await source.nextStream(1);
    stream.write(line(event('create', 'a', 10)) + line(event('update', 'a', 11)).slice(0, 30));
    expect((await first).value).toMatchObject({Action: 'create'});
    const second = iterator.next();
    stream.write(line(event('update', 'a', 11)).slice(30));
    expect((await second).value).toMatchObject({Action: 'update', time: 11});
    expect(source.opened[0]).toEqual({since: undefined, filters: {type: ['service'], scope: ['swarm']}});
    controller.abort();
    expect(await iterator.next()).toEqual({done: true, value: undefined});
  });

  it('reconnects after a break, resuming from the last event time and dropping replayed events', async () => {
    const source = new FakeSource();
    const controller = new AbortController();
    const statuses: string[] = [];
    const iterator = dockerEvents(
      source,
      {type: ['service']},
      {
        signal: controller.signal,
        initialBackoffMs: 5,
        onStatus: (status) => statuses.push(status),
      },
    )[Symbol.asyncIterator]();
    const first = iterator.next();
    const stream1 = await source.nextStream(1);
    const seen = event('update', 'a', 50, 1);
    stream1.write(line(seen));
    expect((await first).value).toEqual(seen);

    const next = iterator.next();
    stream1.destroy(Object.assign(new Error('socket hang up'), {code: 'ECONNRESET'}));
    const stream2 = await source.nextStream(2);
    expect(source.opened[1]!.since).toBe(50);
    const missed = event('update', 'b', 50, 2);
    stream2.write(line(seen) + line(missed)); // the inclusive replay repeats `seen`
    expect((await next).value).toEqual(missed);
    expect(statuses).toEqual(['connected', 'disconnected', 'connected']);
    controller.abort();
    expect((await iterator.next()).done).toBe(true);
  });

  it('backs off between failed attempts, doubling up to the cap, and reports each failure', async () => {
    const source = new FakeSource();
    source.failures = 4;
    const controller = new AbortController();
    const errors: string[] = [];
    const started = Date.now();
    const iterator = dockerEvents(
      source,
      {},
      {
        signal: controller.signal,
        initialBackoffMs: 20,
        maxBackoffMs: 50,
        onStatus: (status, error) => status === 'disconnected' && errors.push(error!.message),
      },
    )[Symbol.asyncIterator]();
    const first = iterator.next();
    const stream = await source.nextStream(1);
    // 20 + 40 + 50 + 50 ms of backoff before the fifth attempt succeeds
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(errors).toEqual(Array(4).fill('connect ECONNREFUSED'));
    stream.write(line(event('create', 'x', 1)));
    expect((await first).value).toMatchObject({Action: 'create'});
    controller.abort();
    await iterator.next();
  });

  it('ends with the PayloadError when the daemon sends a malformed event', async () => {
    const source = new FakeSource();
    const iterator = dockerEvents(source, {}, {signal: new AbortController().signal})[Symbol.asyncIterator]();
    const first = iterator.next();
    (await source.nextStream(1)).write('{"nonsense": true}\n');
    await expect(first).rejects.toThrow(PayloadError);
  });

  it('ends cleanly when aborted while waiting to reconnect', async () => {
    const source = new FakeSource();
    source.failures = 100;
    const controller = new AbortController();
    const iterator = dockerEvents(source, {}, {signal: controller.signal, initialBackoffMs: 10_000})[
      Symbol.asyncIterator
    ]();
    const pending = iterator.next();
    await new Promise((resolve) => setTimeout(resolve, 20));
    controller.abort();
    expect(await pending).toEqual({done: true, value: undefined});
    expect(source.opened).toHaveLength(1);
  });

  it('resumes from the time the daemon answered when no event was seen before a break', async () => {
    const source = new FakeSource();
    source.clock = 1234;
    const controller = new AbortController();
    const iterator = dockerEvents(source, {}, {signal: controller.signal, initialBackoffMs: 1})[Symbol.asyncIterator]();
    const pending = iterator.next();
    (await source.nextStream(1)).destroy(new Error('connection reset'));
    const stream2 = await source.nextStream(2);
    expect(source.opened.map((o) => o.since)).toEqual([undefined, 1234]);
    stream2.write(line(event('update', 'late', 1234)));
    expect((await pending).value).toMatchObject({Actor: {ID: 'late'}});
    controller.abort();
    await iterator.next();
  });

  it('keys events by timeNano, action and actor', () => {
    expect(eventKey(event('update', 'abc', 7, 3))).toBe('7000000003|update|abc');
  });
});
