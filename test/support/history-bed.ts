/**
 * A history database plus a gateway for swarm tests that build up versions by hand: update a
 * service with the docker CLI, then record what runs (as `dokroll-tui snapshot` would).
 */
import {mkdtempSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {connect, type DockerGateway} from '../../source/docker/gateway.js';
import type {Service, ServiceSpec} from '../../source/docker/schemas.js';
import {makeSnapshot} from '../../source/domain/snapshot.js';
import {versionHash} from '../../source/domain/version-identity.js';
import {captureService} from '../../source/services/capture.js';
import {Recorder} from '../../source/services/recorder.js';
import {openStore, type Store, type VersionRow} from '../../source/store/index.js';
import {dockerOk} from './docker-cli.js';
import {testbed} from './testbed.js';

export interface HistoryBed {
  db: string;
  gateway: DockerGateway;
  store: Store;
  /** `docker service update --detach=false ARGS SERVICE`. */
  update(service: string, args: string[]): Promise<void>;
  /** Records the live spec of `service` as a version (source 'snapshot'). */
  record(service: string): Promise<VersionRow>;
  /** Records `spec` (e.g. a variant of the live one) as a version without deploying it. */
  recordSpec(service: Service, spec: ServiceSpec): Promise<VersionRow>;
  /**
   * Builds the history of a failed deployment on a running `service`: its live spec as v1, a variant
   * whose health check fails (HEALTH=fail) as v2 without deploying it, then APP_MESSAGE=three
   * deployed and recorded as v3. Returns v2 (`bad`) and v3 (`live`).
   */
  recordUnhealthyVersion(service: string): Promise<{bad: VersionRow; live: VersionRow}>;
  /** Version hash of the live spec (equal to a version's specHash when that version runs). */
  liveHash(service: string): Promise<string>;
  close(): Promise<void>;
}

export interface HistoryBedOptions {
  /** Engine to talk to (default: the test bed's own daemon); a multi-node bed's node (nodes.ts). */
  host?: string;
}

export async function openHistoryBed(prefix: string, opts: HistoryBedOptions = {}): Promise<HistoryBed> {
  const dir = mkdtempSync(path.join(os.tmpdir(), `dokroll-${prefix}-`));
  const db = path.join(dir, 'history.db');
  const host = opts.host ?? `unix://${testbed.socketPath}`;
  const gateway = await connect({host, env: {}});
  const store = await openStore({url: db, env: {}});
  const recorder = new Recorder(gateway, store);
  const bed: HistoryBed = {
    db,
    gateway,
    store,
    async update(service, args) {
      await dockerOk(['-H', host, 'service', 'update', '--detach=false', '--quiet', ...args, service], {
        timeoutMs: 120_000,
      });
    },
    async record(service) {
      const {row, created} = await recorder.recordNow(await gateway.inspectService(service), 'snapshot');
      if (!created) throw new Error(`${service}: the live spec was already recorded as v${row.number}`);
      return row;
    },
    async recordSpec(service, spec) {
      const image = await gateway.resolveImage(spec.TaskTemplate.ContainerSpec?.Image ?? '');
      const {row} = await store.versions.record({
        serviceName: service.Spec.Name,
        serviceId: service.ID,
        snapshot: makeSnapshot(spec, image),
        specHash: versionHash(spec, image),
        source: 'snapshot',
      });
      return row;
    },
    async recordUnhealthyVersion(service) {
      const live = await gateway.inspectService(service);
      await bed.record(service);
      const bad = structuredClone(live.Spec);
      bad.TaskTemplate.ContainerSpec!.Env = [...(bad.TaskTemplate.ContainerSpec!.Env ?? []), 'HEALTH=fail'];
      const badRow = await bed.recordSpec(live, bad);
      await bed.update(service, ['--env-add', 'APP_MESSAGE=three']);
      return {bad: badRow, live: await bed.record(service)};
    },
    async liveHash(service) {
      return (await captureService(gateway, await gateway.inspectService(service))).hash;
    },
    async close() {
      gateway.close();
      store.close();
      rmSync(dir, {recursive: true, force: true});
    },
  };
  return bed;
}
