/** Waits for an Ink frame to show (or stop showing) some text, in the manner of Shopify cli-kit's testing utilities. */

const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;

export const stripAnsi = (text: string): string => text.replace(ANSI, '');

type Match = string | RegExp | ((frame: string) => boolean);

const matches = (frame: string, match: Match): boolean =>
  typeof match === 'string' ? frame.includes(match) : match instanceof RegExp ? match.test(frame) : match(frame);

async function poll(
  lastFrame: () => string | undefined,
  ok: (frame: string) => boolean,
  what: string,
  timeoutMs: number,
): Promise<string> {
  const started = Date.now();
  for (;;) {
    const frame = stripAnsi(lastFrame() ?? '');
    if (ok(frame)) return frame;
    if (Date.now() - started > timeoutMs) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}. Last frame:\n${frame}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Resolves with the (ANSI-stripped) frame once it contains `text`. */
export function waitForText(lastFrame: () => string | undefined, text: Match, timeoutMs = 5000): Promise<string> {
  return poll(lastFrame, (frame) => matches(frame, text), `${String(text)} to appear`, timeoutMs);
}

/** Resolves with the frame once it no longer contains `text`. */
export function waitForNoText(lastFrame: () => string | undefined, text: Match, timeoutMs = 5000): Promise<string> {
  return poll(lastFrame, (frame) => !matches(frame, text), `${String(text)} to disappear`, timeoutMs);
}
