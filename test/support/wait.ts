/** Polling for integration tests. */
import {errorText} from '../../source/shared/errors.js';

export interface WaitForOptions {
  /** Give up after this long (default 30 s). */
  timeoutMs?: number;
  /** Pause between attempts (default 200 ms). */
  intervalMs?: number;
  /** Names what is awaited, for the timeout message. */
  what: string;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Calls `fn` until it returns a truthy value and returns that value. Errors thrown by `fn` count as
 * "not yet"; the last one (or the last falsy value) is quoted in the timeout error.
 */
export async function waitFor<T>(
  fn: () => T | Promise<T>,
  {timeoutMs = 30_000, intervalMs = 200, what}: WaitForOptions,
): Promise<NonNullable<T>> {
  const started = Date.now();
  let last: string;
  for (;;) {
    try {
      const value = await fn();
      if (value) return value as NonNullable<T>;
      last = `last value: ${describe(value)}`;
    } catch (error) {
      last = `last error: ${errorText(error)}`;
    }
    const waited = Date.now() - started;
    if (waited >= timeoutMs) {
      throw new Error(`Timed out after ${waited} ms waiting for ${what} (${last})`);
    }
    await sleep(Math.min(intervalMs, Math.max(0, timeoutMs - waited)));
  }
}

function describe(value: unknown): string {
  try {
    const text = JSON.stringify(value);
    return text === undefined ? String(value) : text.slice(0, 300);
  } catch {
    return String(value);
  }
}
