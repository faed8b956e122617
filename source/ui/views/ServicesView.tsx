/**
 * Every Swarm service: mode, replicas, live version, image, update state, health. Grouped by stack
 * when the swarm has stacks: a stack row (▾ expanded, ▸ collapsed; Enter, → and ← toggle) with its
 * services under it, and the services deployed without a stack under a heading of their own. A
 * service whose rollout was left open by a console that is gone is marked ⚠ (p reattaches).
 */
import {Box} from 'ink';
import {Text} from '../components/SafeText.js';
import type {InterruptedRollout, RolloutView, ServiceHealth, ServiceSummary} from '../../services/console-model.js';
import {type Cell, type Column, Table} from '../components/Table.js';
import {TitleLine, windowInfo} from '../components/TitleLine.js';
import {shortenImage} from '../format.js';
import {useList} from '../hooks/use-list.js';
import {useUiState} from '../state/ui-context.js';
import {serviceListRows, type ServiceListRow} from '../state/stack-rows.js';
import {healthMark, SYMBOLS, UPDATE_LABELS, updateStateMark} from '../theme/symbols.js';
import {useTone} from '../theme/tone.js';

type StackRow = Extract<ServiceListRow, {kind: 'stack'}>;

/** Worst first: a stack is as healthy as its least healthy service. */
const HEALTH_ORDER: ServiceHealth[] = ['failed', 'degraded', 'pending', 'unknown', 'healthy'];

function stackHealth(services: ServiceSummary[]): ServiceHealth {
  return HEALTH_ORDER.find((health) => services.some((s) => s.health === health)) ?? 'unknown';
}

function columns(
  rollouts: Record<string, RolloutView>,
  interrupted: Record<string, InterruptedRollout>,
  grouped: boolean,
): Column<ServiceListRow>[] {
  const isInterrupted = (name: string) => interrupted[name] !== undefined && !(rollouts[name] && !rollouts[name].done);
  const serviceCell =
    (service: (s: ServiceSummary) => Cell, stack: (row: StackRow) => Cell = () => ({text: ''})) =>
    (row: ServiceListRow) =>
      row.kind === 'stack' ? stack(row) : service(row.summary);
  return [
    {
      title: 'NAME',
      // Grouped, the name carries the stack row's name and count, and indents the services: it gets
      // the room of MODE first when the width is short.
      width: grouped ? 16 : 12,
      flex: grouped ? 2 : 1,
      // Before the image: a name is never cut to show more of an image.
      growToFit: true,
      cell: (row) => {
        if (row.kind === 'stack') {
          const name = row.stack === null ? 'no stack' : row.stack;
          return {
            text: `${row.collapsed ? SYMBOLS.collapsed : SYMBOLS.expanded} ${name} (${row.services.length})`,
            tone: 'title',
          };
        }
        const indent = row.grouped ? '  ' : '';
        const s = row.summary;
        return isInterrupted(s.name)
          ? {text: `${indent}${SYMBOLS.degraded} ${s.name}`, tone: 'warn'}
          : {text: `${indent}${s.name}`};
      },
    },
    {title: 'MODE', width: 10, priority: grouped ? 0 : 2, cell: serviceCell((s) => ({text: s.mode}))},
    {
      title: 'REPLICAS',
      width: 8,
      align: 'right',
      cell: (row) => {
        const services = row.kind === 'stack' ? row.services : [row.summary];
        const running = services.reduce((n, s) => n + s.running, 0);
        const desired = services.reduce((n, s) => n + s.desired, 0);
        return {
          text: `${running}/${desired}`,
          tone: desired > 0 && running === 0 ? 'bad' : running < desired ? 'warn' : undefined,
        };
      },
    },
    {title: 'LIVE', width: 5, cell: serviceCell((s) => ({text: s.liveVersion === null ? '—' : `v${s.liveVersion}`}))},
    {
      title: 'IMAGE',
      width: 12,
      flex: 1,
      priority: 1,
      growToFit: true,
      cell: serviceCell((s) => ({text: shortenImage(s.image), full: s.image, tone: 'muted'})),
    },
    {
      title: 'UPDATE',
      width: 14,
      priority: 3,
      cell: serviceCell(
        (s) => {
          const rollout = rollouts[s.name];
          if (rollout && !rollout.done) return {text: `${SYMBOLS.pending} ${rollout.kind}`, tone: 'warn'};
          if (isInterrupted(s.name)) return {text: `${SYMBOLS.degraded} interrupted`, tone: 'warn'};
          const mark = updateStateMark(s.updateState);
          return mark
            ? {text: `${mark.symbol} ${UPDATE_LABELS[s.updateState!] ?? s.updateState}`, tone: mark.tone}
            : {text: ''};
        },
        (row) => {
          const updating = row.services.filter(
            (s) => s.updateState === 'updating' || s.updateState === 'rollback_started',
          ).length;
          return updating > 0 ? {text: `${SYMBOLS.pending} ${updating} updating`, tone: 'warn'} : {text: ''};
        },
      ),
    },
    {
      title: 'HEALTH',
      width: 10,
      cell: (row) => {
        const health = row.kind === 'stack' ? stackHealth(row.services) : row.summary.health;
        const mark = healthMark(health);
        return {text: `${mark.symbol} ${health}`, tone: mark.tone};
      },
    },
  ];
}

export function ServicesView({width, height}: {width: number; height: number}) {
  const state = useUiState();
  const tone = useTone();
  const list = useList('services', height - 2);
  const all = serviceListRows(state.console.services, state.collapsed);
  const byId = new Map(all.map((row) => [row.id, row]));
  const rows = list.ids.map((id) => byId.get(id)).filter((row): row is ServiceListRow => row !== undefined);
  const connecting = state.console.connection.status === 'connecting' && state.console.services.length === 0;
  // Until the first answer an empty list means nothing yet, not an empty swarm.
  const loading = state.console.servicesLoaded !== true && state.console.services.length === 0;
  return (
    <Box flexDirection="column" width={width} height={height}>
      <TitleLine width={width} right={windowInfo(list, list.filter)}>
        <Text {...tone('title')}>Services</Text>
      </TitleLine>
      <Table
        columns={columns(
          state.console.rollouts,
          state.console.interrupted ?? {},
          all.some((row) => row.kind === 'stack'),
        )}
        rows={rows}
        rowKey={(row) => row.id}
        width={width}
        cursorRow={list.cursorRow}
        height={height - 2}
        empty={
          connecting
            ? 'connecting…'
            : loading
              ? 'loading services…'
              : list.filter
                ? `no service matches "${list.filter}"`
                : 'no services in this swarm'
        }
      />
    </Box>
  );
}
