/**
 * Against the real swarm: an operator's `docker service rollback` is a rollback made by another
 * tool, not a failed deployment: audited as such, and what it put back is recorded with that note.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {OPERATOR_ROLLBACK_NOTE, Recorder} from '../../source/services/recorder.js';
import {openHistoryBed, type HistoryBed} from '../support/history-bed.js';
import {createTestService, dockerOk, removeTestServices} from '../support/swarm.js';

let bed: HistoryBed;
beforeAll(async () => {
  bed = await openHistoryBed('operator-rollback');
}, 60_000);
afterAll(async () => {
  await removeTestServices();
  await bed?.close();
}, 120_000);

describe("an operator's docker service rollback", () => {
  it('is audited as a rollback by another tool and recorded as a version with that note, not as a failed deployment', async () => {
    const svc = await createTestService({
      prefix: 'op-rollback',
      health: false,
      publish: false,
      monitorMs: 100,
      env: {STEP: 'one'},
      wait: true,
    });
    const v1 = await bed.record(svc.name);
    await bed.update(svc.name, ['--env-add', 'STEP=two']);
    await bed.record(svc.name);
    await dockerOk(['service', 'rollback', '--quiet', '--detach=false', svc.name], {timeoutMs: 120_000});

    const outcome = await new Recorder(bed.gateway, bed.store).examine(svc.name);
    expect(outcome).toMatchObject({
      created: true,
      row: {number: 3, specHash: v1.specHash, note: OPERATOR_ROLLBACK_NOTE},
    });
    const audit = await bed.store.audit.list({serviceName: svc.name, limit: 20});
    expect(audit.map((entry) => entry.action)).not.toContain('deploy_failed');
    expect(audit.find((entry) => entry.action === 'external_rollback')).toMatchObject({
      actor: 'another tool',
      toVersion: 3,
      result: 'ok',
      detail: expect.stringContaining('rolled back by another tool (docker service rollback)'),
    });
  }, 240_000);
});
