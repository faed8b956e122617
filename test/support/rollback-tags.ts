/**
 * Rollback tags (`dokroll/<service>:v<n>`, made by every recording in `local` mode, the default)
 * pile up on the fixture images as test services come and go. The global setup untags the ones
 * whose service no longer exists. Only fixture images (label dokroll.fixture=1, which keep their
 * own tags) are looked at, so this untags and never deletes an image anyone uses.
 */
import {repoNameForService} from '../../source/config/registry-names.js';
import {docker} from './docker-cli.js';
import {dockerApiGet, filtersQuery} from './docker-api.js';

interface ImageSummary {
  Id: string;
  RepoTags: string[] | null;
}

/** Untags stale `dokroll/<service>:v<n>` tags of fixture images; returns how many. */
export async function sweepRollbackTags(): Promise<number> {
  // Images first, services second: a tag made after the image list is not looked at, and a tag in
  // it whose service still exists when the services are listed stays.
  const images = await dockerApiGet<ImageSummary[]>(`/images/json?${filtersQuery({label: ['dokroll.fixture=1']})}`);
  const services = await dockerApiGet<{Spec: {Name: string}}[]>('/services');
  const live = new Set(services.map((s) => repoNameForService(s.Spec.Name)));
  const stale = images
    .flatMap((image) => image.RepoTags ?? [])
    .filter((tag) => {
      const match = /^dokroll\/([^:]+):v\d+$/.exec(tag);
      return match !== null && !live.has(match[1]!);
    });
  for (let i = 0; i < stale.length; i += 100) await docker(['rmi', ...stale.slice(i, i + 100)]);
  return stale.length;
}
