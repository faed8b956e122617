/** Exit codes shared by every headless command (documented in the README). */
export const EXIT = {
  ok: 0,
  failed: 1,
  badInput: 2,
  degraded: 3,
  conflict: 4,
} as const;

/**
 * An error meant for the operator: its message is one clear line, and it carries the exit code the
 * CLI should end with. Anything that is not a DokrollError is a bug and is reported as such.
 */
export class DokrollError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failed,
    readonly code: string = 'error',
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The message of anything thrown: an Error's message, or the value as text. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
