/**
 * A service's or a task's logs, followed, through the manager's `/services/{id}/logs` and
 * `/tasks/{id}/logs` endpoints (they reach tasks on every node). The stream is Docker's multiplexed
 * stdout/stderr framing (split by docker-modem's demuxStream), with a timestamp on every line.
 * Lines come back raw: whoever shows them makes them terminal-safe.
 */
import {PassThrough, type Readable} from 'node:stream';
import type Docker from 'dockerode';
import {createLineSplitter} from './json-lines.js';

export interface LogLine {
  /** RFC 3339 timestamp Docker put on the line ('' when it had none). */
  at: string;
  stream: 'stdout' | 'stderr';
  text: string;
}

export interface LogTarget {
  kind: 'service' | 'task';
  id: string;
}

export interface FollowLogsOptions {
  /** Lines of history before following (default 200). */
  tail?: number;
  signal: AbortSignal;
  /** Called with each batch of complete lines, in order. */
  onLines(lines: LogLine[]): void;
}

const TIMESTAMP = /^(\d{4}-\d\d-\d\dT[0-9:.]+(?:Z|[+-]\d\d:\d\d)) ?/;

/** One raw line: its leading timestamp split off. */
export function parseLogLine(raw: string, stream: LogLine['stream']): LogLine {
  const match = TIMESTAMP.exec(raw);
  return match ? {at: match[1]!, stream, text: raw.slice(match[0].length)} : {at: '', stream, text: raw};
}

/** Follows the logs until the signal aborts or the daemon ends the stream; resolves then. */
export async function followLogs(docker: Docker, target: LogTarget, opts: FollowLogsOptions): Promise<void> {
  const query = {
    follow: true,
    stdout: true,
    stderr: true,
    timestamps: true,
    tail: opts.tail ?? 200,
    abortSignal: opts.signal,
  };
  // dockerode types Task without logs(); the endpoint and the method exist alike.
  const owner = (target.kind === 'service' ? docker.getService(target.id) : docker.getTask(target.id)) as unknown as {
    logs(options: typeof query): Promise<unknown>;
  };
  const raw = (await owner.logs(query)) as Readable;
  const out = new PassThrough();
  const err = new PassThrough();
  const split = (stream: PassThrough, name: LogLine['stream']) => {
    const splitter = createLineSplitter();
    stream.on('data', (chunk: Buffer) => {
      const lines = splitter.push(chunk);
      if (lines.length > 0) opts.onLines(lines.map((line) => parseLogLine(line, name)));
    });
  };
  split(out, 'stdout');
  split(err, 'stderr');
  docker.modem.demuxStream(raw, out, err);
  await new Promise<void>((resolve, reject) => {
    const done = () => {
      opts.signal.removeEventListener('abort', stop);
      resolve();
    };
    const stop = () => {
      raw.destroy();
      done();
    };
    opts.signal.addEventListener('abort', stop, {once: true});
    raw.once('end', done);
    raw.once('close', done);
    raw.once('error', (error) => (opts.signal.aborted ? done() : reject(error)));
  });
}
