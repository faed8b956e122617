import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ensureBuilt} from '../support/built-cli.js';
import {runCli} from '../support/cli.js';
import {openHistoryBed, type HistoryBed} from '../support/history-bed.js';
import {createTestService, startLoad, waitFor} from '../support/swarm.js';

let bed: HistoryBed;
beforeAll(async () => {
  await ensureBuilt();
  bed = await openHistoryBed('rollback-downtime');
}, 240_000);
afterAll(() => bed?.close());

/** Rolls back under load; returns the exit code and what the load saw. */
async function rollbackUnderLoad(service: string, args: string[]) {
  const load = startLoad({service});
  // Let the load settle on the running task first: a few answered requests.
  await waitFor(() => load.progress().ok >= 5, {
    timeoutMs: 10_000,
    intervalMs: 20,
    what: 'the load to reach the running task',
  });
  const result = await runCli(['rollback', service, ...args, '--yes', '--json', '--watch', '1'], {db: bed.db});
  const traffic = await load.stop();
  const verdict = result.json.at(-1);
  console.info(
    `1 replica, rollback ${args.join(' ')}: ${verdict?.durationMs} ms to verdict, ${traffic.ok} ok, ${traffic.failed} failed ` +
      `(${traffic.errors.join('; ') || 'no errors'})`,
  );
  return {result, traffic};
}

describe('zero downtime with a single replica', () => {
  it('stop-first visibly drops requests, start-first (the default) drops none', async () => {
    const svc = await createTestService({
      prefix: 'rb-1rep',
      monitorMs: 200,
      env: {APP_MESSAGE: 'one'},
      order: 'stop-first',
      wait: true,
    });
    await bed.record(svc.name);
    await bed.update(svc.name, ['--env-add', 'APP_MESSAGE=two']);
    await bed.record(svc.name);

    const stopFirst = await rollbackUnderLoad(svc.name, ['--to', 'v1', '--order', 'stop-first']);
    expect(stopFirst.result.code, stopFirst.result.stderr).toBe(0);
    expect(stopFirst.result.json[0]).toMatchObject({type: 'preflight', settings: {order: 'stop-first'}});
    expect(stopFirst.traffic.failed).toBeGreaterThan(0);

    // The version's own update order is stop-first: the rollback still defaults to start-first.
    const startFirst = await rollbackUnderLoad(svc.name, ['--to', 'v2']);
    expect(startFirst.result.code, startFirst.result.stderr).toBe(0);
    expect(startFirst.result.json[0]).toMatchObject({
      type: 'preflight',
      settings: {order: 'start-first', parallelism: 1},
    });
    expect(startFirst.traffic.ok).toBeGreaterThan(20);
    expect(startFirst.traffic.failed).toBe(0);
  }, 240_000);
});
