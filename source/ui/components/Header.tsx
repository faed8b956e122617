/** One line: where the console is connected, and READ-ONLY when it is. */
import {Box} from 'ink';
import {Text} from './SafeText.js';
import type {ConnectionInfo} from '../../services/console-model.js';
import {shortId} from '../format.js';
import {SYMBOLS} from '../theme/symbols.js';
import {type Tone, useTone} from '../theme/tone.js';

function connectionMark(connection: ConnectionInfo): {symbol: string; tone: Tone; text: string} {
  switch (connection.status) {
    case 'connected':
      return {symbol: SYMBOLS.running, tone: 'ok', text: 'connected'};
    case 'connecting':
      return {symbol: SYMBOLS.pending, tone: 'warn', text: 'connecting'};
    case 'lost':
      return {
        symbol: SYMBOLS.failed,
        tone: 'bad',
        text: `connection lost${connection.error ? `: ${connection.error}` : ''} — reconnecting`,
      };
  }
}

export function Header({connection, readOnly, width}: {connection: ConnectionInfo; readOnly: boolean; width: number}) {
  const tone = useTone();
  const mark = connectionMark(connection);
  const where = [
    connection.nodeHostname
      ? `${connection.nodeHostname}${connection.isManager === false ? ' (worker)' : connection.isManager ? ' (manager)' : ''}`
      : '',
    connection.swarmId ? `swarm ${shortId(connection.swarmId)}` : '',
    connection.endpoint,
  ].filter(Boolean);
  return (
    <Box width={width} height={1}>
      <Box flexGrow={1} flexShrink={1}>
        <Text wrap="truncate-end">
          <Text {...tone('title')}>dokroll</Text>{' '}
          <Text {...tone(mark.tone)}>
            {mark.symbol} {mark.text}
          </Text>
          <Text {...tone('muted')}>{where.length ? ` · ${where.join(' · ')}` : ''}</Text>
        </Text>
      </Box>
      {readOnly ? (
        <Box flexShrink={0} marginLeft={1}>
          <Text {...tone('badge')}>[READ-ONLY]</Text>
        </Box>
      ) : null}
    </Box>
  );
}
