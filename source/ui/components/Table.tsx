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
  /** The whole value, shown instead of `text` when the column is wide enough for it (an image with its digest). */
  full?: string;
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
  /** Takes spare width first, as much as its longest whole value (`full`) needs; the flexible columns share the rest. */
  growToFit?: boolean;
  cell: (row: T) => Cell;
}

const GAP = 1;

const cellLength = (cell: Cell): number => [...terminalSafe(cell.full ?? cell.text)].length;

/** The whole value when it fits in `width`, else the short one. */
const shown = (cell: Cell, width: number): string =>
  cell.full !== undefined && [...terminalSafe(cell.full)].length <= width ? cell.full : cell.text;
const CURSOR_WIDTH = 2;

/**
 * The columns that fit in `width`: spare width goes first to growToFit columns, up to what their
 * longest value needs (`wants`, by column), then flexible ones share what is left.
 */
export function layoutColumns<T>(
  columns: Column<T>[],
  width: number,
  wants: ReadonlyMap<Column<T>, number> = new Map(),
): {column: Column<T>; width: number}[] {
  let shown = [...columns];
  const needed = (cols: Column<T>[]) => CURSOR_WIDTH + cols.reduce((sum, c) => sum + c.width + GAP, 0);
  while (needed(shown) > width) {
    const droppable = shown.filter((c) => c.priority !== undefined);
    if (droppable.length === 0) break;
    const lowest = droppable.reduce((a, b) => (b.priority! < a.priority! ? b : a));
    shown = shown.filter((c) => c !== lowest);
  }
  let spare = Math.max(0, width - needed(shown));
  const grown = new Map<Column<T>, number>();
  for (const column of shown) {
    if (!column.growToFit) continue;
    const extra = Math.min(spare, Math.max(0, (wants.get(column) ?? 0) - column.width));
    grown.set(column, extra);
    spare -= extra;
  }
  const weights = shown.reduce((sum, c) => sum + (c.flex ?? 0), 0);
  let left = spare;
  const laid = shown.map((column) => {
    const share = column.flex ? Math.floor((spare * column.flex) / weights) : 0;
    left -= share;
    return {column, width: column.width + (grown.get(column) ?? 0) + share};
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
  const wants = new Map<Column<T>, number>();
  for (const column of columns) {
    if (column.growToFit)
      wants.set(column, Math.max(0, ...rows.slice(0, height).map((row) => cellLength(column.cell(row)))));
  }
  const laid = layoutColumns(columns, width, wants);
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
                  {fit(terminalSafe(shown(cell, w)), w, column.align)}
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
