/** A cli-spinners frame, advancing only while `active`. */
import {useEffect, useState} from 'react';
import spinners from 'cli-spinners';

const SPINNER = spinners.dots;
/** 10 frames a second: smooth enough, and a third of the renderer's frame rate cap (30 fps). */
const INTERVAL = Math.max(SPINNER.interval, 100);

export function useSpinner(active: boolean): string {
  const [frame, setFrame] = useState(0);
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setFrame((f) => (f + 1) % SPINNER.frames.length), INTERVAL);
    return () => clearInterval(timer);
  }, [active]);
  return active ? SPINNER.frames[frame]! : ' ';
}
