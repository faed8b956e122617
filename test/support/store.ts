/** Store test support: throwaway directories and small, valid snapshots. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {makeSnapshot} from '../../source/domain/snapshot.js';
import type {RecordInput, Snapshot} from '../../source/store/index.js';

export function makeTempDir(prefix = 'dokroll-store-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, {recursive: true, force: true});
}

/** A real snapshot of a small service; `tag` varies the image so snapshots differ. */
export function fakeSnapshot(serviceName: string, tag: string): Snapshot {
  const ref = `registry.example/${serviceName}:${tag}`;
  const repoDigest = `registry.example/${serviceName}@sha256:${tag.padEnd(64, '0')}`;
  return makeSnapshot(
    {
      Name: serviceName,
      Labels: {team: 'ops'},
      TaskTemplate: {ContainerSpec: {Image: ref, Env: ['MODE=prod', `TAG=${tag}`]}},
      Mode: {Replicated: {Replicas: 2}},
    },
    {ref, repoDigest, pinned: repoDigest},
  );
}

export function recordInput(serviceName: string, hash: string, extra: Partial<RecordInput> = {}): RecordInput {
  return {
    serviceName,
    serviceId: `id-${serviceName}`,
    snapshot: fakeSnapshot(serviceName, hash),
    specHash: hash,
    source: 'recorded',
    ...extra,
  };
}
