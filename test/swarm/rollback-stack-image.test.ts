/**
 * Against the real swarm: a rollback of a stack's service keeps `com.docker.stack.image` naming the
 * image it deploys, so a later `docker stack deploy --resolve-image changed` updates the image when
 * the compose file names another one (instead of silently keeping the rolled-back one).
 */
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ensureBuilt} from '../support/built-cli.js';
import {runCli} from '../support/cli.js';
import {openHistoryBed, type HistoryBed} from '../support/history-bed.js';
import {docker, dockerOk, testbed, uniqueName, waitFor} from '../support/swarm.js';

const LABEL = 'com.docker.stack.image';
const stack = uniqueName('stk');
const service = `${stack}_web`;
const dir = mkdtempSync(path.join(os.tmpdir(), 'dokroll-stack-'));
let bed: HistoryBed;

beforeAll(async () => {
  await ensureBuilt();
  bed = await openHistoryBed('stack-image');
}, 240_000);
afterAll(async () => {
  await docker(['stack', 'rm', stack]);
  await bed?.close();
  rmSync(dir, {recursive: true, force: true});
}, 120_000);

/** `docker stack deploy --resolve-image changed` of a compose file whose web service runs `tag`. */
async function deploy(tag: 'v1' | 'v2'): Promise<void> {
  const file = path.join(dir, 'compose.yaml');
  writeFileSync(
    file,
    [
      "version: '3.8'",
      'services:',
      '  web:',
      `    image: ${testbed.fixtureRepo}:${tag}`,
      '    deploy:',
      '      labels:',
      `        ${testbed.serviceLabel}: "1"`,
      '      update_config:',
      '        monitor: 100ms',
      '',
    ].join('\n'),
  );
  await dockerOk(['stack', 'deploy', '--resolve-image', 'changed', '-c', file, stack], {timeoutMs: 120_000});
}

async function running(tag: 'v1' | 'v2'): Promise<void> {
  const id = (await dockerOk(['image', 'inspect', '-f', '{{.Id}}', `${testbed.fixtureRepo}:${tag}`])).trim();
  await waitFor(
    async () => {
      const tasks = await bed.gateway.listTasks([(await bed.gateway.inspectService(service)).ID]);
      const current = tasks.filter((t) => t.DesiredState === 'running' && t.Status.State === 'running');
      const image = current[0]?.Spec?.ContainerSpec?.Image ?? '';
      const resolved = image.startsWith('sha256:')
        ? image
        : (await dockerOk(['image', 'inspect', '-f', '{{.Id}}', image])).trim();
      return current.length === 1 && tasks.filter((t) => t.DesiredState === 'running').length === 1 && resolved === id;
    },
    {timeoutMs: 120_000, what: `${service} running ${tag}`},
  );
}

describe("a rollback of a stack's service", () => {
  it('keeps the stack image label naming the deployed image after --image-only and --config-only, so stack deploy --resolve-image changed acts', async () => {
    await deploy('v1');
    await running('v1');
    await bed.record(service);
    await deploy('v2');
    await running('v2');
    await bed.record(service);

    const imageOnly = await runCli(['rollback', service, '--to', 'v1', '--image-only', '--yes', '--watch', '1'], {
      db: bed.db,
      timeoutMs: 180_000,
    });
    expect(imageOnly.code, imageOnly.stderr + imageOnly.stdout).toBe(0);
    expect((await bed.gateway.inspectService(service)).Spec.Labels?.[LABEL]).toBe(`${testbed.fixtureRepo}:v1`);
    // The compose file names v2, the label v1: the stack deploy updates the image.
    await deploy('v2');
    await running('v2');

    const configOnly = await runCli(['rollback', service, '--to', 'v1', '--config-only', '--yes', '--watch', '1'], {
      db: bed.db,
      timeoutMs: 180_000,
    });
    expect(configOnly.code, configOnly.stderr + configOnly.stdout).toBe(0);
    expect((await bed.gateway.inspectService(service)).Spec.Labels?.[LABEL]).toBe(`${testbed.fixtureRepo}:v2`);
    await deploy('v1');
    await running('v1');
  }, 480_000);
});
