/**
 * Newline-delimited JSON over a byte stream (the event stream, push / pull progress): a chunk may
 * hold half a line, several lines, or split a multi-byte character.
 */
import {StringDecoder} from 'node:string_decoder';
import {PayloadError} from './schemas.js';

export interface LineSplitter {
  /** Complete, non-empty lines (without `\r\n` / `\n`) finished by this chunk. */
  push(chunk: Buffer | string): string[];
  /** Whatever is left once the stream has ended (a last line without a newline). */
  flush(): string[];
}

export function createLineSplitter(): LineSplitter {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  const complete = (text: string): string[] => {
    pending += text;
    const parts = pending.split('\n');
    pending = parts.pop() ?? '';
    return parts.map((line) => line.replace(/\r$/, '')).filter((line) => line.trim() !== '');
  };
  return {
    push: (chunk) => complete(typeof chunk === 'string' ? chunk : decoder.write(chunk)),
    flush: () => {
      const rest = (pending + decoder.end()).replace(/\r$/, '');
      pending = '';
      return rest.trim() === '' ? [] : [rest];
    },
  };
}

/** JSON.parse that fails with a PayloadError naming the stream and quoting the line. */
export function parseJsonLine(line: string, what: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    const excerpt = line.length > 80 ? `${line.slice(0, 80)}…` : line;
    throw new PayloadError(what, `a line is not JSON: ${excerpt}`);
  }
}
