/** Runs scripts/testbed-nodes.sh (the multi-node test bed); no vitest import, so the global setup can use it. */
import {execFile} from 'node:child_process';
import path from 'node:path';
import {REPO_ROOT} from './testbed.js';

export const NODES_SCRIPT = path.join(REPO_ROOT, 'scripts', 'testbed-nodes.sh');

export function runNodesScript(args: string[], timeoutMs = 300_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'bash',
      [NODES_SCRIPT, ...args],
      {timeout: timeoutMs, maxBuffer: 4 * 1024 * 1024},
      (error, stdout, stderr) => {
        if (error) reject(new Error(`testbed-nodes.sh ${args.join(' ')} failed: ${error.message}\n${stderr}`));
        else resolve(stdout);
      },
    );
  });
}

/** Removes the beds this run built (global teardown); DOKROLL_NODES_KEEP=1 keeps them for the next run. */
export async function tearDownOwnedBeds(runId: string): Promise<void> {
  if (process.env.DOKROLL_NODES_KEEP === '1') return;
  await runNodesScript(['down', '--all', '--owner', runId], 120_000);
}
