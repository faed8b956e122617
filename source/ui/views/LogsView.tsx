/**
 * A service's (or a task's) logs, followed: newest at the bottom, each line with its time, stderr
 * lines marked; `/` filters, the movement keys scroll (the end keeps following). The lines come
 * terminal-safe from the model (ANSI escapes and control characters shown escaped).
 */
import {Box} from 'ink';
import {Text} from '../components/SafeText.js';
import type {LogEntry} from '../../services/console-model.js';
import {TitleLine, windowInfo} from '../components/TitleLine.js';
import {useList} from '../hooks/use-list.js';
import {useUiState} from '../state/ui-context.js';
import {SYMBOLS} from '../theme/symbols.js';
import {useTone} from '../theme/tone.js';

/** "14:03:07.123" from Docker's RFC 3339 timestamp (UTC, as Docker stamps it). */
function logTime(at: string): string {
  const match = /T(\d\d:\d\d:\d\d)(\.\d{1,3})?/.exec(at);
  return match ? `${match[1]}${(match[2] ?? '.').padEnd(4, '0')}` : ' '.repeat(12);
}

export function LogsView({
  service,
  task,
  width,
  height,
}: {
  service: string;
  task?: string;
  width: number;
  height: number;
}) {
  const state = useUiState();
  const tone = useTone();
  const list = useList('logs', height - 1);
  const logs = state.console.logs;
  const mine = logs && logs.target.service === service && logs.target.task === task ? logs : undefined;
  const byId = new Map<string, LogEntry>((mine?.lines ?? []).map((line) => [String(line.seq), line]));
  const status = !mine
    ? 'opening…'
    : mine.error
      ? `${SYMBOLS.failed} ${mine.error}`
      : mine.following
        ? 'following'
        : 'opening…';
  const empty = list.filter
    ? `no line matches "${list.filter}"`
    : mine?.following
      ? 'no log lines yet'
      : 'waiting for the logs…';
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <TitleLine width={width} right={windowInfo(list, list.filter)}>
        <Text {...tone('title')}>{service}</Text>
        <Text {...tone('muted')}>
          {' · logs'}
          {task ? ` of task ${task.slice(0, 12)}` : ''}
          {' · '}
        </Text>
        <Text {...tone(mine?.error ? 'bad' : 'muted')}>{status}</Text>
        <Text {...tone('muted')}>{mine && mine.dropped > 0 ? ` · ${mine.dropped} older lines dropped` : ''}</Text>
      </TitleLine>
      {list.ids.length === 0 ? (
        <Text {...tone('muted')}>{`  ${empty}`}</Text>
      ) : (
        list.ids.map((id) => {
          const line = byId.get(id);
          return (
            <Text key={id} wrap="truncate-end">
              <Text {...tone('muted')}>{line ? logTime(line.at) : ''}</Text>
              <Text {...tone(line?.stream === 'stderr' ? 'warn' : 'muted')}>
                {line?.stream === 'stderr' ? ' ! ' : '   '}
              </Text>
              {line?.text ?? ''}
            </Text>
          );
        })
      )}
    </Box>
  );
}
