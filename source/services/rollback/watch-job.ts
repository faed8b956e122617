/**
 * Watching a job's run after a rollback or redeploy: jobs have no update to converge and their tasks
 * end, so the run is judged by completion (domain/job-verdict.ts): succeeded, or failed with what
 * ended the failed tasks. Watching never changes Swarm.
 */
import type {DockerGateway} from '../../docker/gateway.js';
import {jobVerdict, type JobVerdict} from '../../domain/job-verdict.js';
import type {UpdateBaseline} from './apply.js';
import {pause, pollService} from './watch-rollout.js';

export interface JobWatchResult {
  status: 'succeeded' | 'failed' | 'interrupted';
  reasons: string[];
  errors: string[];
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function describe(verdict: JobVerdict): string {
  if (verdict.status === 'succeeded') return `job completed: ${verdict.succeeded}/${verdict.wanted} succeeded`;
  const failed = verdict.failed ? `, ${plural(verdict.failed, 'task')} failed` : '';
  return `job did not complete: ${verdict.succeeded}/${verdict.wanted} succeeded${failed}`;
}

export async function watchJob(
  gateway: DockerGateway,
  serviceId: string,
  baseline: UpdateBaseline,
  opts: {pollMs: number; timeoutMs: number; signal?: AbortSignal; now: () => number},
): Promise<JobWatchResult> {
  const started = opts.now();
  for (;;) {
    if (opts.signal?.aborted) return {status: 'interrupted', reasons: [], errors: []};
    const poll = await pollService(gateway, serviceId, baseline.versionIndex);
    if (!poll) return {status: 'failed', reasons: ['the service was removed while its job ran'], errors: []};
    const verdict = jobVerdict(poll.service, poll.tasks);
    if (verdict.status !== 'pending') {
      return {status: verdict.status, reasons: [describe(verdict)], errors: verdict.failures};
    }
    if (opts.now() - started > opts.timeoutMs) {
      return {
        status: 'failed',
        reasons: [`${describe(verdict)} within ${Math.round(opts.timeoutMs / 1000)}s`],
        errors: verdict.failures,
      };
    }
    await pause(opts.pollMs, opts.signal);
  }
}
