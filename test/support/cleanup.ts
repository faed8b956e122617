/** Removal of the services integration tests create (no vitest imports: the global setup uses it). */
import {docker} from './docker-cli.js';
import {dockerApiGet, filtersQuery, type ApiService} from './docker-api.js';
import {testbed} from './testbed.js';

const created = new Set<string>();

/** Remembers a service (ID or name) for removeTestServices(). */
export function trackService(idOrName: string): void {
  created.add(idOrName);
}

/** Forgets a tracked service (it was removed some other way). */
export function untrackService(idOrName: string): void {
  created.delete(idOrName);
}

/** Removes the given services, ignoring ones already gone. */
export async function removeServices(idsOrNames: string[]): Promise<void> {
  if (idsOrNames.length === 0) return;
  const result = await docker(['service', 'rm', ...idsOrNames]);
  if (result.code !== 0) {
    const problems = result.stderr
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !/not found|no such service/i.test(line));
    if (problems.length > 0) throw new Error(`removing test services failed: ${problems.join('; ')}`);
  }
}

/** Removes every service created through createTestService in this test file so far. */
export async function removeTestServices(): Promise<void> {
  const ids = [...created];
  created.clear();
  await removeServices(ids);
}

/**
 * Removes services labelled dokroll.test=1 that were created more than maxAgeMs ago (left behind
 * by runs that were killed), optionally only those `only` accepts. Returns the names removed.
 */
export async function sweepStaleTestServices(
  maxAgeMs = 30 * 60_000,
  only: (service: ApiService) => boolean = () => true,
): Promise<string[]> {
  const services = await dockerApiGet<ApiService[]>(
    `/services?${filtersQuery({label: [`${testbed.serviceLabel}=1`]})}`,
  );
  const cutoff = Date.now() - maxAgeMs;
  const stale = services.filter((s) => Date.parse(s.CreatedAt) <= cutoff && only(s));
  if (stale.length === 0) return [];
  await removeServices(stale.map((s) => s.ID));
  return stale.map((s) => s.Spec.Name);
}
