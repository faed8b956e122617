/**
 * The logs view's data: one target (a service or a task) followed through the manager's logs
 * endpoints into a bounded ring of lines in state.logs, made terminal-safe as they arrive. Another
 * target, or none, stops the stream; a stream that breaks is reopened after a pause (with a short
 * tail, so the lines already shown are not all repeated).
 */
import type {DockerGateway} from '../../docker/gateway.js';
import type {LogLine} from '../../docker/log-stream.js';
import {abortableSleep} from '../../shared/abortable-sleep.js';
import {terminalSafe} from '../../shared/terminal-text.js';
import {LOG_RING_LINES, type ConsoleState, type LogEntry, type LogsTarget} from '../console-model.js';
import {errorText} from '../../shared/errors.js';
import type {StatePublisher} from './state-publisher.js';

const RETRY_MS = 2_000;
const FIRST_TAIL = 200;

const sameTarget = (a: LogsTarget | null, b: LogsTarget | null): boolean =>
  a === b || (a !== null && b !== null && a.service === b.service && a.task === b.task);

export class LogFollower {
  private target: LogsTarget | null = null;
  private controller: AbortController | null = null;
  private seq = 0;

  constructor(
    private readonly publisher: StatePublisher<ConsoleState>,
    /** The connected gateway; throws when there is none. */
    private readonly gateway: () => DockerGateway,
    private readonly ringLines = LOG_RING_LINES,
  ) {}

  follow(target: LogsTarget | null): void {
    if (sameTarget(target, this.target)) return;
    this.controller?.abort();
    this.controller = null;
    this.target = target;
    if (target === null) {
      this.publisher.update(({logs: _gone, ...s}) => s);
      return;
    }
    this.seq = 0;
    this.publisher.update((s) => ({...s, logs: {target, lines: [], dropped: 0, following: false}}));
    const controller = new AbortController();
    this.controller = controller;
    void this.run(target, controller.signal);
  }

  close(): void {
    this.follow(null);
  }

  private async run(target: LogsTarget, signal: AbortSignal): Promise<void> {
    let tail = FIRST_TAIL;
    while (!signal.aborted) {
      try {
        const gateway = this.gateway();
        this.change(target, (v) => ({...v, following: true, error: undefined}));
        await gateway.followLogs(
          target.task ? {kind: 'task', id: target.task} : {kind: 'service', id: target.service},
          {
            tail,
            signal,
            onLines: (lines) => this.append(target, lines),
          },
        );
        if (signal.aborted) return;
        this.change(target, (v) => ({...v, following: false, error: 'the log stream ended; reopening'}));
      } catch (error) {
        if (signal.aborted) return;
        this.change(target, (v) => ({...v, following: false, error: errorText(error)}));
      }
      tail = 0;
      await abortableSleep(RETRY_MS, signal);
    }
  }

  private append(target: LogsTarget, lines: LogLine[]): void {
    const entries: LogEntry[] = lines.map((line) => ({
      seq: ++this.seq,
      at: line.at,
      stream: line.stream,
      text: terminalSafe(line.text),
    }));
    this.change(target, (v) => {
      const all = [...v.lines, ...entries];
      const over = Math.max(0, all.length - this.ringLines);
      return {...v, lines: over > 0 ? all.slice(over) : all, dropped: v.dropped + over};
    });
  }

  private change(
    target: LogsTarget,
    edit: (view: NonNullable<ConsoleState['logs']>) => NonNullable<ConsoleState['logs']>,
  ): void {
    this.publisher.update((s) => {
      if (!s.logs || !sameTarget(s.logs.target, target)) return s;
      const next = edit(s.logs);
      if (next.error === undefined) delete next.error;
      return {...s, logs: next};
    });
  }
}
