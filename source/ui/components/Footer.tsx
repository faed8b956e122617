/**
 * Two lines: a status line (filter being typed, the last notice or error) and the key hints for the
 * current view, drawn from the keymap so they match what the keys do.
 */
import {Box} from 'ink';
import {Text} from './SafeText.js';
import {terminalSafe} from '../../shared/terminal-text.js';
import {chunkLines} from '../format.js';
import {DIALOG_HINTS, HELP_OVERLAY_HINTS, HINT_WORDS, hintsFor, type Binding} from '../keys/keymap.js';
import {isAvailable, readOnlyHere} from '../state/selectors.js';
import {currentView, focusedList, type UiState} from '../state/ui-state.js';
import {SYMBOLS} from '../theme/symbols.js';
import {useTone} from '../theme/tone.js';

const SEPARATOR = '  ';

const hintText = (b: Binding): string => `${b.label} ${HINT_WORDS[b.command] ?? b.description}`;

/** As many hints as fit in `width`, always ending with help and quit. */
export function fitHints(bindings: Binding[], width: number): string {
  const last = bindings.filter((b) => b.command === 'help' || b.command === 'quit').map(hintText);
  const first = bindings.filter((b) => b.command !== 'help' && b.command !== 'quit').map(hintText);
  const tail = last.join(SEPARATOR);
  const shown: string[] = [];
  let used = tail.length;
  for (const hint of first) {
    if (used + hint.length + SEPARATOR.length > width) break;
    shown.push(hint);
    used += hint.length + SEPARATOR.length;
  }
  return [...shown, tail].filter(Boolean).join(SEPARATOR);
}

/** At most this many lines for a notice shown whole (a copied value); the clipboard has it all anyway. */
const DETAIL_MAX_LINES = 6;

/** The lines of a notice shown whole (terminal-safe, cut at `width`), or null for a one-line status. */
function detailLines(state: UiState, width: number): string[] | null {
  if (state.filterMode || !state.notice?.whole) return null;
  const lines = chunkLines(terminalSafe(state.notice.text), width);
  if (lines.length <= DETAIL_MAX_LINES) return lines;
  const shown = lines.slice(0, DETAIL_MAX_LINES);
  shown[DETAIL_MAX_LINES - 1] = `${[...shown[DETAIL_MAX_LINES - 1]!].slice(0, Math.max(0, width - 1)).join('')}…`;
  return shown;
}

/** Lines the footer takes: the status (one, or a notice shown whole) and the key hints. */
export function footerHeight(state: UiState, width: number): number {
  return (detailLines(state, width)?.length ?? 1) + 1;
}

function StatusLine({state, width}: {state: UiState; width: number}) {
  const tone = useTone();
  const detail = detailLines(state, width);
  if (detail) {
    return (
      <Box flexDirection="column" width={width}>
        {detail.map((line, i) => (
          <Text key={i} wrap="truncate-end" {...tone('accent')}>
            {line}
          </Text>
        ))}
      </Box>
    );
  }
  if (state.filterMode) {
    const key = focusedList(state);
    const filter = key ? state.lists[key].filter : '';
    return (
      <Text wrap="truncate-end">
        <Text {...tone('accent')}>/{filter}</Text>
        <Text>_</Text>
        <Text {...tone('muted')}>{'  enter keep · esc clear'}</Text>
      </Text>
    );
  }
  if (state.notice) {
    const bad = state.notice.tone === 'error';
    return (
      <Text wrap="truncate-end" {...tone(bad ? 'bad' : 'accent')}>
        {bad ? `${SYMBOLS.failed} ` : ''}
        {state.notice.text}
      </Text>
    );
  }
  if (state.console.lastError) {
    return (
      <Text wrap="truncate-end" {...tone('bad')}>
        {SYMBOLS.failed} {state.console.lastError}
      </Text>
    );
  }
  return <Text> </Text>;
}

export function Footer({state, width}: {state: UiState; width: number}) {
  const tone = useTone();
  const view = currentView(state);
  const hints = state.help
    ? HELP_OVERLAY_HINTS
    : state.dialog
      ? DIALOG_HINTS
      : fitHints(
          hintsFor(view, readOnlyHere(state) !== null, (command) => isAvailable(state, command)),
          width,
        );
  return (
    <Box flexDirection="column" width={width} height={footerHeight(state, width)}>
      <StatusLine state={state} width={width} />
      <Text wrap="truncate-end" {...tone('muted')}>
        {hints}
      </Text>
    </Box>
  );
}
