/**
 * Plain-text tables for headless output: columns padded to the widest cell, two spaces apart, no
 * colour, no cursor tricks — the layout of the docker CLI's own tables (Go's text/tabwriter), so
 * `awk`/`cut` scripts written for `docker service ls` work on ours. Kept as our own: the table
 * libraries (cli-table3, columnify) draw borders or wrap cells, which is not that layout.
 */
import {terminalSafe} from '../shared/terminal-text.js';

export function renderTable(header: string[], untrusted: string[][], maxWidth?: number): string[] {
  // Cells escaped before measuring, so that columns line up with what is shown.
  const rows = untrusted.map((row) => row.map(terminalSafe));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const lines = [line(header), ...rows.map(line)];
  return maxWidth ? lines.map((l) => (l.length > maxWidth ? `${l.slice(0, maxWidth - 1)}…` : l)) : lines;
}
