/** The keys of the current view and the global ones, from the keymap. */
import {Box} from 'ink';
import {Text} from '../components/SafeText.js';
import {TitleLine} from '../components/TitleLine.js';
import {fit} from '../format.js';
import {helpLines} from '../keys/help-lines.js';
import {useList} from '../hooks/use-list.js';
import {useUiState} from '../state/ui-context.js';
import {readOnlyHere} from '../state/selectors.js';
import {currentView} from '../state/ui-state.js';
import {useTone} from '../theme/tone.js';

export function HelpOverlay({width, height}: {width: number; height: number}) {
  const state = useUiState();
  const tone = useTone();
  const list = useList('help', height - 1);
  const lines = helpLines(currentView(state), readOnlyHere(state));
  const keyWidth = Math.min(24, Math.max(...lines.map((l) => l.keys.length)) + 2);
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <TitleLine
        width={width}
        right={list.count > list.ids.length ? `${list.above + 1}–${list.above + list.ids.length} of ${list.count}` : ''}
      >
        <Text {...tone('title')}>Help</Text>
        <Text {...tone('muted')}> · esc or ? closes</Text>
      </TitleLine>
      {list.ids.map((id) => {
        const line = lines[Number(id)];
        if (!line) return null;
        if (line.heading) {
          return (
            <Text key={id} wrap="truncate-end" {...tone('title')}>
              {line.description}
            </Text>
          );
        }
        return (
          <Text key={id} wrap="truncate-end">
            <Text {...tone('accent')}>{'  ' + fit(line.keys, keyWidth)}</Text>
            {line.description}
          </Text>
        );
      })}
    </Box>
  );
}
