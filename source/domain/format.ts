/** Human display forms for sizes, durations and ages (diffs, history rows, progress). */

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

/** Trims a number to at most `digits` decimals without trailing zeros: 1.50 -> "1.5", 2.00 -> "2". */
export function trimNumber(value: number, digits = 2): string {
  return String(Number(value.toFixed(digits)));
}

/** Binary sizes as Docker prints limits: 268435456 -> "256MiB", 1610612736 -> "1.5GiB", 512 -> "512B". */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return String(bytes);
  const sign = bytes < 0 ? '-' : '';
  let value = Math.abs(bytes);
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${sign}${trimNumber(value)}${BYTE_UNITS[unit]}`;
}

/** CPUs as a plain number: 0.5, 2, 0.25. */
export function formatCpus(cpus: number): string {
  return trimNumber(cpus, 3);
}

/**
 * A duration written the way Docker's flags accept it: "250ms", "5s", "1.5s", "1m30s", "2h",
 * "1h0m5s". Sub-millisecond values (specs are in nanoseconds) show as "500µs".
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms < 0) return `-${formatDuration(-ms)}`;
  if (ms === 0) return '0s';
  if (ms < 1) return `${trimNumber(ms * 1000, 0)}µs`;
  if (ms < 1000) return `${trimNumber(ms, 3)}ms`;
  if (ms < 60_000) return `${trimNumber(ms / 1000, 3)}s`;
  const totalSeconds = ms / 1000;
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds - hours * 3600) / 60);
  const seconds = Number((totalSeconds - hours * 3600 - minutes * 60).toFixed(3));
  const secondsText = seconds === 0 ? '' : `${trimNumber(seconds, 3)}s`;
  if (hours === 0) return `${minutes}m${secondsText}`;
  if (minutes === 0 && seconds === 0) return `${hours}h`;
  return `${hours}h${minutes}m${secondsText}`;
}

/**
 * How long ago `from` was at `now`, in one unit: "12s", "5m", "3h", "2d". Accepts epoch ms or Dates;
 * a `from` in the future (clock skew) reads "0s".
 */
export function formatAge(from: number | Date, now: number | Date): string {
  const start = typeof from === 'number' ? from : from.getTime();
  const end = typeof now === 'number' ? now : now.getTime();
  const seconds = Math.max(0, Math.floor((end - start) / 1000));
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours}h`;
  return `${Math.floor(hours / 24)}d`;
}

/** Nanoseconds (Swarm's duration unit) to milliseconds; absent stays null. */
export function nsToMs(ns: number | undefined | null): number | null {
  return ns === undefined || ns === null ? null : ns / 1e6;
}
