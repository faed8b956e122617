/**
 * One task in full (enter on a task): ID, node, state, image, container, exit code, error, ports,
 * the earlier tasks of its slot (its restart history) and its container's recent health-check
 * outputs. `l` follows this task's logs. Strings from the swarm are shown terminal-safe.
 */
import {Box} from 'ink';
import {Text} from '../components/SafeText.js';
import type {TaskDetail, TaskMetrics} from '../../services/console-model.js';
import {taskMetricsText} from '../../domain/task-metrics.js';
import {terminalSafe} from '../../shared/terminal-text.js';
import {TitleLine} from '../components/TitleLine.js';
import {formatAge} from '../format.js';
import {useNow} from '../hooks/use-now.js';
import {useUiState} from '../state/ui-context.js';
import {healthMark, SYMBOLS, taskStateMark} from '../theme/symbols.js';
import {type Tone, useTone} from '../theme/tone.js';

interface Line {
  label: string;
  text: string;
  tone?: Tone;
}

function metricsLine(metrics: TaskMetrics | undefined): Line {
  if (metrics === undefined) return {label: 'cpu / memory', text: '—', tone: 'muted'};
  const text = taskMetricsText(metrics);
  return metrics.kind === 'measured'
    ? {label: 'cpu / memory', text: `${text.cpu} · ${text.memory}`}
    : {label: 'cpu / memory', text: text.cpu, tone: 'muted'};
}

function detailLines(d: TaskDetail, now: number, height: number, metrics: TaskMetrics | undefined): Line[] {
  const safe = terminalSafe;
  const lines: Line[] = [
    {label: 'task', text: d.id},
    {label: 'slot / node', text: `${d.slot ?? '—'} on ${safe(d.node)}`},
    {
      label: 'state',
      text: `${taskStateMark(d.state).symbol} ${d.state} (desired ${d.desiredState})`,
      tone: taskStateMark(d.state).tone,
    },
    {label: 'image', text: safe(d.image)},
    {label: 'container', text: d.containerId ?? '—'},
    {label: 'exit code', text: d.exitCode === null ? '—' : String(d.exitCode), tone: d.exitCode ? 'bad' : undefined},
    {label: 'error', text: d.error ? safe(d.error) : '—', tone: d.error ? 'bad' : undefined},
    {label: 'message', text: d.message ? safe(d.message) : '—'},
    {label: 'ports', text: d.ports.length ? d.ports.join(', ') : '—'},
    metricsLine(metrics),
  ];
  if (d.health) {
    const mark = healthMark(d.health.status ?? undefined);
    lines.push({
      label: 'health',
      text: d.health.status ? `${mark.symbol} ${d.health.status}` : 'no health check',
      tone: mark.tone,
    });
    for (const check of d.health.checks.slice(-5)) lines.push({label: '  check', text: safe(check), tone: 'muted'});
  } else {
    lines.push({label: 'health', text: 'n/a (container not on the connected node)', tone: 'muted'});
  }
  const room = Math.max(0, height - 2 - lines.length - 1);
  lines.push({
    label: 'earlier tasks',
    text: d.restarts.length === 0 ? 'none (no restart in this slot)' : `${d.restarts.length}`,
  });
  for (const r of d.restarts.slice(0, room)) {
    lines.push({
      label: '',
      text: `${r.id.slice(0, 12)} ${taskStateMark(r.state).symbol} ${r.state} ${formatAge(r.since, now)} ago${r.error ? ` — ${safe(r.error)}` : ''}`,
      tone: taskStateMark(r.state).tone,
    });
  }
  return lines;
}

export function TaskView({
  service,
  task,
  width,
  height,
}: {
  service: string;
  task: string;
  width: number;
  height: number;
}) {
  const state = useUiState();
  const tone = useTone();
  const now = useNow(1000);
  const current = state.taskDetail?.task === task ? state.taskDetail.detail : {status: 'loading' as const};
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <TitleLine width={width}>
        <Text {...tone('title')}>{service}</Text>
        <Text {...tone('muted')}> · task {task.slice(0, 12)}</Text>
      </TitleLine>
      {current.status === 'loading' ? (
        <Text {...tone('muted')}>{'  loading the task…'}</Text>
      ) : current.status === 'error' ? (
        <Text wrap="truncate-end" {...tone('bad')}>
          {SYMBOLS.failed} {current.error}
        </Text>
      ) : (
        detailLines(
          current.value,
          now,
          height,
          state.console.stats?.service === service ? state.console.stats.tasks[task] : undefined,
        ).map((line, i) => (
          <Text key={i} wrap="truncate-end">
            <Text {...tone('muted')}>{line.label.padEnd(14)}</Text>
            <Text {...(line.tone ? tone(line.tone) : {})}>{line.text}</Text>
          </Text>
        ))
      )}
    </Box>
  );
}
