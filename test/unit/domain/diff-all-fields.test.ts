/**
 * The diff is complete: a spec with every field of the Engine's ServiceSpec (API 1.41) set is
 * changed one field at a time and all at once, and no change is lost, in text or in --json.
 */
import {describe, expect, it} from 'vitest';
import {jsonDiff, renderDiffLines} from '../../../source/cli/commands/diff.js';
import type {ServiceSpec} from '../../../source/docker/schemas.js';
import {SECTION_NAMES, diffSnapshots, type SnapshotDiff} from '../../../source/domain/diff.js';
import {MASK} from '../../../source/domain/secrets.js';

const SHA = `sha256:${'a'.repeat(64)}`;
const healthcheck = {
  Test: ['CMD', 'true'],
  Interval: 1e9,
  Timeout: 2e9,
  Retries: 3,
  StartPeriod: 5e9,
  StartInterval: 1e8,
};
const updateConfig = {
  Parallelism: 1,
  Delay: 1e9,
  FailureAction: 'pause',
  Monitor: 5e9,
  MaxFailureRatio: 0.1,
  Order: 'stop-first',
};

/** Every field of ServiceSpec (Engine API 1.41), each set. */
const ALL_FIELDS = {
  Name: 'web',
  Labels: {'com.example.team': 'core'},
  TaskTemplate: {
    ContainerSpec: {
      Image: `app:1.2@${SHA}`,
      Labels: {tier: 'front'},
      Command: ['/bin/app'],
      Args: ['--serve'],
      Hostname: 'web-1',
      Env: ['LOG_LEVEL=info'],
      Dir: '/srv',
      User: '1000:1000',
      Groups: ['staff'],
      Privileges: {
        CredentialSpec: {File: 'spec.json'},
        SELinuxContext: {Disable: false, User: 'u', Role: 'r', Type: 't', Level: 'l'},
      },
      TTY: false,
      OpenStdin: false,
      ReadOnly: false,
      Mounts: [
        {
          Type: 'volume',
          Source: 'data',
          Target: '/data',
          ReadOnly: false,
          Consistency: 'default',
          VolumeOptions: {
            NoCopy: false,
            Labels: {backup: 'yes'},
            DriverConfig: {Name: 'local', Options: {type: 'nfs'}},
          },
        },
        {
          Type: 'bind',
          Source: '/etc/app',
          Target: '/etc/app',
          ReadOnly: true,
          BindOptions: {Propagation: 'rprivate', NonRecursive: false},
        },
        {Type: 'tmpfs', Target: '/tmp', TmpfsOptions: {SizeBytes: 64 * 1024 * 1024, Mode: 0o1777}},
      ],
      StopSignal: 'SIGTERM',
      StopGracePeriod: 10e9,
      Healthcheck: healthcheck,
      Hosts: ['10.0.0.1 db'],
      DNSConfig: {Nameservers: ['8.8.8.8'], Search: ['example.org'], Options: ['ndots:2']},
      Secrets: [{File: {Name: 'db_pass', UID: '0', GID: '0', Mode: 0o400}, SecretID: 'sec1', SecretName: 'db_pass'}],
      Configs: [
        {File: {Name: '/etc/app.conf', UID: '0', GID: '0', Mode: 0o444}, ConfigID: 'cfg1', ConfigName: 'app_conf'},
      ],
      Isolation: 'default',
      Init: true,
      Sysctls: {'net.core.somaxconn': '1024'},
      CapabilityAdd: ['CAP_NET_ADMIN'],
      CapabilityDrop: ['CAP_MKNOD'],
      Ulimits: [{Name: 'nofile', Soft: 1024, Hard: 2048}],
    },
    Resources: {
      Limits: {NanoCPUs: 5e8, MemoryBytes: 256 * 1024 * 1024, Pids: 100},
      Reservations: {
        NanoCPUs: 2.5e8,
        MemoryBytes: 128 * 1024 * 1024,
        GenericResources: [{DiscreteResourceSpec: {Kind: 'gpu', Value: 1}}],
      },
    },
    RestartPolicy: {Condition: 'on-failure', Delay: 5e9, MaxAttempts: 3, Window: 60e9},
    Placement: {
      Constraints: ['node.role==worker'],
      Preferences: [{Spread: {SpreadDescriptor: 'node.labels.zone'}}],
      MaxReplicas: 2,
      Platforms: [{Architecture: 'amd64', OS: 'linux'}],
    },
    ForceUpdate: 0,
    Runtime: 'container',
    Networks: [{Target: 'net1', Aliases: ['web'], DriverOpts: {mtu: '1400'}}],
    LogDriver: {Name: 'json-file', Options: {'max-size': '10m'}},
  },
  Mode: {Replicated: {Replicas: 2}},
  UpdateConfig: updateConfig,
  RollbackConfig: {...updateConfig},
  Networks: [{Target: 'net2', Aliases: ['legacy']}],
  EndpointSpec: {
    Mode: 'vip',
    Ports: [{Name: 'http', Protocol: 'tcp', TargetPort: 8080, PublishedPort: 80, PublishMode: 'ingress'}],
  },
} as unknown as ServiceSpec;

const JOB = {...ALL_FIELDS, Mode: {ReplicatedJob: {MaxConcurrent: 1, TotalCompletions: 3}}} as unknown as ServiceSpec;

type Leaf = {path: (string | number)[]; value: unknown};

/** Every leaf of a JSON value with its path (this test's own walk, independent of the diff's). */
function leaves(value: unknown, path: (string | number)[] = []): Leaf[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => leaves(item, [...path, index]));
  if (typeof value === 'object' && value !== null)
    return Object.entries(value).flatMap(([key, child]) => leaves(child, [...path, key]));
  return [{path, value}];
}

function changedValue(value: unknown): unknown {
  if (typeof value === 'string') return `${value}x`;
  if (typeof value === 'number') return value + 1;
  if (typeof value === 'boolean') return !value;
  throw new Error(`unexpected leaf ${String(value)}`);
}

function withLeaf(spec: ServiceSpec, leaf: Leaf): ServiceSpec {
  const copy = structuredClone(spec) as unknown as Record<string | number, unknown>;
  let node = copy;
  for (const key of leaf.path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[leaf.path.at(-1)!] = changedValue(leaf.value);
  return copy as unknown as ServiceSpec;
}

/**
 * What a diff shows, to compare a one-field diff with the all-at-once one: the generic section by
 * field path; a named section by its name (its entries' keys may change along with other fields).
 */
const changeKeys = (diff: SnapshotDiff) =>
  diff.sections.flatMap((s) => (s.section === 'other' ? s.changes.map((c) => `other ${c.key}`) : [s.section]));
const diffOf = (a: ServiceSpec, b: ServiceSpec) => diffSnapshots({spec: a}, {spec: b});

describe('a diff of specs with every ServiceSpec field', () => {
  for (const [name, spec] of [
    ['a replicated service', ALL_FIELDS],
    ['a replicated job', JOB],
  ] as const) {
    const all = leaves(spec);
    const everything = all.reduce((changed, leaf) => withLeaf(changed, leaf), spec);
    const allAtOnce = diffOf(spec, everything);

    it(`of ${name}: each of its ${all.length} fields changed alone shows as a change, in text and in --json`, () => {
      expect(all.length).toBeGreaterThan(80);
      const lost: string[] = [];
      for (const leaf of all) {
        const diff = diffOf(spec, withLeaf(spec, leaf));
        const text = renderDiffLines(diff);
        const json = jsonDiff(diff);
        if (!diff.changed || text[0] === 'no differences' || json.sections.length === 0) lost.push(leaf.path.join('.'));
        // No change lost in the all-at-once diff either.
        const keys = new Set(changeKeys(allAtOnce));
        const missing = changeKeys(diff).filter((key) => !keys.has(key));
        if (missing.length) lost.push(`${leaf.path.join('.')} (all at once: ${missing.join(', ')})`);
      }
      expect(lost).toEqual([]);
    });

    it(`of ${name}: all fields changed at once touch every section`, () => {
      expect(allAtOnce.sections.map((s) => s.section)).toEqual([...SECTION_NAMES]);
    });
  }

  it('shows fields outside the named sections by their path, durations and sizes in Docker units', () => {
    const b = structuredClone(ALL_FIELDS) as unknown as typeof ALL_FIELDS & {TaskTemplate: Record<string, never>};
    const container = b.TaskTemplate.ContainerSpec as unknown as Record<string, unknown>;
    container.User = '0';
    (b.TaskTemplate as unknown as Record<string, unknown>).RestartPolicy = {
      Condition: 'any',
      Delay: 10e9,
      MaxAttempts: 3,
      Window: 60e9,
    };
    const other = diffOf(ALL_FIELDS, b).sections.find((s) => s.section === 'other');
    expect(other?.title).toBe('Other fields');
    expect(other?.changes).toEqual([
      {kind: 'changed', key: 'TaskTemplate.ContainerSpec.User', old: '1000:1000', new: '0'},
      {kind: 'changed', key: 'TaskTemplate.RestartPolicy.Condition', old: 'on-failure', new: 'any'},
      {kind: 'changed', key: 'TaskTemplate.RestartPolicy.Delay', old: '5s', new: '10s'},
    ]);
    expect(renderDiffLines(diffOf(ALL_FIELDS, b))).toContain('  ~ TaskTemplate.ContainerSpec.User: 1000:1000 → 0');
  });

  it('shows tmpfs size, volume nocopy, network aliases and a secret file mode as changes of their mount, network and secret', () => {
    const b = structuredClone(ALL_FIELDS) as unknown as {
      TaskTemplate: {
        ContainerSpec: {
          Mounts: {TmpfsOptions: {SizeBytes: number}; VolumeOptions: {NoCopy: boolean}}[];
          Secrets: {File: {Mode: number; UID: string}}[];
        };
        Networks: {Aliases: string[]}[];
      };
    };
    b.TaskTemplate.ContainerSpec.Mounts[2].TmpfsOptions.SizeBytes = 128 * 1024 * 1024;
    b.TaskTemplate.ContainerSpec.Mounts[0].VolumeOptions.NoCopy = true;
    b.TaskTemplate.ContainerSpec.Secrets[0].File.Mode = 0o440;
    b.TaskTemplate.ContainerSpec.Secrets[0].File.UID = '1000';
    b.TaskTemplate.Networks[0].Aliases = ['web', 'www'];
    const diff = diffOf(ALL_FIELDS, b as unknown as ServiceSpec);
    const section = (name: string) => diff.sections.find((s) => s.section === name)?.changes;
    expect(diff.sections.map((s) => s.section)).toEqual(['secrets', 'mounts', 'networks']);
    expect(section('mounts')).toEqual([
      expect.objectContaining({kind: 'changed', key: '/data', new: expect.stringContaining('nocopy')}),
      expect.objectContaining({
        kind: 'changed',
        key: '/tmp',
        old: expect.stringContaining('size=64MiB'),
        new: expect.stringContaining('size=128MiB'),
      }),
    ]);
    expect(section('secrets')).toEqual([
      expect.objectContaining({
        key: 'db_pass',
        old: expect.stringMatching(/uid=0 .*mode=0400/),
        new: expect.stringMatching(/uid=1000 .*mode=0440/),
      }),
    ]);
    expect(section('networks')).toEqual([
      expect.objectContaining({
        key: 'net1',
        old: expect.stringContaining('aliases=web '),
        new: expect.stringContaining('aliases=web, www'),
      }),
    ]);
  });

  it('names networks by their name where one is known, by ID where the network is gone', () => {
    const b = structuredClone(ALL_FIELDS) as unknown as {TaskTemplate: {Networks: {Target: string}[]}};
    b.TaskTemplate.Networks[0]!.Target = 'net3';
    const diff = diffSnapshots(
      {spec: ALL_FIELDS},
      {spec: b as unknown as ServiceSpec},
      {networkNames: {net1: 'backend', net2: 'legacy'}},
    );
    expect(diff.sections.find((s) => s.section === 'networks')?.changes.map((c) => [c.kind, c.key])).toEqual([
      ['removed', 'backend'],
      ['added', 'net3'],
    ]);
  });

  it('masks a secret-looking field outside the named sections, and --json says "secret": true', () => {
    const b = structuredClone(ALL_FIELDS) as unknown as {TaskTemplate: {LogDriver: {Options: Record<string, string>}}};
    b.TaskTemplate.LogDriver.Options['splunk-token'] = 'hunter2';
    const diff = diffOf(ALL_FIELDS, b as unknown as ServiceSpec);
    const json = jsonDiff(diff);
    expect(json.sections[0]?.changes).toEqual([
      {kind: 'added', key: 'TaskTemplate.LogDriver.Options.splunk-token', old: null, new: MASK, secret: true},
    ]);
    expect(JSON.stringify(json)).not.toContain('hunter2');
  });

  it('says "same image, pinned" when a tag is replaced by the digest of the same content', () => {
    const a = structuredClone(ALL_FIELDS);
    a.TaskTemplate.ContainerSpec!.Image = 'app:1.2';
    const b = structuredClone(ALL_FIELDS);
    b.TaskTemplate.ContainerSpec!.Image = SHA;
    const diff = diffSnapshots(
      {spec: a, image: {ref: 'app:1.2', imageId: SHA, pinned: SHA}},
      {spec: b, image: {ref: SHA, imageId: SHA, pinned: SHA}},
    );
    expect(diff.sections).toEqual([
      {
        section: 'image',
        title: 'Image',
        changes: [{kind: 'changed', key: 'image', old: 'app:1.2', new: SHA, note: 'same image, pinned'}],
      },
    ]);
    expect(renderDiffLines(diff)).toContain(`  ~ image: app:1.2 → ${SHA} (same image, pinned)`);
  });
});
