/**
 * Every Swarm service: mode, replicas, live version, image, update state, health. A service whose
 * rollout was left open by a console that is gone is marked ⚠ (p reattaches).
 */
import {Box} from 'ink';
import {Text} from '../components/SafeText.js';
import type {InterruptedRollout, RolloutView, ServiceSummary} from '../../services/console-model.js';
import {type Column, Table} from '../components/Table.js';
import {TitleLine, windowInfo} from '../components/TitleLine.js';
import {shortenImage} from '../format.js';
import {useList} from '../list/use-list.js';
import {useUiState} from '../state/ui-context.js';
import {healthMark, SYMBOLS, UPDATE_LABELS, updateStateMark} from '../theme/symbols.js';
import {useTone} from '../theme/tone.js';

function columns(
  rollouts: Record<string, RolloutView>,
  interrupted: Record<string, InterruptedRollout>,
): Column<ServiceSummary>[] {
  const isInterrupted = (name: string) => interrupted[name] !== undefined && !(rollouts[name] && !rollouts[name].done);
  return [
    {
      title: 'NAME',
      width: 12,
      flex: 1,
      // Before the image: a name is never cut to show more of an image.
      growToFit: true,
      cell: (s) => (isInterrupted(s.name) ? {text: `${SYMBOLS.degraded} ${s.name}`, tone: 'warn'} : {text: s.name}),
    },
    {title: 'MODE', width: 10, priority: 2, cell: (s) => ({text: s.mode})},
    {
      title: 'REPLICAS',
      width: 8,
      align: 'right',
      cell: (s) => ({
        text: `${s.running}/${s.desired}`,
        tone: s.desired > 0 && s.running === 0 ? 'bad' : s.running < s.desired ? 'warn' : undefined,
      }),
    },
    {title: 'LIVE', width: 5, cell: (s) => ({text: s.liveVersion === null ? '—' : `v${s.liveVersion}`})},
    {
      title: 'IMAGE',
      width: 12,
      flex: 1,
      priority: 1,
      growToFit: true,
      cell: (s) => ({text: shortenImage(s.image), full: s.image, tone: 'muted'}),
    },
    {
      title: 'UPDATE',
      width: 14,
      priority: 3,
      cell: (s) => {
        const rollout = rollouts[s.name];
        if (rollout && !rollout.done) return {text: `${SYMBOLS.pending} ${rollout.kind}`, tone: 'warn'};
        if (isInterrupted(s.name)) return {text: `${SYMBOLS.degraded} interrupted`, tone: 'warn'};
        const mark = updateStateMark(s.updateState);
        return mark ? {text: `${mark.symbol} ${UPDATE_LABELS[s.updateState!] ?? s.updateState}`, tone: mark.tone} : {text: ''};
      },
    },
    {
      title: 'HEALTH',
      width: 10,
      cell: (s) => {
        const mark = healthMark(s.health);
        return {text: `${mark.symbol} ${s.health}`, tone: mark.tone};
      },
    },
  ];
}

export function ServicesView({width, height}: {width: number; height: number}) {
  const state = useUiState();
  const tone = useTone();
  const list = useList('services', height - 2);
  const byName = new Map(state.console.services.map((s) => [s.name, s]));
  const rows = list.ids.map((id) => byName.get(id)).filter((s): s is ServiceSummary => s !== undefined);
  const connecting = state.console.connection.status === 'connecting' && state.console.services.length === 0;
  // Until the first answer an empty list means nothing yet, not an empty swarm.
  const loading = state.console.servicesLoaded !== true && state.console.services.length === 0;
  return (
    <Box flexDirection="column" width={width} height={height}>
      <TitleLine width={width} right={windowInfo(list, list.filter)}>
        <Text {...tone('title')}>Services</Text>
      </TitleLine>
      <Table
        columns={columns(state.console.rollouts, state.console.interrupted ?? {})}
        rows={rows}
        rowKey={(s) => s.name}
        width={width}
        cursorRow={list.cursorRow}
        height={height - 2}
        empty={connecting ? 'connecting…' : loading ? 'loading services…' : list.filter ? `no service matches "${list.filter}"` : 'no services in this swarm'}
      />
    </Box>
  );
}
