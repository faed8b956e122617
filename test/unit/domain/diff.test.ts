import {describe, expect, it} from 'vitest';
import {
  SECTION_NAMES,
  diffSnapshots,
  formatArgv,
  summarizeDiff,
  type SnapshotDiff,
} from '../../../source/domain/diff.js';
import {MASK} from '../../../source/domain/secrets.js';
import {viewOf, type SnapshotView} from '../../../source/domain/snapshot.js';
import {loadService, readPayload} from '../../support/payload-fixtures.js';

const network = readPayload('network-overlay.json') as {Id: string; Name: string};
const options = {networkNames: {[network.Id]: network.Name}};
const before = viewOf(loadService('service-replicated.json').Spec, undefined, options);
const after = viewOf(loadService('service-replicated-updated.json').Spec, undefined, options);

const section = (diff: SnapshotDiff, name: string) => diff.sections.find((s) => s.section === name);
const edit = (change: (view: SnapshotView) => void): SnapshotView => {
  const copy = structuredClone(before);
  change(copy);
  return copy;
};

describe('diffSnapshots on a real update', () => {
  const diff = diffSnapshots(before, after);

  it('reports only the sections that changed, in the fixed order', () => {
    expect(diff.changed).toBe(true);
    const names = diff.sections.map((s) => s.section);
    expect(names).toEqual(['image', 'env', 'limits', 'ports', 'labels', 'healthcheck', 'update-config']);
    expect(names).toEqual(SECTION_NAMES.filter((n) => names.includes(n)));
    expect(section(diff, 'env')?.title).toBe('Environment');
  });

  it('shows the image change', () => {
    expect(section(diff, 'image')?.changes).toEqual([
      {kind: 'changed', key: 'image', old: 'dokroll-fixture:v1', new: 'dokroll-fixture:v2'},
    ]);
  });

  it('lists env additions, removals and changes sorted by key, secret values masked but still marked changed', () => {
    expect(section(diff, 'env')?.changes).toEqual([
      {kind: 'changed', key: 'DB_PASSWORD', old: MASK, new: MASK, secret: true},
      {kind: 'added', key: 'FEATURE_X', new: 'on'},
      {kind: 'removed', key: 'GREETING', old: 'a=b=c'},
      {kind: 'changed', key: 'LOG_LEVEL', old: 'info', new: 'debug'},
    ]);
  });

  it('reveals secret values when asked to', () => {
    const shown = diffSnapshots(before, after, {showSecrets: true});
    expect(section(shown, 'env')?.changes[0]).toEqual({
      kind: 'changed',
      key: 'DB_PASSWORD',
      old: 'hunter2',
      new: 'hunter3',
    });
  });

  it('shows memory as a human size, ports keyed by target/protocol, durations as Docker writes them', () => {
    expect(section(diff, 'limits')?.changes).toEqual([{kind: 'changed', key: 'memory', old: '64MiB', new: '128MiB'}]);
    expect(section(diff, 'ports')?.changes).toEqual([{kind: 'added', key: '9090/tcp', new: 'auto (host)'}]);
    expect(section(diff, 'healthcheck')?.changes).toEqual([{kind: 'changed', key: 'interval', old: '1s', new: '2s'}]);
    expect(section(diff, 'update-config')?.changes).toEqual([{kind: 'changed', key: 'monitor', old: '2s', new: '1s'}]);
  });

  it('summarizes the diff in one line for history rows', () => {
    expect(summarizeDiff(diff)).toBe(
      'image; env +1 ~2 -1; limits ~1; ports +1; labels +1; healthcheck ~1; update-config ~1',
    );
  });
});

describe('diffSnapshots section by section', () => {
  it('finds nothing between identical views', () => {
    const diff = diffSnapshots(before, structuredClone(before));
    expect(diff).toEqual({sections: [], changed: false});
    expect(summarizeDiff(diff)).toBe('no changes');
  });

  it('reports a digest change when the tag stayed the same', () => {
    const a = edit((v) => (v.imageDigest = `sha256:${'1'.repeat(64)}`));
    const b = edit((v) => (v.imageDigest = `sha256:${'2'.repeat(64)}`));
    expect(diffSnapshots(a, b).sections).toEqual([
      {
        section: 'image',
        title: 'Image',
        changes: [{kind: 'changed', key: 'digest', old: `sha256:${'1'.repeat(64)}`, new: `sha256:${'2'.repeat(64)}`}],
      },
    ]);
  });

  it('masks a credential URL down to its password and flags it secret', () => {
    const b = edit((v) => (v.env.DATABASE_URL = 'postgres://app:pa55@db2:5432/app'));
    expect(section(diffSnapshots(before, b), 'env')?.changes).toEqual([
      {
        kind: 'changed',
        key: 'DATABASE_URL',
        old: `postgres://app:${MASK}@db:5432/app`,
        new: `postgres://app:${MASK}@db2:5432/app`,
        secret: true,
      },
    ]);
  });

  it('masks an added or removed secret', () => {
    const b = edit((v) => {
      delete v.env.DB_PASSWORD;
      v.env.API_TOKEN = 'abc';
    });
    expect(section(diffSnapshots(before, b), 'env')?.changes).toEqual([
      {kind: 'added', key: 'API_TOKEN', new: MASK, secret: true},
      {kind: 'removed', key: 'DB_PASSWORD', old: MASK, secret: true},
    ]);
  });

  it('keys secrets and configs by target file, so a rotated secret reads as changed', () => {
    const b = edit((v) => {
      v.secrets = [{name: 'db-password-v2', target: 'db_password'}];
      v.configs = [];
    });
    const diff = diffSnapshots(before, b);
    expect(section(diff, 'secrets')?.changes).toEqual([
      {kind: 'changed', key: 'db_password', old: before.secrets[0].name, new: 'db-password-v2'},
    ]);
    expect(section(diff, 'configs')?.changes).toEqual([
      {kind: 'removed', key: '/etc/app.conf', old: before.configs[0].name},
    ]);
  });

  it('shows CPUs as numbers and a removed reservation as removed', () => {
    const b = edit((v) => {
      v.limits.cpus = 1.5;
      v.reservations = {};
    });
    const diff = diffSnapshots(before, b);
    expect(section(diff, 'limits')?.changes).toEqual([{kind: 'changed', key: 'cpus', old: '0.5', new: '1.5'}]);
    expect(section(diff, 'reservations')?.changes).toEqual([
      {kind: 'removed', key: 'cpus', old: '0.1'},
      {kind: 'removed', key: 'memory', old: '16MiB'},
    ]);
  });

  it('shows command and args as shell words', () => {
    const b = edit((v) => {
      v.command = ['sh', '-c'];
      v.args = ['exit 1'];
    });
    expect(section(diffSnapshots(before, b), 'command')?.changes).toEqual([
      {kind: 'changed', key: 'args', old: '/start.sh --verbose', new: "'exit 1'"},
      {kind: 'added', key: 'command', new: 'sh -c'},
    ]);
    expect(formatArgv(['echo', "it's", ''])).toBe(`echo 'it'\\''s' ''`);
  });

  it('compares published ports, mounts by target, networks by name and placement as sets', () => {
    const b = edit((v) => {
      v.ports = [{target: 8080, published: 18080, protocol: 'tcp', mode: 'ingress'}, v.ports[1]];
      v.mounts = v.mounts.map((m) => (m.target === '/data' ? {...m, readOnly: true} : m));
      v.networks = ['backend'];
      v.placement = ['node.role==manager', 'node.labels.zone==a'];
    });
    const diff = diffSnapshots(before, b);
    expect(section(diff, 'ports')?.changes).toEqual([
      {kind: 'changed', key: '8080/tcp', old: 'auto (host)', new: '18080 (ingress)'},
    ]);
    expect(section(diff, 'mounts')?.changes).toEqual([
      {
        kind: 'changed',
        key: '/data',
        old: `volume ${before.mounts[1].source}`,
        new: `volume ${before.mounts[1].source} ro`,
      },
    ]);
    expect(section(diff, 'networks')?.changes).toEqual([
      {kind: 'removed', key: network.Name, old: network.Name},
      {kind: 'added', key: 'backend', new: 'backend'},
    ]);
    expect(section(diff, 'placement')?.changes).toEqual([
      {kind: 'removed', key: 'node.platform.os==linux', old: 'node.platform.os==linux'},
      {kind: 'added', key: 'node.labels.zone==a', new: 'node.labels.zone==a'},
    ]);
  });

  it('puts container labels in the labels section under a prefix', () => {
    const b = edit((v) => (v.containerLabels['com.example.role'] = 'worker'));
    expect(section(diffSnapshots(before, b), 'labels')?.changes).toEqual([
      {kind: 'changed', key: 'container: com.example.role', old: 'api', new: 'worker'},
    ]);
  });

  it('reports replicas as one key and summarizes a scale as old→new', () => {
    const b = edit((v) => (v.replicas = 5));
    const diff = diffSnapshots(before, b);
    expect(section(diff, 'replicas')?.changes).toEqual([{kind: 'changed', key: 'replicas', old: '2', new: '5'}]);
    expect(summarizeDiff(diff)).toBe('replicas 2→5');
  });

  it('reports a removed health check field by field, and rollback config and stop grace period', () => {
    const b = edit((v) => {
      v.healthcheck = null;
      v.rollbackConfig = {...v.rollbackConfig!, delayMs: 500};
      v.stopGracePeriodMs = 10_000;
    });
    const diff = diffSnapshots(before, b);
    expect(section(diff, 'healthcheck')?.changes.map((c) => `${c.kind} ${c.key}`)).toEqual([
      'removed test',
      'removed interval',
      'removed timeout',
      'removed retries',
      'removed start period',
    ]);
    expect(section(diff, 'rollback-config')?.changes).toEqual([{kind: 'added', key: 'delay', new: '500ms'}]);
    expect(section(diff, 'stop-grace-period')?.changes).toEqual([
      {kind: 'changed', key: 'stop grace period', old: '3s', new: '10s'},
    ]);
    expect(summarizeDiff(diff)).toBe('healthcheck -5; rollback-config +1; stop-grace-period');
  });

  it('reads views stored by an older build that lack fields', () => {
    const old = {name: 'api', image: 'app:1', env: {A: '1'}} as unknown as SnapshotView;
    const diff = diffSnapshots(old, before);
    expect(diff.changed).toBe(true);
    expect(section(diff, 'env')?.changes.length).toBeGreaterThan(0);
    expect(() => summarizeDiff(diffSnapshots(before, old))).not.toThrow();
  });
});
