/** Registry hosts of image references, as Docker reads them. */

/** The registry host a repository lives in (`docker.io` for familiar names like `nginx` or `acme/web`). */
export function registryHostOf(repository: string): string {
  const first = repository.split('/')[0] ?? '';
  const isHost = repository.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  return isHost ? first : 'docker.io';
}
