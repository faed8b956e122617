/** Two revisions of a stack (or one against what runs): services added, removed and changed, each with its diff. */
import {Box} from 'ink';
import {Text} from '../components/SafeText.js';
import {TitleLine} from '../components/TitleLine.js';
import {useList} from '../hooks/use-list.js';
import {useUiState} from '../state/ui-context.js';
import {stackDiffKey} from '../state/ui-state.js';
import {SYMBOLS} from '../theme/symbols.js';
import {type Tone, useTone} from '../theme/tone.js';
import type {DiffLineKind} from '../state/diff-lines.js';
import {stackDiffLines} from '../state/stack-diff-lines.js';

const LINE_TONES: Record<DiffLineKind, Tone> = {
  section: 'title',
  added: 'added',
  removed: 'removed',
  changed: 'changed',
  note: 'muted',
};

export function StackDiffView({
  stack,
  a,
  b,
  width,
  height,
}: {
  stack: string;
  a: number;
  b: number | 'live';
  width: number;
  height: number;
}) {
  const state = useUiState();
  const tone = useTone();
  const list = useList('diff', height - 1);
  const loadable = state.stackDiff?.key === stackDiffKey(stack, a, b) ? state.stackDiff.diff : undefined;
  const lines = loadable?.status === 'ready' ? stackDiffLines(loadable.value) : [];
  const position =
    list.count > list.ids.length ? `${list.above + 1}–${list.above + list.ids.length} of ${list.count}` : '';
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <TitleLine width={width} right={position}>
        <Text {...tone('title')}>{stack}</Text>
        <Text {...tone('muted')}>
          {' · stack diff '}r{a} {SYMBOLS.arrow} {b === 'live' ? 'live' : `r${b}`} · secrets masked
        </Text>
      </TitleLine>
      {loadable?.status === 'loading' || !loadable ? <Text {...tone('muted')}>computing the diff…</Text> : null}
      {loadable?.status === 'error' ? (
        <Text wrap="truncate-end" {...tone('bad')}>
          {SYMBOLS.failed} could not compute the diff: {loadable.error}
        </Text>
      ) : null}
      {list.ids.map((id) => {
        const line = lines[Number(id)];
        if (!line) return null;
        return (
          <Text key={id} wrap="truncate-end" {...tone(LINE_TONES[line.kind])}>
            {line.text}
          </Text>
        );
      })}
    </Box>
  );
}
