/**
 * The current time, re-read every `intervalMs` while mounted. The console's only clock: views that
 * show ages choose how often they change, so an idle screen writes (almost) nothing.
 */
import {useEffect, useState} from 'react';

export function useNow(intervalMs: number, active = true): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs, active]);
  return now;
}
