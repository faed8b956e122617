/**
 * Against the real swarm: every field that changes between versions shows in `diff` (text and
 * --json), in history's CHANGES and in the rollback pre-flight; sub-fields show as changes of their
 * mount, network or secret; networks by name; a secret created again under the same name warns.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ensureBuilt} from '../support/built-cli.js';
import {runCli} from '../support/cli.js';
import {openHistoryBed, type HistoryBed} from '../support/history-bed.js';
import {createTestService, docker, dockerOk, removeTestServices, uniqueName} from '../support/swarm.js';

let bed: HistoryBed;
const networks = [uniqueName('dc-net-a'), uniqueName('dc-net-b')];
const secrets = [uniqueName('dc-sec'), uniqueName('dc-sec-other')];

beforeAll(async () => {
  await ensureBuilt();
  bed = await openHistoryBed('diff-complete');
  for (const name of networks) await dockerOk(['network', 'create', '--driver', 'overlay', name]);
  for (const name of secrets) await dockerOk(['secret', 'create', name, '-'], {input: `content of ${name}`});
}, 240_000);

afterAll(async () => {
  await removeTestServices();
  for (const name of secrets) await docker(['secret', 'rm', name]);
  for (const name of networks) await docker(['network', 'rm', name]);
  await bed?.close();
}, 120_000);

type JsonChange = {kind: string; key: string; old: string | null; new: string | null; secret?: boolean};
type JsonDiff = {changed: boolean; sections: {section: string; changes: JsonChange[]}[]};

async function diffJson(service: string, from: string, to: string): Promise<JsonDiff> {
  const result = await runCli(['diff', service, from, to, '--json'], {db: bed.db});
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as JsonDiff;
}
const changesOf = (diff: JsonDiff, section: string) => diff.sections.find((s) => s.section === section)?.changes ?? [];

describe('a diff shows every field that changed', () => {
  let service: string;
  beforeAll(async () => {
    service = (
      await createTestService({
        prefix: 'diff-all',
        env: {DB_PASSWORD: 'hunter2'},
        health: false,
        publish: false,
        args: [
          '--network',
          `name=${networks[0]},alias=first`,
          '--secret',
          `source=${secrets[0]},target=app_secret,mode=0400`,
          '--mount',
          'type=tmpfs,dst=/scratch,tmpfs-size=64M',
          '--user',
          '0',
          '--hostname',
          'web',
        ],
        wait: true,
      })
    ).name;
    await bed.record(service);
    // v2: only fields outside the named sections (and a secret env value).
    await bed.update(service, [
      '--user',
      '0:0',
      '--hostname',
      'web2',
      '--cap-add',
      'CAP_NET_ADMIN',
      '--dns-add',
      '9.9.9.9',
      '--restart-condition',
      'on-failure',
      '--log-driver',
      'json-file',
      '--log-opt',
      'max-size=10m',
      '--env-add',
      'DB_PASSWORD=hunter3',
    ]);
    await bed.record(service);
    // v3: sub-fields of a mount, a secret and a network, and one more network.
    await bed.update(service, [
      '--mount-add',
      'type=tmpfs,dst=/scratch,tmpfs-size=128M',
      '--secret-rm',
      secrets[0]!,
      '--secret-add',
      `source=${secrets[0]},target=app_secret,mode=0440`,
      '--network-rm',
      networks[0]!,
      '--network-add',
      `name=${networks[0]},alias=second`,
      '--network-add',
      networks[1]!,
    ]);
    await bed.record(service);
  }, 240_000);

  it('lists user, hostname, capabilities, DNS, restart policy and log options by their path, in text and --json', async () => {
    const json = await diffJson(service, 'v1', 'v2');
    expect(json.changed).toBe(true);
    const other = changesOf(json, 'other');
    expect(other).toEqual(
      expect.arrayContaining([
        {kind: 'changed', key: 'TaskTemplate.ContainerSpec.User', old: '0', new: '0:0'},
        {kind: 'changed', key: 'TaskTemplate.ContainerSpec.Hostname', old: 'web', new: 'web2'},
        {kind: 'added', key: 'TaskTemplate.ContainerSpec.CapabilityAdd', old: null, new: 'CAP_NET_ADMIN'},
        {kind: 'added', key: 'TaskTemplate.ContainerSpec.DNSConfig.Nameservers', old: null, new: '9.9.9.9'},
        expect.objectContaining({key: 'TaskTemplate.RestartPolicy.Condition', new: 'on-failure'}),
        expect.objectContaining({key: 'TaskTemplate.LogDriver.Options.max-size', new: '10m'}),
      ]),
    );
    expect(changesOf(json, 'env')).toEqual([
      {kind: 'changed', key: 'DB_PASSWORD', old: '********', new: '********', secret: true},
    ]);

    const text = await runCli(['diff', service, 'v1', 'v2'], {db: bed.db});
    expect(text.stdout).toContain('Other fields');
    expect(text.stdout).toContain('~ TaskTemplate.ContainerSpec.User: 0 → 0:0');
    expect(text.stdout).not.toContain('hunter');
  });

  it('history CHANGES names the change of a version that changed only such fields', async () => {
    const result = await runCli(['history', service, '--json'], {db: bed.db});
    const rows = JSON.parse(result.stdout) as {version: number; changes: string}[];
    expect(rows.find((row) => row.version === 2)?.changes).toMatch(/^env ~1; other \+\d+ ~2$/);
  });

  it('shows tmpfs size, secret file mode and network alias as changes of their mount, secret and network, networks by name', async () => {
    const json = await diffJson(service, 'v2', 'v3');
    expect(changesOf(json, 'mounts')).toEqual([
      {
        kind: 'changed',
        key: '/scratch',
        old: expect.stringContaining('size=64MiB'),
        new: expect.stringContaining('size=128MiB'),
      },
    ]);
    expect(changesOf(json, 'secrets')).toEqual([
      {
        kind: 'changed',
        key: 'app_secret',
        old: expect.stringContaining('mode=0400'),
        new: expect.stringContaining('mode=0440'),
      },
    ]);
    expect(changesOf(json, 'networks')).toEqual([
      {
        kind: 'changed',
        key: networks[0],
        old: expect.stringContaining('aliases=first'),
        new: expect.stringContaining('aliases=second'),
      },
      {kind: 'added', key: networks[1], old: null, new: networks[1]},
    ]);
  });

  it('the rollback pre-flight lists the same changes, networks by name', async () => {
    const result = await runCli(['rollback', service, '--to', 'v1', '--dry-run', '--json'], {db: bed.db});
    expect(result.code, result.stderr + result.stdout).toBe(0);
    const preflight = result.json[0] as {diff: JsonDiff; warnings: string[]};
    const sections = preflight.diff.sections.map((s) => s.section);
    expect(sections).toEqual(expect.arrayContaining(['env', 'secrets', 'mounts', 'networks', 'other']));
    expect(changesOf(preflight.diff, 'other')).toEqual(
      expect.arrayContaining([{kind: 'changed', key: 'TaskTemplate.ContainerSpec.User', old: '0:0', new: '0'}]),
    );
    expect(
      changesOf(preflight.diff, 'networks')
        .map((c) => c.key)
        .sort(),
    ).toEqual([...networks].sort());
    expect(preflight.warnings).toEqual([]);
    const text = await runCli(['rollback', service, '--to', 'v1', '--dry-run'], {db: bed.db});
    expect(text.stdout).toContain(`~ ${networks[0]}: ${networks[0]} aliases=second → ${networks[0]} aliases=first`);
  });
});

describe('a secret created again under the same name', () => {
  it("makes the pre-flight warn that its ID differs from the version's, in text and --json", async () => {
    const [secret, other] = secrets as [string, string];
    const name = `${secret}-again`;
    await dockerOk(['secret', 'create', name, '-'], {input: 'first content'});
    secrets.push(name);
    const svc = await createTestService({
      prefix: 'diff-sec',
      health: false,
      publish: false,
      args: ['--secret', `source=${name},target=token`],
      wait: true,
    });
    await bed.record(svc.name);
    await bed.update(svc.name, ['--secret-rm', name, '--secret-add', `source=${other},target=token`]);
    await bed.record(svc.name);
    await dockerOk(['secret', 'rm', name]);
    await dockerOk(['secret', 'create', name, '-'], {input: 'other content'});

    const result = await runCli(['rollback', svc.name, '--to', 'v1', '--dry-run', '--json'], {db: bed.db});
    expect(result.code, result.stderr + result.stdout).toBe(0);
    const preflight = result.json[0] as {ok: boolean; warnings: string[]};
    expect(preflight.ok).toBe(true);
    expect(preflight.warnings).toEqual([
      expect.stringMatching(
        new RegExp(`^secret '${name}' was created again since v1 was recorded: its ID \\w+ differs`),
      ),
    ]);
    const text = await runCli(['rollback', svc.name, '--to', 'v1', '--dry-run'], {db: bed.db});
    expect(text.stdout).toMatch(new RegExp(`warning: secret '${name}' was created again`));
  }, 120_000);
});
