/**
 * Vitest global setup: brings the test bed up once per run (scripts/testbed.sh) and removes test
 * services left over from runs that died (label dokroll.test=1, created more than 30 minutes ago),
 * and rollback tags of fixture images whose service is gone (rollback-tags.ts).
 * DOKROLL_SKIP_TESTBED=1 skips both, for runs that need no daemon (unit tests only).
 * The teardown removes the multi-node beds (nodes.ts, nodes-script.ts) that test files of this run brought up.
 */
import {sweepStaleTestServices} from './cleanup.js';
import {sweepRollbackTags} from './rollback-tags.js';
import {tearDownOwnedBeds} from './nodes-script.js';
import {runTestbedScript} from './testbed.js';

export default async function setup(): Promise<(() => Promise<void>) | void> {
  if (process.env.DOKROLL_SKIP_TESTBED === '1') return;
  const runId = `run-${process.pid}-${Date.now()}`;
  process.env.DOKROLL_RUN_ID = runId;
  const run = await runTestbedScript();
  process.env.DOKROLL_TESTBED_READY = '1';
  if (process.env.DOKROLL_TESTBED_VERBOSE === '1') process.stderr.write(run.stderr);
  const removed = await sweepStaleTestServices();
  if (removed.length > 0) {
    process.stderr.write(`removed ${removed.length} stale test service(s): ${removed.join(', ')}\n`);
  }
  await sweepRollbackTags();
  return () => tearDownOwnedBeds(runId);
}
