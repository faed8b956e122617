/**
 * The stdout handed to Ink, with one correction for Ink 6.8's incremental renderer.
 *
 * When a frame is shorter than the terminal (ours is `rows - 1` lines, so Ink never clears the
 * screen per frame), Ink writes it with a trailing newline and the cursor ends up on the line BELOW
 * the frame. Its next incremental update then moves up one line too few (`cursorUp(lines - 1)`), so
 * every update lands one row low and the screen drifts. The update that has this shape is the only
 * Ink write that starts with a cursor-up followed by a line move or column-0 move; adding the
 * missing row there puts every update back on the frame. (The shrink path, which starts with an
 * erase, already counts right.)
 */

// cursorUp(n) then cursorNextLine (ESC[E) or cursorTo(0) (ESC[1G / ESC[G)
const UPDATE_START = /^\u001b\[(\d+)A(?=\u001b\[E|\u001b\[1?G)/;

export function fixIncrementalUpdate(chunk: string): string {
  const match = UPDATE_START.exec(chunk);
  if (!match) return chunk;
  return `\u001b[${Number(match[1]) + 1}A${chunk.slice(match[0].length)}`;
}

/** A view of `stdout` whose writes pass through fixIncrementalUpdate; everything else is stdout's. */
export function inkStdout(stdout: NodeJS.WriteStream): NodeJS.WriteStream {
  const write = (chunk: unknown, ...rest: unknown[]): boolean =>
    (stdout.write as (...args: unknown[]) => boolean)(
      typeof chunk === 'string' ? fixIncrementalUpdate(chunk) : chunk,
      ...rest,
    );
  return new Proxy(stdout, {
    get(target, property) {
      if (property === 'write') return write;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
