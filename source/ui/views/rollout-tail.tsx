/**
 * The rollout panel's view of the new tasks: their CPU and memory during the health watch, and the
 * last lines of their logs (a failing task's last line kept in view). Text is terminal-safe already.
 */
import {Text} from '../components/SafeText.js';
import type {RolloutLogLine, RolloutView, TaskMetrics} from '../../services/console-model.js';
import {formatPercent, taskMetricsText} from '../../domain/task-metrics.js';
import {formatBytes} from '../../domain/format.js';
import {taskStateMark} from '../theme/symbols.js';
import {useTone} from '../theme/tone.js';

/** How many log lines the panel shows at most. */
export const TAIL_LINES = 3;

/** Tasks of the rollout whose new task failed (or is failing): their lines are kept in view first. */
function failingTasks(rollout: RolloutView): Set<string> {
  return new Set(
    rollout.progress.slots.flatMap((s) =>
      s.new && (taskStateMark(s.new.state).tone === 'bad' || s.new.health === 'unhealthy') ? [s.new.id] : [],
    ),
  );
}

/** The last `count` lines, with the last line of each failing task among them. */
export function tailLines(rollout: RolloutView, count: number): RolloutLogLine[] {
  const logs = rollout.logs ?? [];
  if (count <= 0 || logs.length === 0) return [];
  const failing = failingTasks(rollout);
  const keep = new Set<RolloutLogLine>();
  for (const task of failing) {
    const last = [...logs].reverse().find((l) => l.task === task);
    if (last && keep.size < count) keep.add(last);
  }
  for (let i = logs.length - 1; i >= 0 && keep.size < count; i--) keep.add(logs[i]!);
  return logs.filter((l) => keep.has(l));
}

export function TailLines({lines, failing}: {lines: RolloutLogLine[]; failing: ReadonlySet<string>}) {
  const tone = useTone();
  return (
    <>
      {lines.map((line) => (
        <Text key={line.seq} wrap="truncate-end">
          <Text {...tone('muted')}>
            {'  log '}
            {line.slot.slice(0, 6)}
            {' │ '}
          </Text>
          <Text {...(failing.has(line.task) || line.stream === 'stderr' ? tone('bad') : {})}>{line.text}</Text>
        </Text>
      ))}
    </>
  );
}

export const failingTaskIds = (rollout: RolloutView): ReadonlySet<string> => failingTasks(rollout);

/** "new tasks: cpu 0.4 % · mem 12MiB per task (2 measured; 1 n/a on node n2)". */
export function metricsSummary(metrics: Record<string, TaskMetrics>): string {
  const all = Object.values(metrics);
  const measured = all.filter((m) => m.kind === 'measured');
  const elsewhere = all.filter((m) => m.kind === 'elsewhere');
  const cpus = measured.flatMap((m) => (m.cpuPercent === null ? [] : [m.cpuPercent]));
  const mems = measured.flatMap((m) => (m.memoryBytes === null ? [] : [m.memoryBytes]));
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const parts: string[] = [];
  if (measured.length > 0) {
    parts.push(
      `cpu ${cpus.length ? formatPercent(mean(cpus)) : '…'} · mem ${mems.length ? formatBytes(Math.round(mean(mems))) : '—'} per task (${measured.length} measured)`,
    );
  }
  if (elsewhere.length === 1) parts.push(taskMetricsText(elsewhere[0]).cpu);
  else if (elsewhere.length > 1) parts.push(`${elsewhere.length} tasks n/a (other nodes)`);
  return parts.length ? `new tasks: ${parts.join('; ')}` : 'new tasks: no running task to measure yet';
}

export function MetricsLine({rollout}: {rollout: RolloutView}) {
  const tone = useTone();
  if (!rollout.metrics) return null;
  return (
    <Text wrap="truncate-end" {...tone('muted')}>
      {metricsSummary(rollout.metrics)}
    </Text>
  );
}
