/**
 * Phase timings, to see where a command's time goes: with DOKROLL_TRACE=1 in the environment each
 * mark is one line on stderr, `trace +1234 ms cpu 567 ms LABEL` (milliseconds since the process
 * started, and the CPU time it has used so far). Off by default, and then nothing is written.
 */
import {performance} from 'node:perf_hooks';
import {terminalSafe} from './terminal-text.js';

const enabled = process.env.DOKROLL_TRACE === '1';

/** One mark (labels may carry names from the swarm: written escaped). */
export function traceMark(label: string): void {
  if (!enabled) return;
  const {user, system} = process.cpuUsage();
  const cpuMs = Math.round((user + system) / 1000);
  process.stderr.write(`trace +${Math.round(performance.now())} ms cpu ${cpuMs} ms ${terminalSafe(label)}\n`);
}
