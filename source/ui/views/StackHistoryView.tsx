/**
 * A stack's revisions, newest first (as `stack history`): the live one marked, age, source, health
 * (the worst of its services), and what changed against the revision before.
 */
import {Box} from 'ink';
import {Text} from '../components/SafeText.js';
import type {StackRevisionEntry} from '../../services/console-model.js';
import {type Column, Table} from '../components/Table.js';
import {TitleLine, windowInfo} from '../components/TitleLine.js';
import {formatAge} from '../format.js';
import {useNow} from '../hooks/use-now.js';
import {useList} from '../hooks/use-list.js';
import {useUiState} from '../state/ui-context.js';
import {healthMark, SYMBOLS} from '../theme/symbols.js';
import {useTone} from '../theme/tone.js';

function changesText({row, changes}: StackRevisionEntry): string {
  if (changes === null) return 'first recorded revision';
  const parts = [
    row.note,
    ...changes.changed.map((c) => `${c.service} v${c.from}${SYMBOLS.arrow}v${c.to}: ${c.summary}`),
    ...changes.added.map((a) => `+ ${a.service} v${a.version}`),
    ...changes.removed.map((r) => `- ${r.service} v${r.version}`),
  ].filter((part): part is string => part !== null && part !== '');
  return parts.join('; ') || 'no changes';
}

function columns(now: number, mark: number | null): Column<StackRevisionEntry>[] {
  return [
    {
      title: 'REV',
      width: 7,
      cell: (e) => ({
        text: `${e.row.number === mark ? SYMBOLS.mark : ' '}${e.live ? SYMBOLS.live : ' '}r${e.row.number}`,
        tone: e.live ? 'accent' : undefined,
      }),
    },
    {title: 'AGE', width: 4, align: 'right', cell: (e) => ({text: formatAge(e.row.recordedAt, now), tone: 'muted'})},
    {title: 'SOURCE', width: 8, priority: 2, cell: (e) => ({text: e.row.source})},
    {
      title: 'HEALTH',
      width: 9,
      cell: (e) => {
        const mark = healthMark(e.health);
        return {text: `${mark.symbol} ${e.health}`, tone: mark.tone};
      },
    },
    {
      title: 'SERVICES',
      width: 8,
      align: 'right',
      priority: 1,
      cell: (e) => ({text: String(Object.keys(e.row.members).length)}),
    },
    {title: 'CHANGES', width: 20, flex: 1, cell: (e) => ({text: changesText(e)})},
  ];
}

export function StackHistoryView({stack, width, height}: {stack: string; width: number; height: number}) {
  const state = useUiState();
  const tone = useTone();
  const now = useNow(30_000);
  const list = useList('revisions', height - 2);
  const loaded = state.stackHistory?.stack === stack ? state.stackHistory.history : {status: 'loading' as const};
  const entries = loaded.status === 'ready' ? loaded.value.entries : [];
  const byId = new Map(entries.map((e) => [String(e.row.number), e]));
  const shown = list.ids.map((id) => byId.get(id)).filter((e): e is StackRevisionEntry => e !== undefined);
  const live = entries.find((e) => e.live);
  const empty =
    loaded.status === 'loading'
      ? 'loading revisions…'
      : loaded.status === 'error'
        ? `${SYMBOLS.failed} could not load the revisions: ${loaded.error}`
        : list.filter
          ? `no revision matches "${list.filter}"`
          : 'no revisions recorded yet (the recorder writes one once a deployment has settled)';
  return (
    <Box flexDirection="column" width={width} height={height}>
      <TitleLine width={width} right={windowInfo(list, list.filter)}>
        <Text {...tone('title')}>{stack}</Text>
        <Text {...tone('muted')}>
          {' · stack history'}
          {live ? ` · ${SYMBOLS.live} live r${live.row.number}` : ''}
          {state.stackHistory?.mark != null ? ` · ${SYMBOLS.mark} marked r${state.stackHistory.mark}` : ''}
        </Text>
      </TitleLine>
      <Table
        columns={columns(now, state.stackHistory?.mark ?? null)}
        rows={shown}
        rowKey={(e) => String(e.row.number)}
        width={width}
        cursorRow={list.cursorRow}
        height={height - 2}
        empty={empty}
      />
    </Box>
  );
}
