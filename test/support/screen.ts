/**
 * A tiny terminal screen: applies the escape sequences Ink writes (cursor moves, erases, text,
 * newlines that scroll at the bottom) and shows what a terminal would display. Colours ignored.
 */
export class Screen {
  private rows: string[][];
  private row = 0;
  private col = 0;

  constructor(
    readonly columns: number,
    readonly height: number,
  ) {
    this.rows = Array.from({length: height}, () => this.blank());
  }

  private blank(): string[] {
    return Array.from({length: this.columns}, () => ' ');
  }

  write(data: string): void {
    let i = 0;
    while (i < data.length) {
      const ch = data[i]!;
      if (ch === '\u001b') {
        const csi = /^\u001b\[([?0-9;]*)([A-Za-z])/.exec(data.slice(i));
        if (csi) {
          this.control(csi[1]!, csi[2]!);
          i += csi[0].length;
          continue;
        }
        i += 2; // ESC + one char we do not model
        continue;
      }
      if (ch === '\n') this.newline();
      else if (ch === '\r') this.col = 0;
      else {
        const cp = data.codePointAt(i)!;
        const text = String.fromCodePoint(cp);
        if (this.col < this.columns) this.rows[this.row]![this.col] = text;
        this.col += 1;
        i += text.length;
        continue;
      }
      i += 1;
    }
  }

  private newline(): void {
    this.col = 0;
    if (this.row === this.height - 1) {
      this.rows.shift();
      this.rows.push(this.blank());
    } else {
      this.row += 1;
    }
  }

  private control(params: string, final: string): void {
    if (params.startsWith('?')) return; // modes: alt screen, cursor, synchronized output
    const n = params === '' ? 1 : Number(params.split(';')[0]) || 1;
    switch (final) {
      case 'A':
        this.row = Math.max(0, this.row - n);
        break;
      case 'B':
        this.row = Math.min(this.height - 1, this.row + n);
        break;
      case 'E':
        this.row = Math.min(this.height - 1, this.row + n);
        this.col = 0;
        break;
      case 'G':
        this.col = n - 1;
        break;
      case 'H':
        this.row = 0;
        this.col = 0;
        break;
      case 'J':
        if (params === '2') this.rows = Array.from({length: this.height}, () => this.blank());
        break;
      case 'K':
        if (params === '2') this.rows[this.row] = this.blank();
        else for (let c = this.col; c < this.columns; c++) this.rows[this.row]![c] = ' ';
        break;
      default:
        break; // SGR (m) and anything else: no effect on text
    }
  }

  lines(): string[] {
    return this.rows.map((r) => r.join('').trimEnd());
  }
}
