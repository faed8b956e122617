/**
 * A service's versions, newest first: live one marked, age, source, health, image, where the image
 * is kept for a rollback (registry / local only / push failed) and what changed.
 * L jumps to the last known good version; d diffs, m marks a second version, r rolls back.
 */
import {Box} from 'ink';
import {Text} from '../components/SafeText.js';
import type {HistoryRow, RolloutView, ServiceSummary, VersionRow} from '../../services/console-model.js';
import {type Cell, type Column, Table} from '../components/Table.js';
import {TitleLine, windowInfo} from '../components/TitleLine.js';
import {clipStart, formatAge, shortenImage} from '../format.js';
import {useNow} from '../hooks/use-now.js';
import {useList} from '../hooks/use-list.js';
import {historyRows, readOnlyHere, rolloutActive, serviceSummary} from '../state/selectors.js';
import {useUiState} from '../state/ui-context.js';
import {healthMark, SYMBOLS} from '../theme/symbols.js';
import {useTone} from '../theme/tone.js';
import {changeSummaries} from './change-summary.js';
import {describeVersionMetrics, previousMeasured} from '../../domain/task-metrics.js';

/** What the health watch measured of the selected version, beside the version measured before it. */
function MeasuredLine({rows, selected}: {rows: VersionRow[]; selected: string | undefined}) {
  const tone = useTone();
  const index = rows.findIndex((r) => String(r.number) === selected);
  const row = rows[index];
  if (!row) return <Text> </Text>;
  return (
    <Text wrap="truncate-end" {...tone('muted')}>
      {'  '}v{row.number} measured:{' '}
      {row.metrics
        ? describeVersionMetrics(row.metrics, previousMeasured(rows, index))
        : 'nothing (no health watch measured it)'}
    </Text>
  );
}
import {rolloutHeadline} from './progress-parts.js';

function columns(
  live: number | null,
  mark: number | null,
  now: number,
  summaries: Map<number, string>,
  kept: boolean,
  failed: number | null,
): Column<HistoryRow>[] {
  const all: Column<HistoryRow>[] = [
    {
      title: 'VER',
      width: 7,
      cell: (r) => ({
        text: `${r.number === mark ? SYMBOLS.mark : ' '}${r.number === live ? SYMBOLS.live : ' '}v${r.number}`,
        tone: r.number === live ? 'accent' : undefined,
      }),
    },
    {title: 'AGE', width: 4, align: 'right', cell: (r) => ({text: formatAge(r.recordedAt, now), tone: 'muted'})},
    {title: 'SOURCE', width: 8, priority: 2, cell: (r) => ({text: r.source})},
    {
      title: 'HEALTH',
      width: 9,
      cell: (r) => {
        if (r.number === failed) return {text: `${SYMBOLS.failed} failed`, tone: 'bad'};
        const mark = healthMark(r.health);
        return {text: `${mark.symbol} ${r.health}`, tone: mark.tone};
      },
    },
    {title: 'IMAGE', width: 11, flex: 1, priority: 1, cell: (r) => ({text: shortenImage(r.imageRef), tone: 'muted'})},
    {title: 'KEPT IN', width: KEPT_IN_WIDTH, priority: 0, growToFit: true, cell: keptIn},
    // At 80 columns with every column shown, `rolled back to v99 · …` keeps its version number whole.
    {title: 'CHANGES', width: 19, flex: 2, cell: (r) => ({text: summaries.get(r.number) ?? ''})},
  ];
  return kept ? all : all.filter((c) => c.title !== 'KEPT IN');
}

const KEPT_IN_WIDTH = 13;

/**
 * Where the version's image is kept for a rollback: registry, local (on which node, when the
 * history was loaded with a connection: `local only on web-1`; in the 13 columns an 80-column
 * terminal leaves, `local on web-1`, the node's name cut at its start: `local on …r-01`), missing.
 * Without a look at the image store, as last recorded.
 */
function keptIn(r: HistoryRow): Cell {
  const image = r.rollbackImage;
  const place = r.imagePlace;
  if (!image && !place) return {text: ''};
  const pushState = place?.pushState ?? image?.pushState;
  if (pushState === 'push_failed') return {text: `${SYMBOLS.failed} push failed`, tone: 'bad'};
  if (pushState === 'pushed') return {text: 'registry'};
  const where = place ? (place.location ?? '') : (image?.location ?? '');
  if (where === 'local') {
    const nodes = place?.nodes.join(', ');
    return nodes
      ? {
          text: `local on ${clipStart(nodes, KEPT_IN_WIDTH - 'local on '.length)}`,
          full: `local only on ${nodes}`,
          tone: 'muted',
        }
      : {text: 'local only', tone: 'muted'};
  }
  return {text: where, tone: where === 'missing' ? 'warn' : 'muted'};
}

/**
 * The version whose deployment failed, as the services list says it: the live one while Swarm has
 * its update paused, or the target of a rollout from this console that ended failed.
 */
function failedDeployment(summary: ServiceSummary | undefined, rollout: RolloutView | undefined): number | null {
  if (summary && (summary.updateState === 'paused' || summary.updateState === 'rollback_paused'))
    return summary.liveVersion;
  if (rollout?.done && rollout.result === 'failed' && rollout.kind === 'rollback') return rollout.to;
  return null;
}

export function HistoryView({service, width, height}: {service: string; width: number; height: number}) {
  const state = useUiState();
  const tone = useTone();
  const now = useNow(30_000);
  const list = useList('history', height - 3);
  const rows = historyRows(state);
  const live = serviceSummary(state, service)?.liveVersion ?? null;
  const rolling = rolloutActive(state, service) ? state.console.rollouts[service] : undefined;
  const failed = failedDeployment(
    state.console.services.find((s) => s.name === service),
    state.console.rollouts[service],
  );
  const byId = new Map(rows.map((r) => [String(r.number), r]));
  const shown = list.ids.map((id) => byId.get(id)).filter((r): r is HistoryRow => r !== undefined);
  const loading = state.history?.rows;
  const empty =
    loading?.status === 'loading'
      ? 'loading history…'
      : loading?.status === 'error'
        ? `${SYMBOLS.failed} could not load the history: ${loading.error}`
        : list.filter
          ? `no version matches "${list.filter}"`
          : `no versions recorded yet${readOnlyHere(state) !== null ? '' : ' (s snapshots the live spec)'}`;
  return (
    <Box flexDirection="column" width={width} height={height}>
      <TitleLine width={width} right={windowInfo(list, list.filter)}>
        <Text {...tone('title')}>{service}</Text>
        <Text {...tone('muted')}>
          {' · history'}
          {rolling
            ? ` · ${SYMBOLS.pending} ${rolloutHeadline(rolling)}`
            : live !== null
              ? ` · ${SYMBOLS.live} live v${live}`
              : ''}
          {state.mark !== null ? ` · ${SYMBOLS.mark} marked v${state.mark}` : ''}
        </Text>
      </TitleLine>
      <Table
        columns={columns(
          live,
          state.mark,
          now,
          changeSummaries(rows),
          rows.some((r) => r.rollbackImage),
          failed,
        )}
        rows={shown}
        rowKey={(r) => String(r.number)}
        width={width}
        cursorRow={list.cursorRow}
        height={height - 3}
        empty={empty}
      />
      <MeasuredLine rows={rows} selected={list.selectedId} />
    </Box>
  );
}
