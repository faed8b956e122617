/**
 * A stack rollback as it happens: one row per service (what the rollback does to it, its phase,
 * slots done/total, elapsed and ETA, ticking every second), Enter on a row opening that service's
 * per-slot panel, and one combined verdict at the end: healthy only when every service is healthy;
 * otherwise the services that are not, and why. Everything comes from the model's state.
 */
import {Box} from 'ink';
import {Text} from '../components/SafeText.js';
import type {RolloutView, StackRolloutView} from '../../services/console-model.js';
import {type Column, Table} from '../components/Table.js';
import {TitleLine, windowInfo} from '../components/TitleLine.js';
import {formatElapsed} from '../format.js';
import {useNow} from '../hooks/use-now.js';
import {useList} from '../hooks/use-list.js';
import {useUiState} from '../state/ui-context.js';
import {SYMBOLS} from '../theme/symbols.js';
import {useTone} from '../theme/tone.js';
import {PHASE_TEXT, RESULT_MARK} from './progress-parts.js';
import {rolloutClocks} from './ProgressPanel.js';
import {planAction} from './StackRollbackDialog.js';

type Row = StackRolloutView['services'][number] & {rollout: RolloutView | undefined};

function columns(now: number, revision: number): Column<Row>[] {
  const clocks = (r: Row) => (r.rollout ? rolloutClocks(r.rollout, now) : null);
  return [
    {title: 'SERVICE', width: 16, flex: 1, cell: (r) => ({text: r.service})},
    {title: 'PLAN', width: 22, priority: 2, cell: (r) => planAction(r, revision)},
    {
      title: 'PHASE',
      width: 18,
      cell: (r) => {
        const result = r.rollout?.done ? r.rollout.result : r.result;
        if (result) return {text: `${RESULT_MARK[result].symbol} ${result}`, tone: RESULT_MARK[result].tone};
        if (!r.rollout) return {text: r.action === 'rollback' ? `${SYMBOLS.pending} waiting` : '—', tone: 'muted'};
        const phase = PHASE_TEXT[r.rollout.progress.phase];
        return {text: `${phase.symbol} ${phase.text}`, tone: phase.tone};
      },
    },
    {
      title: 'SLOTS',
      width: 7,
      align: 'right',
      cell: (r) => ({text: r.rollout ? `${r.rollout.progress.slotsDone}/${r.rollout.progress.slotsTotal}` : '—'}),
    },
    {
      title: 'ELAPSED',
      width: 8,
      align: 'right',
      cell: (r) => ({text: clocks(r) ? formatElapsed(clocks(r)!.elapsedMs) : '—'}),
    },
    {
      title: 'ETA',
      width: 6,
      align: 'right',
      cell: (r) => {
        const eta = clocks(r)?.etaMs;
        return {text: r.rollout && !r.rollout.done && eta != null ? formatElapsed(eta) : '—', tone: 'muted'};
      },
    },
  ];
}

function Verdict({view, now}: {view: StackRolloutView; now: number}) {
  const tone = useTone();
  if (!view.done || !view.result) {
    return (
      <Text {...tone('muted')}>
        combined verdict: once every service has ended ({formatElapsed(now - view.startedAt)} so far)
      </Text>
    );
  }
  const mark = RESULT_MARK[view.result];
  const took = formatElapsed((view.endedAt ?? now) - view.startedAt);
  const recorded = view.recordedRevision != null ? `, recorded as r${view.recordedRevision}` : '';
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end" {...tone(mark.tone)}>
        {mark.symbol} stack {view.result}
        {view.result === 'healthy' ? ` — every service healthy (${took}${recorded})` : ` (${took})`}
      </Text>
      {view.result === 'healthy'
        ? null
        : (view.reasons ?? []).map((reason) => (
            <Text key={reason} wrap="truncate-end" {...tone(mark.tone)}>
              {'  '}
              {reason}
            </Text>
          ))}
    </Box>
  );
}

export function StackProgressPanel({stack, width, height}: {stack: string; width: number; height: number}) {
  const state = useUiState();
  const tone = useTone();
  const view = state.console.stackRollouts?.[stack];
  const verdictLines = view?.done && view.result !== 'healthy' ? 1 + (view.reasons?.length ?? 0) : 1;
  const tableHeight = Math.max(2, height - 3 - verdictLines);
  const list = useList('stackServices', tableHeight - 1);
  const now = useNow(1_000, view !== undefined && !view.done);
  if (!view) {
    return (
      <Box flexDirection="column" width={width} height={height}>
        <TitleLine width={width}>
          <Text {...tone('title')}>{stack}</Text>
          <Text {...tone('muted')}> · stack rollback</Text>
        </TitleLine>
        <Text {...tone('muted')}>no rollback of this stack was started in this console</Text>
      </Box>
    );
  }
  const byName = new Map(view.services.map((s) => [s.service, s]));
  const rows: Row[] = list.ids.flatMap((id) => {
    const s = byName.get(id);
    return s ? [{...s, rollout: s.action === 'rollback' ? state.console.rollouts[s.service] : undefined}] : [];
  });
  return (
    <Box flexDirection="column" width={width} height={height}>
      <TitleLine width={width} right={windowInfo(list, list.filter)}>
        <Text {...tone('title')}>{stack}</Text>
        <Text {...tone('muted')}> · stack rollback to r{view.to}</Text>
      </TitleLine>
      <Table
        columns={columns(now, view.to)}
        rows={rows}
        rowKey={(r) => r.service}
        width={width}
        cursorRow={list.cursorRow}
        height={tableHeight}
        empty="no services"
      />
      <Text> </Text>
      <Verdict view={view} now={now} />
    </Box>
  );
}
