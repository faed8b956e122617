import {describe, expect, it} from 'vitest';
import {planPrune, protectedVersions} from '../../../source/services/registry/retention.js';
import {describePlace, placeOf} from '../../../source/services/registry/location.js';
import type {RollbackImage, VersionRow} from '../../../source/store/index.js';
import {fakeSnapshot} from '../../support/store.js';

function row(
  number: number,
  image: Partial<RollbackImage> = {},
  pin: {imageId?: string; repoDigest?: string} = {},
): VersionRow {
  const snapshot = fakeSnapshot('web', `h${number}`);
  snapshot.image = {ref: snapshot.image.ref, pinned: pin.repoDigest ?? pin.imageId ?? snapshot.image.ref, ...pin};
  return {
    id: number * 10,
    serviceName: 'web',
    serviceId: 'id-web',
    number,
    snapshot,
    specHash: `h${number}`,
    imageRef: snapshot.image.ref,
    imageDigest: null,
    source: 'recorded',
    note: null,
    health: 'good',
    healthReason: null,
    healthCheckedAt: null,
    recordedAt: new Date(0),
    swarmVersion: null,
    updateStartedAt: null,
    rollbackImage: {
      pushState: 'none',
      location: null,
      ref: null,
      digest: null,
      error: null,
      attemptedAt: null,
      size: null,
      ...image,
    },
  };
}

const rows = (...numbers: number[]) => numbers.map((n) => row(n));

describe('which versions a prune deletes', () => {
  it('keeps the newest N and deletes the rest, oldest first', () => {
    const plan = planPrune('web', rows(5, 4, 3, 2, 1), 2, 5);
    expect(plan.remove.map((r) => r.number)).toEqual([1, 2, 3]);
    expect(plan.kept).toEqual([
      {version: 5, why: 'live'},
      {version: 4, why: 'the version before the live one'},
    ]);
  });

  it('never deletes the live version nor the one before it, even outside the newest N', () => {
    const plan = planPrune('web', rows(1, 2, 3, 4, 5, 6), 2, 3);
    expect(plan.kept.map((k) => k.version)).toEqual([6, 5, 3, 2]);
    expect(plan.remove.map((r) => r.number)).toEqual([1, 4]);
  });

  it('guards the newest recorded version and the one before it when the live one is unknown', () => {
    expect([...protectedVersions(rows(3, 7, 5), null)]).toEqual([
      [7, 'newest recorded (the live version is unknown)'],
      [5, 'the version before the newest'],
    ]);
    expect(planPrune('web', rows(7, 5, 3, 1), 2, null).remove.map((r) => r.number)).toEqual([1, 3]);
  });

  it('deletes nothing when there are no more versions than kept', () => {
    expect(planPrune('web', rows(2, 1), 2, 2).remove).toEqual([]);
    expect(planPrune('web', [], 3, null)).toMatchObject({kept: [], remove: []});
  });
});

describe('where a version image is, for history', () => {
  const local = {
    sizes: new Map<string, number | null>([
      ['sha256:aaa', 2_100_000],
      ['dokroll/web:v2', 5000],
    ]),
    node: 'web-1',
  };

  it('says registry for a pushed version, with the size recorded at push time', () => {
    const place = placeOf(row(1, {pushState: 'pushed', ref: 'r/web:v1', digest: 'sha256:d', size: 2_097_152}), local);
    expect(place).toMatchObject({location: 'registry', size: 2_097_152, pushState: 'pushed', digest: 'sha256:d'});
    expect(describePlace(place)).toBe('registry 2MiB');
  });

  it('says local only, on which node, for an image only in the node image store, by ID or by its rollback tag', () => {
    expect(describePlace(placeOf(row(1, {}, {imageId: 'sha256:aaa'}), local))).toBe('local only on web-1 2MiB');
    expect(placeOf(row(2, {pushState: 'local', ref: 'dokroll/web:v2'}, {imageId: 'sha256:bbb'}), local)).toMatchObject({
      location: 'local',
      size: 5000,
      nodes: ['web-1'],
    });
  });

  it('says local only without a node when the Engine did not say its name, or offline (where it was then is not known)', () => {
    expect(describePlace(placeOf(row(1, {}, {imageId: 'sha256:aaa'}), {...local, node: null}))).toBe('local only 2MiB');
    expect(describePlace(placeOf(row(6, {pushState: 'local', location: 'local', size: 10}), null))).toBe(
      'local only 10B',
    );
  });

  it('marks a failed push and shows its reason', () => {
    const place = placeOf(row(3, {pushState: 'push_failed', error: 'unauthorized'}, {imageId: 'sha256:aaa'}), local);
    expect(place).toMatchObject({location: 'local', pushError: 'unauthorized'});
    expect(describePlace(place)).toBe('local only on web-1 2MiB (push failed)');
  });

  it('says missing when the image is nowhere, and registry when it came from one by digest', () => {
    expect(describePlace(placeOf(row(4, {}, {imageId: 'sha256:gone'}), local))).toBe('missing');
    expect(placeOf(row(5, {}, {repoDigest: 'nginx@sha256:abc'}), local).location).toBe('registry');
  });

  it('shows what was stored when offline', () => {
    expect(placeOf(row(6, {pushState: 'local', location: 'local', size: 10}), null)).toMatchObject({
      location: 'local',
      size: 10,
    });
    expect(describePlace(placeOf(row(7), null))).toBe('?');
  });
});
