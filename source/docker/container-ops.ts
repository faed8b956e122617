/** What a task's container says about how it ended: its health check's last result and exit code. */
import {ContainerHealthSchema} from './engine-schemas.js';
import type {GatewayCore} from './image-ops.js';
import {parsePayload} from './schemas.js';

export interface ContainerHealthDetail {
  /** starting, healthy, unhealthy; null without a health check. */
  health: string | null;
  /** Output of the last health check (trimmed, one line), if any. */
  lastCheckOutput: string | null;
  lastCheckExitCode: number | null;
  /** Health checks failed in a row (Docker's FailingStreak); null without a health check. */
  failingStreak: number | null;
  /** The health checks' recent outputs (one line each, oldest first; Docker keeps the last five). */
  checkOutputs: string[];
  exitCode: number | null;
}

/** Health detail of a container, running or stopped; null when it no longer exists. */
export async function containerHealthDetail(
  core: GatewayCore,
  containerId: string,
): Promise<ContainerHealthDetail | null> {
  try {
    const raw = await core.call(() => core.docker.getContainer(containerId).inspect());
    const state = parsePayload(ContainerHealthSchema, 'container', raw).State;
    const last = state?.Health?.Log?.at(-1);
    const output = last?.Output?.replace(/\s+/g, ' ').trim();
    return {
      health: state?.Health?.Status ?? null,
      lastCheckOutput: output ? output.slice(0, 200) : null,
      lastCheckExitCode: last?.ExitCode ?? null,
      failingStreak: state?.Health?.FailingStreak ?? null,
      checkOutputs: (state?.Health?.Log ?? []).map(
        (entry) => `exit ${entry.ExitCode ?? '?'}: ${(entry.Output ?? '').replace(/\s+/g, ' ').trim().slice(0, 200)}`,
      ),
      exitCode: state?.ExitCode ?? null,
    };
  } catch (err) {
    if ((err as {statusCode?: number}).statusCode === 404) return null;
    throw err;
  }
}
