/** A view's first line: what it shows on the left, where the window is on the right. */
import {type ReactNode} from 'react';
import {Box} from 'ink';
import {Text} from './SafeText.js';
import {useTone} from '../theme/tone.js';

export function TitleLine({children, right, width}: {children: ReactNode; right?: string; width: number}) {
  const tone = useTone();
  return (
    <Box width={width} height={1}>
      <Box flexGrow={1} flexShrink={1}>
        <Text wrap="truncate-end">{children}</Text>
      </Box>
      {right ? (
        <Box flexShrink={0} marginLeft={1}>
          <Text {...tone('muted')}>{right}</Text>
        </Box>
      ) : null}
    </Box>
  );
}

/** "12–31 of 80", "filter: web", for a title line. */
export function windowInfo(w: {above: number; count: number; ids: unknown[]}, filter?: string): string {
  const parts: string[] = [];
  if (filter) parts.push(`filter: ${filter}`);
  if (w.count > w.ids.length) parts.push(`${w.above + 1}–${w.above + w.ids.length} of ${w.count}`);
  else parts.push(`${w.count}`);
  return parts.join(' · ');
}
