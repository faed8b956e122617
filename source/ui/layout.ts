/** The screen budget: how the frame's `rows - 1` lines are shared. */
import type {TerminalSize} from './hooks/use-terminal-size.js';

export const MIN_SIZE: TerminalSize = {columns: 60, rows: 15};
export const HEADER_LINES = 1;
export const FOOTER_LINES = 2;

export function tooSmall(size: TerminalSize): boolean {
  return size.columns < MIN_SIZE.columns || size.rows < MIN_SIZE.rows;
}

/** Never `rows` lines: a frame as tall as the terminal makes Ink clear the screen on every frame. */
export const frameHeight = (size: TerminalSize): number => Math.max(1, size.rows - 1);

/** `footerLines`: more than FOOTER_LINES while the footer shows a value whole (a copied digest). */
export const bodyHeight = (size: TerminalSize, footerLines = FOOTER_LINES): number =>
  frameHeight(size) - HEADER_LINES - footerLines;
