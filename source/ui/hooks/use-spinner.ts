/** A cli-spinners frame, advancing only while `active`. */
import {useEffect, useState} from 'react';
import spinners from 'cli-spinners';

const SPINNER = spinners.dots;
/**
 * 4 frames a second: ticking text stays at 4 fps or less, so a watch over SSH costs a few hundred
 * bytes a second (each frame rewrites the spinner's line).
 */
export const SPINNER_INTERVAL_MS = Math.max(SPINNER.interval, 250);

/** The spinner frame at `now`, for views that already tick a clock at SPINNER_INTERVAL_MS (one timer, one redraw). */
export const spinnerFrame = (now: number): string =>
  SPINNER.frames[Math.floor(now / SPINNER_INTERVAL_MS) % SPINNER.frames.length]!;

export function useSpinner(active: boolean): string {
  const [frame, setFrame] = useState(0);
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setFrame((f) => (f + 1) % SPINNER.frames.length), SPINNER_INTERVAL_MS);
    return () => clearInterval(timer);
  }, [active]);
  return active ? SPINNER.frames[frame]! : ' ';
}
