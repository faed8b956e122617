/** Two versions side by side as +/-/~ lines by section; secret values masked until S. */
import {Box} from 'ink';
import {Text} from '../components/SafeText.js';
import {TitleLine} from '../components/TitleLine.js';
import {useList} from '../hooks/use-list.js';
import {useUiState} from '../state/ui-context.js';
import {readOnlyHere} from '../state/selectors.js';
import {SYMBOLS} from '../theme/symbols.js';
import {type Tone, useTone} from '../theme/tone.js';
import {type DiffLineKind, diffLines} from '../state/diff-lines.js';

const LINE_TONES: Record<DiffLineKind, Tone> = {
  section: 'title',
  added: 'added',
  removed: 'removed',
  changed: 'changed',
  note: 'muted',
};

const label = (v: number | 'live'): string => (v === 'live' ? 'live' : `v${v}`);

export function DiffView({
  service,
  a,
  b,
  width,
  height,
}: {
  service: string;
  a: number | 'live';
  b: number | 'live';
  width: number;
  height: number;
}) {
  const state = useUiState();
  const tone = useTone();
  const list = useList('diff', height - 1);
  const loadable = state.diff?.diff;
  const lines = loadable?.status === 'ready' ? diffLines(loadable.value) : [];
  const secrets = state.diff?.showSecrets
    ? 'secrets shown (S masks)'
    : readOnlyHere(state) !== null
      ? 'secrets masked (read-only)'
      : 'secrets masked (S reveals)';
  const position =
    list.count > list.ids.length ? `${list.above + 1}–${list.above + list.ids.length} of ${list.count}` : '';
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <TitleLine width={width} right={position}>
        <Text {...tone('title')}>{service}</Text>
        <Text {...tone('muted')}>
          {' · diff '}
          {label(a)} {SYMBOLS.arrow} {label(b)} · {secrets}
        </Text>
      </TitleLine>
      {loadable?.status === 'loading' || !loadable ? <Text {...tone('muted')}>computing the diff…</Text> : null}
      {loadable?.status === 'error' ? (
        <Text wrap="truncate-end" {...tone('bad')}>
          {SYMBOLS.failed} could not compute the diff: {loadable.error}
        </Text>
      ) : null}
      {list.ids.map((id, i) => {
        const line = lines[Number(id)];
        if (!line) return null;
        // The cursor (what y copies) takes the indent of a change line; a section title is only highlighted.
        const selected = i === list.cursorRow;
        const text = selected && line.text.startsWith('  ') ? `${SYMBOLS.cursor} ${line.text.slice(2)}` : line.text;
        return (
          <Text key={id} wrap="truncate-end" {...tone(selected ? 'selected' : LINE_TONES[line.kind])}>
            {text}
          </Text>
        );
      })}
    </Box>
  );
}
