/** One service: its live tasks, and a short feed of its events; tab moves focus between them. */
import {Box} from 'ink';
import {Text} from '../components/SafeText.js';
import type {EventRow, InterruptedRollout, TaskMetrics, TaskRow} from '../../services/console-model.js';
import {taskMetricsText} from '../../domain/task-metrics.js';
import {type Column, Table} from '../components/Table.js';
import {TitleLine, windowInfo} from '../components/TitleLine.js';
import {terminalSafe} from '../../shared/terminal-text.js';
import {formatAge, formatElapsed, shortenImage, shortId, wrapLines} from '../format.js';
import {useNow} from '../hooks/use-now.js';
import {useList} from '../hooks/use-list.js';
import {eventIds, eventRows, taskRows} from '../state/rows.js';
import {interruptedRollout, rolloutActive, serviceSummary} from '../state/selectors.js';
import {useUiState} from '../state/ui-context.js';
import {healthMark, SYMBOLS, taskStateMark} from '../theme/symbols.js';
import {useTone} from '../theme/tone.js';
import {rolloutHeadline} from './progress-parts.js';

/** A task's CPU % and memory, or where it runs when that is another node's Engine. */
function metricsCell(metrics: TaskMetrics | undefined): {text: string; tone?: 'muted'} {
  const text = taskMetricsText(metrics);
  if (metrics?.kind !== 'measured') return {text: text.cpu, tone: 'muted'};
  return {text: `${text.cpu.padStart(6)} ${text.memory}`};
}

function taskColumns(now: number, stats: Record<string, TaskMetrics> | undefined): Column<TaskRow>[] {
  return [
    {title: 'SLOT', width: 4, align: 'right', cell: (t) => ({text: t.slot === null ? '—' : String(t.slot)})},
    // NODE and ERROR take the width they need before IMAGE does (growToFit, in column order).
    {title: 'NODE', width: 8, flex: 1, priority: 3, growToFit: true, cell: (t) => ({text: t.node})},
    {title: 'VER', width: 5, cell: (t) => ({text: t.version === null ? '—' : `v${t.version}`})},
    {title: 'DESIRED', width: 8, priority: 1, cell: (t) => ({text: t.desiredState, tone: 'muted'})},
    {
      title: 'STATE',
      width: 15,
      cell: (t) => {
        const mark = taskStateMark(t.state);
        return {text: `${mark.symbol} ${t.state} ${formatAge(t.since, now)}`, tone: mark.tone};
      },
    },
    {
      title: 'HEALTH',
      width: 11,
      priority: 2,
      cell: (t) => {
        if (!t.health) return {text: ''};
        const mark = healthMark(t.health);
        return {text: `${mark.symbol} ${t.health}`, tone: mark.tone};
      },
    },
    // Shown once stats are sampled; at 80 columns it takes the place of DESIRED.
    ...(stats ? [{title: '   CPU MEM', width: 16, priority: 2.5, cell: (t: TaskRow) => metricsCell(stats[t.id])}] : []),
    {title: 'ERROR', width: 12, flex: 2, growToFit: true, cell: (t) => ({text: t.error ?? '', tone: 'bad'})},
    {
      title: 'IMAGE',
      width: 12,
      priority: 0,
      growToFit: true,
      cell: (t) => (t.image ? {text: shortenImage(t.image), full: t.image, tone: 'muted'} : {text: ''}),
    },
  ];
}

/** The selected task in full: its ID, its CPU and memory, and its error, which the table cuts short. */
function TaskDetail({task, metrics}: {task: TaskRow | undefined; metrics: TaskMetrics | undefined}) {
  const tone = useTone();
  if (!task) return <Text> </Text>;
  const text = taskMetricsText(metrics);
  return (
    <Text wrap="truncate-end">
      <Text {...tone('muted')}>
        {'  task '}
        {shortId(task.id)} on {task.node}
        {metrics ? ` · ${metrics.kind === 'measured' ? `cpu ${text.cpu} · mem ${text.memory}` : text.cpu}` : ''}
        {task.error ? ': ' : ''}
      </Text>
      <Text {...tone('bad')}>{task.error ?? ''}</Text>
    </Text>
  );
}

/** A rollout started by a console that is gone: Swarm carries on, and `p` watches it to its verdict. */
function InterruptedBanner({rollout, now, readOnly}: {rollout: InterruptedRollout; now: number; readOnly: boolean}) {
  const tone = useTone();
  const versions = rollout.kind === 'rollback' ? ` v${rollout.from ?? '?'} ${SYMBOLS.arrow} v${rollout.to ?? '?'}` : '';
  return (
    <Text wrap="truncate-end" {...tone('warn')}>
      {SYMBOLS.degraded} interrupted {rollout.kind}
      {versions} ({formatElapsed(Math.max(0, now - rollout.startedAtMs))} ago, unwatched) ·{' '}
      {readOnly ? 'rollback --resume finishes it' : 'p reattaches'}
    </Text>
  );
}

function clockTime(ms: number): string {
  const d = new Date(ms);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

function EventsPanel({
  service,
  width,
  height,
  focused,
}: {
  service: string;
  width: number;
  height: number;
  focused: boolean;
}) {
  const state = useUiState();
  const tone = useTone();
  const list = useList('events', height - 1, focused);
  const events = eventRows(state.console, service);
  const ids = eventIds(events);
  const byId = new Map<string, EventRow>(events.map((e, i) => [ids[i]!, e]));
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <TitleLine width={width} right={windowInfo(list, list.filter)}>
        <Text {...tone(focused ? 'accent' : 'muted')}>{focused ? '▸ ' : '  '}Events</Text>
      </TitleLine>
      {list.count === 0 ? (
        <Text {...tone('muted')}>{'  no events yet'}</Text>
      ) : (
        list.ids.map((id, i) => {
          const event = byId.get(id);
          const selected = focused && i === list.cursorRow;
          return (
            <Text key={id} wrap="truncate-end" {...(selected ? tone('selected') : {})}>
              {selected ? '› ' : '  '}
              <Text {...tone('muted')}>{event ? clockTime(event.at) : ''}</Text> {event?.text ?? ''}
            </Text>
          );
        })
      )}
    </Box>
  );
}

export function ServiceView({service, width, height}: {service: string; width: number; height: number}) {
  const state = useUiState();
  const tone = useTone();
  const now = useNow(1000);
  const summary = serviceSummary(state, service);
  const interrupted = interruptedRollout(state, service);
  const rolling = rolloutActive(state, service) ? state.console.rollouts[service] : undefined;
  const eventsHeight = Math.min(7, Math.max(4, Math.floor(height / 3)));
  // Swarm's update status is never cut: it gets its own lines under the title, wrapped whole.
  const status = summary?.updateMessage
    ? wrapLines(terminalSafe(`swarm: ${summary.updateMessage}`), width).slice(0, Math.max(1, height - eventsHeight - 7))
    : [];
  const tasksHeight = height - 1 - eventsHeight - (interrupted ? 1 : 0) - status.length;
  const tasksFocused = state.panel === 'tasks';
  const list = useList('tasks', tasksHeight - 3, tasksFocused);
  const tasks = taskRows(state.console, service);
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const rows = list.ids.map((id) => byId.get(id)).filter((t): t is TaskRow => t !== undefined);
  const health = healthMark(summary?.health);
  const stats = state.console.stats?.service === service ? state.console.stats.tasks : undefined;
  return (
    <Box flexDirection="column" width={width} height={height}>
      <TitleLine width={width}>
        <Text {...tone('title')}>{service}</Text>
        {summary ? (
          <>
            <Text {...tone('muted')}>
              {' · '}
              {summary.mode} {summary.running}/{summary.desired} ·{' '}
              {rolling
                ? rolloutHeadline(rolling)
                : summary.liveVersion === null
                  ? 'unrecorded'
                  : `v${summary.liveVersion}`}{' '}
              ·{' '}
            </Text>
            <Text {...tone(health.tone)}>
              {health.symbol} {summary.health}
            </Text>
            <Text {...tone('muted')}>
              {' · '}
              {shortenImage(summary.image)}
            </Text>
          </>
        ) : (
          <Text {...tone('warn')}> · not in the swarm (removed?)</Text>
        )}
      </TitleLine>
      {status.map((line, i) => (
        <Text
          key={i}
          wrap="truncate-end"
          {...tone(summary?.updateState === 'paused' || summary?.updateState === 'rollback_paused' ? 'bad' : 'muted')}
        >
          {line}
        </Text>
      ))}
      {interrupted ? <InterruptedBanner rollout={interrupted} now={now} readOnly={state.readOnly} /> : null}
      <Box flexDirection="column" height={tasksHeight} overflow="hidden">
        <TitleLine width={width} right={windowInfo(list, list.filter)}>
          <Text {...tone(tasksFocused ? 'accent' : 'muted')}>{tasksFocused ? '▸ ' : '  '}Tasks</Text>
        </TitleLine>
        <Table
          columns={taskColumns(now, stats)}
          rows={rows}
          rowKey={(t) => t.id}
          width={width}
          cursorRow={tasksFocused ? list.cursorRow : -1}
          height={tasksHeight - 3}
          empty={list.filter ? `no task matches "${list.filter}"` : 'no tasks'}
        />
        <TaskDetail
          task={tasksFocused ? byId.get(list.selectedId ?? '') : undefined}
          metrics={stats && list.selectedId ? stats[list.selectedId] : undefined}
        />
      </Box>
      <EventsPanel service={service} width={width} height={eventsHeight} focused={!tasksFocused} />
    </Box>
  );
}
