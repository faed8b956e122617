/**
 * The rollout panel's log tail: the logs of a rollout's new tasks (the failing ones among them),
 * followed through the manager's task logs endpoint from the moment each has a container, into a
 * bounded ring of terminal-safe lines in state.rollouts[service].logs. At most MAX_STREAMS tasks are
 * followed at once; every stream stops when the rollout ends.
 */
import type {DockerGateway} from '../../docker/gateway.js';
import type {LogLine} from '../../docker/log-stream.js';
import type {SlotProgress} from '../../domain/rollout-progress.js';
import {stateRank} from '../../domain/task-state.js';
import {terminalSafe} from '../../shared/terminal-text.js';
import {ROLLOUT_LOG_LINES, type RolloutLogLine, type RolloutView} from '../console-model.js';

const MAX_STREAMS = 8;
/** Lines of a new task's history taken when following starts (it is new: that is most of it). */
const TAIL = 20;

export class RolloutLogs {
  private readonly followed = new Map<string, AbortController>();
  private seq = 0;
  private stopped = false;

  constructor(
    /** The connected gateway; throws when there is none. */
    private readonly gateway: () => DockerGateway,
    /** Changes the rollout's view (state.rollouts[service]). */
    private readonly change: (edit: (rollout: RolloutView) => RolloutView) => void,
  ) {}

  /** Follows the new task of every slot that has one with a container (starting or later). */
  track(slots: readonly SlotProgress[]): void {
    if (this.stopped) return;
    for (const slot of slots) {
      const task = slot.new;
      if (!task || this.followed.has(task.id) || stateRank(task.state) < stateRank('starting')) continue;
      if ([...this.followed.values()].filter((c) => !c.signal.aborted).length >= MAX_STREAMS) return;
      const controller = new AbortController();
      this.followed.set(task.id, controller);
      void this.follow(task.id, slot.slot, controller);
    }
  }

  stop(): void {
    this.stopped = true;
    for (const controller of this.followed.values()) controller.abort();
  }

  private async follow(task: string, slot: string, controller: AbortController): Promise<void> {
    try {
      await this.gateway().followLogs(
        {kind: 'task', id: task},
        {tail: TAIL, signal: controller.signal, onLines: (lines) => this.append(task, slot, lines)},
      );
    } catch {
      // The tail is a view on the rollout: a task whose logs cannot be read shows none.
    } finally {
      controller.abort();
    }
  }

  private append(task: string, slot: string, lines: LogLine[]): void {
    const added: RolloutLogLine[] = lines.map((line) => ({
      seq: ++this.seq,
      slot,
      task,
      stream: line.stream,
      text: terminalSafe(line.text),
    }));
    this.change((r) => {
      const all = [...(r.logs ?? []), ...added];
      return {...r, logs: all.length > ROLLOUT_LOG_LINES ? all.slice(all.length - ROLLOUT_LOG_LINES) : all};
    });
  }
}
