/**
 * Whole-screen redraws. After the terminal is resized it may keep rows of the old frame or wrap its
 * long lines (and a resize there and back again leaves the size as it was while the screen is not),
 * but Ink's incremental renderer only rewrites the lines it thinks changed. So every resize signal,
 * and Ctrl-L, clears the screen and writes the frame whole, once Ink has rendered the frame for the
 * new size.
 */
import {useCallback, useEffect, useReducer, useRef} from 'react';
import {useStdout} from 'ink';

/** Cursor home, erase the whole screen. */
export const CLEAR_SCREEN = '\u001b[H\u001b[2J';

/**
 * How long after the request the screen is redrawn: past Ink's frame-rate throttle (34 ms at the
 * console's 30 fps), so that the frame written is the one rendered for the new size.
 */
export const REDRAW_DELAY_MS = 50;

/** Redraws on every resize signal; returns the function that asks for a redraw (Ctrl-L). */
export function useRedraw(): () => void {
  const {stdout, write} = useStdout();
  const [requests, request] = useReducer((n: number) => n + 1, 0);
  const writeRef = useRef(write);
  writeRef.current = write;
  useEffect(() => {
    stdout.on('resize', request);
    return () => {
      stdout.off('resize', request);
    };
  }, [stdout]);
  useEffect(() => {
    // Only a terminal has a screen to redraw (Ink keeps no frame to write back otherwise).
    if (requests === 0 || !stdout.isTTY) return;
    // Ink's write forgets the frame on screen, writes this, then writes its last frame whole.
    const timer = setTimeout(() => writeRef.current(CLEAR_SCREEN), REDRAW_DELAY_MS);
    return () => clearTimeout(timer);
  }, [requests, stdout]);
  return useCallback(() => request(), []);
}
