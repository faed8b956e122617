/** Short display forms for the console's narrow columns (ages and durations: domain/format.ts). */
import {formatDuration} from '../domain/format.js';

export {formatAge} from '../domain/format.js';

/** Whole seconds, for elapsed time and ETA: "12s", "1m5s". */
export const formatElapsed = (ms: number): string => formatDuration(Math.max(0, Math.round(ms / 1000)) * 1000);

/**
 * An image reference as people read it: registry host dropped when it is Docker Hub, `library/`
 * dropped, a digest cut to 12 hex characters ("app:1.2@sha256:3f2a9c1d0b7e"); a bare image ID as
 * "sha256:3f2a9c1d0b7e".
 */
export function shortenImage(ref: string): string {
  let image = ref.trim();
  image = image.replace(/^(docker\.io|index\.docker\.io|registry-1\.docker\.io)\//, '');
  image = image.replace(/^library\//, '');
  return image.replace(/sha256:([0-9a-f]{12})[0-9a-f]*/g, 'sha256:$1');
}

/** The first 12 characters of an ID, as docker prints them. */
export const shortId = (id: string | undefined): string => (id ? id.slice(0, 12) : '');

/** Cuts to `width` display columns with an ellipsis. Assumes single-column characters. */
export function clip(text: string, width: number): string {
  const chars = [...text];
  if (chars.length <= width) return text;
  if (width <= 1) return chars.slice(0, Math.max(0, width)).join('');
  return `${chars.slice(0, width - 1).join('')}…`;
}

/** Cuts to `width` display columns keeping the end (`…ulti-n1`): names that differ at their end stay told apart. */
export function clipStart(text: string, width: number): string {
  const chars = [...text];
  if (chars.length <= width) return text;
  if (width <= 1) return chars.slice(chars.length - Math.max(0, width)).join('');
  return `…${chars.slice(chars.length - (width - 1)).join('')}`;
}

/** Pads or cuts to exactly `width` columns. */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const clipped = clip(text, width);
  const pad = ' '.repeat(Math.max(0, width - [...clipped].length));
  return align === 'left' ? clipped + pad : pad + clipped;
}

/** Display lines a text takes when wrapped at `width` (a line is at least one). */
export const wrappedHeight = (text: string, width: number): number =>
  Math.max(1, Math.ceil([...text].length / Math.max(1, width)));

/** A text cut into lines of exactly `width` columns (the last shorter): a value shown whole, wrapped anywhere. */
export function chunkLines(text: string, width: number): string[] {
  const chars = [...text];
  const w = Math.max(1, width);
  const lines: string[] = [];
  for (let i = 0; i < chars.length; i += w) lines.push(chars.slice(i, i + w).join(''));
  return lines.length > 0 ? lines : [''];
}

/** A text wrapped at spaces into lines of at most `width` columns (a word longer than a line is cut anywhere): shown whole. */
export function wrapLines(text: string, width: number): string[] {
  const w = Math.max(1, width);
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const candidate = line === '' ? word : `${line} ${word}`;
    if ([...candidate].length <= w) {
      line = candidate;
      continue;
    }
    if (line !== '') lines.push(line);
    const pieces = chunkLines(word, w);
    line = pieces.pop() ?? '';
    lines.push(...pieces);
  }
  lines.push(line);
  return lines;
}
