/**
 * Which recorded version is live, and which version each task runs, without repeating work every
 * tick: a service's version hash is computed (image resolution included) once per spec
 * Version.Index; the live version is looked up in the history once per Version.Index and then
 * again only after a while (another process sharing the history may record the live spec) or when
 * told its history changed; a service's template → version map is rebuilt only when told.
 */
import type {DockerGateway} from '../../docker/gateway.js';
import type {Service, ServiceSpec} from '../../docker/schemas.js';
import {versionHash} from '../../domain/version-identity.js';
import type {Store, VersionRow} from '../../store/index.js';
import {versionTemplateKey} from './task-rows.js';

interface HashEntry {
  index: number;
  hash: string;
}

interface LiveEntry {
  index: number;
  hash: string;
  at: number;
  row: Promise<VersionRow | null>;
}

/** How long a live-version lookup is trusted when nothing here says the history changed. */
export const LIVE_VERSION_TTL_MS = {found: 30_000, notFound: 10_000};

export class VersionCatalog {
  private readonly hashes = new Map<string, HashEntry>();
  private readonly templates = new Map<string, Promise<Map<string, number>>>();
  private readonly live = new Map<string, LiveEntry>();
  /** Image resolutions made (for tests: the cache must keep this flat on an idle swarm). */
  resolutions = 0;

  constructor(
    private readonly store: Store,
    private readonly now: () => number = Date.now,
  ) {}

  /** The version hash of the live spec; resolved once per Version.Index. */
  async liveHash(gateway: DockerGateway, service: Service): Promise<string> {
    const cached = this.hashes.get(service.ID);
    if (cached && cached.index === service.Version.Index) return cached.hash;
    this.resolutions += 1;
    const image = await gateway.resolveImage(service.Spec.TaskTemplate.ContainerSpec?.Image ?? '');
    const hash = versionHash(service.Spec, image);
    this.hashes.set(service.ID, {index: service.Version.Index, hash});
    return hash;
  }

  /** The recorded version the live spec is (newest with that hash), or null. */
  async liveVersion(gateway: DockerGateway, service: Service): Promise<VersionRow | null> {
    const hash = await this.liveHash(gateway, service);
    const name = service.Spec.Name;
    const index = service.Version.Index;
    const cached = this.live.get(name);
    if (cached && cached.index === index && cached.hash === hash) {
      const row = await cached.row.catch(() => undefined);
      if (
        row !== undefined &&
        this.now() - cached.at < (row ? LIVE_VERSION_TTL_MS.found : LIVE_VERSION_TTL_MS.notFound)
      )
        return row;
    }
    const entry: LiveEntry = {index, hash, at: this.now(), row: this.store.versions.findByHash(name, hash)};
    this.live.set(name, entry);
    entry.row.catch(() => {
      if (this.live.get(name) === entry) this.live.delete(name);
    });
    return entry.row;
  }

  /** versionTemplateKey → version number (newest wins) for a service's recorded versions. */
  templateVersions(serviceName: string): Promise<Map<string, number>> {
    let map = this.templates.get(serviceName);
    if (!map) {
      map = this.store.versions.list(serviceName).then((rows) => {
        const byKey = new Map<string, number>();
        for (const row of rows) {
          const key = versionTemplateKey((row.snapshot.spec as ServiceSpec).TaskTemplate);
          if (!byKey.has(key)) byKey.set(key, row.number);
        }
        return byKey;
      });
      map.catch(() => this.templates.delete(serviceName));
      this.templates.set(serviceName, map);
    }
    return map;
  }

  /** The service's history changed (recorded, deleted, rolled back). */
  historyChanged(serviceName?: string): void {
    if (serviceName === undefined) {
      this.templates.clear();
      this.live.clear();
    } else {
      this.templates.delete(serviceName);
      this.live.delete(serviceName);
    }
  }

  /** Forget services that are gone. */
  retain(serviceIds: ReadonlySet<string>): void {
    for (const id of this.hashes.keys()) if (!serviceIds.has(id)) this.hashes.delete(id);
  }
}
