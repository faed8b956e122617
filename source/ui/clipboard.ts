/**
 * `y` copies with OSC 52 (`ESC ] 52 ; c ; BASE64 BEL`): the terminal emulator puts the text on the
 * system clipboard, over SSH and through tmux (`set-clipboard on`) too. The sequence is written to
 * the terminal directly, never through Ink's text (which would show it escaped); the base64 payload
 * holds no control character, whatever the copied value holds.
 */
import {useCallback} from 'react';
import {useStdout} from 'ink';

/** The OSC 52 sequence that sets the clipboard (`c`) to `text` (UTF-8). */
export function osc52(text: string): string {
  return `\u001b]52;c;${Buffer.from(text, 'utf8').toString('base64')}\u0007`;
}

/** Writes the clipboard sequence to the terminal; off a terminal (tests, pipes) nothing is written. */
export function useClipboard(): (text: string) => void {
  const {stdout} = useStdout();
  return useCallback(
    (text: string) => {
      if (stdout.isTTY) stdout.write(osc52(text));
    },
    [stdout],
  );
}
