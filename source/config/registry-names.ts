/**
 * Validation of the names that end up in image references: registry URLs, repository prefixes and
 * service names. Pure functions; each returns a problem sentence (or null) so the schema can report it
 * under the right key.
 */

/** One path component of a repository name, as the Docker reference grammar allows it. */
const REPO_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const HOST_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;
/** Docker service names (swarm allows letters, digits, '-', '_' and '.'; stacks add `stack_`). */
export const SERVICE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;

export interface RegistryAddress {
  /** `host` or `host:port`, as used in image references and as the credentials key. */
  host: string;
  /** True when the URL said `https://` explicitly. */
  explicitHttps: boolean;
}

/** Parses `host[:port]` or `https://host[:port]`; returns the address or a problem sentence. */
export function parseRegistryUrl(url: string): RegistryAddress | string {
  let rest = url;
  let explicitHttps = false;
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(rest);
  if (scheme) {
    const name = scheme[1].toLowerCase();
    if (name === 'http') return "plain http:// is not accepted: write 'host:port' and set insecure: true";
    if (name !== 'https') return `unsupported scheme '${name}://' (expected 'host[:port]' or 'https://host[:port]')`;
    explicitHttps = true;
    rest = rest.slice(scheme[0].length);
  }
  if (rest.endsWith('/')) rest = rest.slice(0, -1);
  if (rest === '') return "is empty (expected 'host[:port]' or 'https://host[:port]')";
  if (/\s/.test(rest)) return 'must not contain spaces';
  if (rest.includes('@')) return 'must not contain a user name (use credentials.username)';
  if (/[?#]/.test(rest)) return 'must not contain a query or fragment';
  if (rest.includes('/')) return "must not contain a path (put the repository path in 'prefix')";
  if (rest.startsWith('[')) return 'IPv6 addresses are not supported in image references; use a host name';
  const parts = rest.split(':');
  if (parts.length > 2) return `'${rest}' is not a valid host[:port]`;
  const [hostname, port] = parts;
  const hostProblem = checkHostname(hostname);
  if (hostProblem) return hostProblem;
  if (port !== undefined) {
    if (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535) {
      return `port '${port}' is not a number from 1 to 65535`;
    }
  } else if (!hostname.includes('.') && hostname.toLowerCase() !== 'localhost') {
    return (
      `Docker would read '${hostname}' as a Docker Hub namespace, not a registry: ` +
      'add the port or use the full domain name'
    );
  }
  return {host: rest, explicitHttps};
}

function checkHostname(hostname: string): string | null {
  if (hostname === '') return 'is missing the host name';
  if (/^[\d.]+$/.test(hostname)) {
    const octets = hostname.split('.');
    if (octets.length !== 4 || octets.some((o) => o === '' || Number(o) > 255)) {
      return `'${hostname}' is not a valid IPv4 address`;
    }
    return null;
  }
  const labels = hostname.split('.');
  if (hostname.length > 253 || labels.some((l) => !HOST_LABEL.test(l))) {
    return `'${hostname}' is not a valid host name (letters, digits and '-' in dot-separated labels)`;
  }
  return null;
}

/**
 * Checks a repository prefix. Docker Hub takes exactly one component (the namespace); GHCR and
 * other registries take one or more `/`-separated components (GHCR: the owner first).
 */
export function checkPrefix(prefix: string, kind: 'dockerhub' | 'ghcr' | 'registry'): string | null {
  if (prefix === '') return 'must not be empty';
  if (prefix.startsWith('/') || prefix.endsWith('/') || prefix.includes('//')) {
    return "must not start or end with '/' or contain '//'";
  }
  const components = prefix.split('/');
  if (kind === 'dockerhub' && components.length > 1) {
    return `Docker Hub repositories are <namespace>/<name>: the prefix is only the namespace, not '${prefix}'`;
  }
  for (const c of components) {
    if (c !== c.toLowerCase()) return `must be lowercase ('${prefix.toLowerCase()}')`;
    if (!REPO_COMPONENT.test(c)) {
      return (
        `'${c}' is not a valid repository name component ` +
        "(lowercase letters and digits, separated by '.', '_', '__' or '-')"
      );
    }
  }
  return null;
}

/**
 * The repository name component for a service: lowercased, with separators Docker does not accept
 * between letters and digits replaced by '-' (e.g. `Shop_-Web` → `shop-web`).
 */
export function repoNameForService(serviceName: string): string {
  const lower = serviceName.toLowerCase();
  const normalized = lower
    .split(/([^a-z0-9]+)/)
    .map((part, i) => (i % 2 === 0 || /^(?:[._]|__|-+)$/.test(part) ? part : '-'))
    .join('')
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
  return normalized === '' ? 'service' : normalized;
}
