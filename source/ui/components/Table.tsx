/**
 * A fixed-height table: one line per row, every cell cut to its column, so a row can never wrap and
 * push the frame past its budget. Columns with a `priority` are dropped, lowest first, when the
 * width is too small for every column's minimum.
 */
import {Box} from 'ink';
import {Text} from './SafeText.js';
import {terminalSafe} from '../../shared/terminal-text.js';
import {fit} from '../format.js';
import {SYMBOLS} from '../theme/symbols.js';
import {type Tone, useTone} from '../theme/tone.js';

export interface Cell {
  text: string;
  tone?: Tone;
}

export interface Column<T> {
  title: string;
  /** Fixed width, or the minimum of a flexible column. */
  width: number;
  /** Grows into spare width, in proportion to this weight. */
  flex?: number;
  align?: 'left' | 'right';
  /** Higher survives longer when space is short; no priority = always shown. */
  priority?: number;
  cell: (row: T) => Cell;
}

const GAP = 1;
const CURSOR_WIDTH = 2;

/** The columns that fit in `width`, with flexible ones sharing what is left. */
export function layoutColumns<T>(columns: Column<T>[], width: number): {column: Column<T>; width: number}[] {
  let shown = [...columns];
  const needed = (cols: Column<T>[]) => CURSOR_WIDTH + cols.reduce((sum, c) => sum + c.width + GAP, 0);
  while (needed(shown) > width) {
    const droppable = shown.filter((c) => c.priority !== undefined);
    if (droppable.length === 0) break;
    const lowest = droppable.reduce((a, b) => (b.priority! < a.priority! ? b : a));
    shown = shown.filter((c) => c !== lowest);
  }
  const spare = Math.max(0, width - needed(shown));
  const weights = shown.reduce((sum, c) => sum + (c.flex ?? 0), 0);
  let left = spare;
  const laid = shown.map((column) => {
    const share = column.flex ? Math.floor((spare * column.flex) / weights) : 0;
    left -= share;
    return {column, width: column.width + share};
  });
  // Rounding leftovers go to the last flexible column.
  const last = [...laid].reverse().find((l) => l.column.flex);
  if (last) last.width += left;
  return laid;
}

export interface TableProps<T> {
  columns: Column<T>[];
  rows: T[];
  rowKey: (row: T) => string;
  width: number;
  /** Row index (within `rows`) under the cursor; -1 for none. */
  cursorRow: number;
  /** Draw the cursor highlighted (the table has focus). */
  focused?: boolean;
  /** Rows the body takes; empty lines pad it so the frame never jumps. */
  height: number;
  empty?: string;
}

export function Table<T>({columns, rows, rowKey, width, cursorRow, focused = true, height, empty}: TableProps<T>) {
  const tone = useTone();
  const laid = layoutColumns(columns, width);
  const header = laid.map(({column, width: w}) => fit(column.title, w, column.align)).join(' ');
  return (
    <Box flexDirection="column" width={width} height={height + 1} overflow="hidden">
      <Text wrap="truncate-end" {...tone('muted')}>
        {'  ' + header}
      </Text>
      {rows.length === 0 && empty ? (
        <Text wrap="truncate-end" {...tone('muted')}>
          {'  ' + empty}
        </Text>
      ) : null}
      {rows.slice(0, height).map((row, i) => {
        const selected = i === cursorRow;
        return (
          <Text key={rowKey(row)} wrap="truncate-end" {...(selected && focused ? tone('selected') : {})}>
            {selected ? `${SYMBOLS.cursor} ` : '  '}
            {laid.map(({column, width: w}, c) => {
              const cell = column.cell(row);
              return (
                <Text key={c} {...tone(cell.tone)}>
                  {fit(terminalSafe(cell.text), w, column.align)}
                  {c < laid.length - 1 ? ' ' : ''}
                </Text>
              );
            })}
          </Text>
        );
      })}
    </Box>
  );
}
