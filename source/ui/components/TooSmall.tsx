import {Box} from 'ink';
import {Text} from './SafeText.js';
import type {TerminalSize} from '../hooks/use-terminal-size.js';
import {frameHeight, MIN_SIZE} from '../layout.js';
import {useTone} from '../theme/tone.js';

/** Instead of a mangled frame: what size the console needs. Keys still work (q quits). */
export function TooSmall({size}: {size: TerminalSize}) {
  const tone = useTone();
  return (
    <Box flexDirection="column" width={size.columns} height={frameHeight(size)} overflow="hidden">
      <Text>
        terminal too small: need at least {MIN_SIZE.columns}x{MIN_SIZE.rows}, have {size.columns}x{size.rows}
      </Text>
      <Text {...tone('muted')}>q quits</Text>
    </Box>
  );
}
