/**
 * Durations in the config file: a number of milliseconds, or a string of number+unit parts such as
 * "30s", "500ms", "2m", "1h", "1m30s". A bare numeric string ("30") is refused: its unit is a guess.
 * The grammar is Go's (time.ParseDuration), as the docker CLI's --update-delay takes it; kept as our
 * own because the npm duration parsers (ms, parse-duration) read another grammar (days, years,
 * spaces, "1 hour") that docker would not accept.
 */

const UNIT_MS: Record<string, number> = {ms: 1, s: 1000, m: 60_000, h: 3_600_000};

/**
 * The longest duration the Engine keeps: it stores durations as 64-bit nanoseconds (Go's
 * time.Duration, at most 2562047h47m16.854775807s); anything longer is refused before it is sent.
 */
export const MAX_DURATION_MS = 2_562_047 * 3_600_000;
export const MAX_DURATION_TEXT = '2562047h';
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;

/** Milliseconds, or null when the value is not a duration (negative, NaN, unitless string, ...). */
export function parseDuration(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? Math.round(value) : null;
  if (typeof value !== 'string') return null;
  const text = value.trim();
  if (text === '' || text.replace(PART, '') !== '') return null;
  let ms = 0;
  for (const [, amount, unit] of text.matchAll(PART)) ms += Number(amount) * UNIT_MS[unit];
  return Math.round(ms);
}

/** "1m30s" style text for display (whole milliseconds kept when not a round number of seconds). */
export function formatDuration(ms: number): string {
  if (ms % 1000 !== 0 || ms === 0) return `${ms}ms`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = (ms % 60_000) / 1000;
  return [h ? `${h}h` : '', m ? `${m}m` : '', s ? `${s}s` : ''].join('');
}
