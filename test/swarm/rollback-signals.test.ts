/**
 * SIGTERM and SIGHUP (an SSH connection dropped) stop a rollback's watch the way Ctrl-C does: the run
 * stays open in the journal, the `--resume` hint is printed, and the exit code names the signal.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {findInFlight} from '../../source/services/rollback/journal.js';
import {ensureBuilt} from '../support/built-cli.js';
import {startCli} from '../support/cli.js';
import {openHistoryBed, type HistoryBed} from '../support/history-bed.js';
import {createTestService} from '../support/swarm.js';

let bed: HistoryBed;
beforeAll(async () => {
  await ensureBuilt();
  bed = await openHistoryBed('rollback-signals');
}, 240_000);
afterAll(() => bed?.close());

async function interruptedBy(signal: 'SIGTERM' | 'SIGHUP') {
  const svc = await createTestService({
    prefix: `rb-${signal.toLowerCase()}`,
    monitorMs: 200,
    replicas: 2,
    health: false,
    env: {APP_MESSAGE: 'one'},
    wait: true,
  });
  await bed.record(svc.name);
  await bed.update(svc.name, ['--env-add', 'APP_MESSAGE=two']);
  await bed.record(svc.name);
  const run = startCli(['rollback', svc.name, '--to', 'v1', '--yes', '--json', '--delay', '2s'], {db: bed.db});
  await run.waitForJson((line) => line.type === 'progress' && line.phase === 'updating', 120_000);
  run.child.kill(signal);
  return {svc, result: await run.result};
}

describe('signals to a running rollback', () => {
  it('SIGTERM and SIGHUP stop watching like Ctrl-C: --resume hint, the run left open in the journal, exit 143 and 129', async () => {
    const term = await interruptedBy('SIGTERM');
    const hup = await interruptedBy('SIGHUP');
    for (const [{svc, result}, code] of [
      [term, 143],
      [hup, 129],
    ] as const) {
      expect(result.signal, result.stderr).toBeNull();
      expect(result.code, result.stderr).toBe(code);
      expect(result.json.at(-1)).toMatchObject({
        type: 'interrupted',
        resume: `dokroll-tui rollback ${svc.name} --resume`,
      });
      expect(result.stderr).toContain(`Reattach with: dokroll-tui rollback ${svc.name} --resume`);
      expect(await findInFlight(bed.store, svc.name)).toMatchObject({kind: 'rollback', toVersion: 1});
    }
  }, 300_000);
});
