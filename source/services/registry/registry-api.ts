/**
 * The few registry API calls the rollback registry needs beyond what the daemon does (push, pull):
 * is it there and do our credentials work (`/v2/`), which tags a repository has, a tag's manifest
 * digest, and deleting a manifest by digest. Authentication follows the registry's challenge:
 * HTTP basic, or a bearer token from its token service (basic credentials or an identity token).
 */
import type {RegistryAuth} from '../../docker/gateway.js';
import {
  httpRequest,
  parseChallenge,
  registryMessage,
  RegistryApiError,
  unreachable,
  type HttpOptions,
  type HttpResponse,
} from './registry-http.js';

export {RegistryApiError} from './registry-http.js';

/** What the registry answers for a manifest: Docker v2 schema 2, OCI, and their lists/indexes. */
export const MANIFEST_ACCEPT = [
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
].join(', ');

export interface RegistryApiOptions {
  /** `http://127.0.0.1:5000`, `https://ghcr.io` (registryApiEndpoint). */
  baseUrl: string;
  tlsVerify: boolean;
  /** `host[:port]` for messages. */
  host: string;
  credentials: RegistryAuth | null;
  timeoutMs?: number;
}

export interface PingResult {
  /** ok: the API answered 200 with our credentials (or anonymously when we have none). */
  status: 'ok' | 'auth-required' | 'login-failed';
  /** The scheme the registry asked for (basic, bearer), if it asked. */
  scheme: string | null;
  /** The registry's reason for refusing, if it did. */
  detail: string | null;
}

export class RegistryApi {
  private readonly tokens = new Map<string, string>();

  constructor(private readonly opts: RegistryApiOptions) {}

  get host(): string {
    return this.opts.host;
  }

  /** GET /v2/: reachable, and (with credentials) whether they are accepted. */
  async ping(): Promise<PingResult> {
    const anonymous = await this.send('/v2/', {});
    if (anonymous.status === 200) return {status: 'ok', scheme: null, detail: null};
    if (anonymous.status !== 401) throw this.unexpected('GET /v2/', anonymous);
    const challenge = parseChallenge(header(anonymous, 'www-authenticate'));
    const scheme = challenge?.scheme ?? null;
    if (!this.opts.credentials) return {status: 'auth-required', scheme, detail: registryMessage(anonymous.body)};
    const authed = await this.request('/v2/', {}, '');
    if (authed.status === 200) return {status: 'ok', scheme, detail: null};
    if (authed.status === 401 || authed.status === 403) {
      return {status: 'login-failed', scheme, detail: registryMessage(authed.body) ?? `HTTP ${authed.status}`};
    }
    throw this.unexpected('GET /v2/', authed);
  }

  /** The repository's tags (empty when the repository does not exist). */
  async tags(repository: string): Promise<string[]> {
    const response = await this.request(`/v2/${repository}/tags/list`, {}, `repository:${repository}:pull`);
    if (response.status === 404) return [];
    if (response.status !== 200) throw this.unexpected(`listing tags of ${repository}`, response);
    const parsed = JSON.parse(response.body) as {tags?: string[] | null};
    return parsed.tags ?? [];
  }

  /** The manifest digest (Docker-Content-Digest) of `repository:reference`, or null when unknown. */
  async manifestDigest(repository: string, reference: string): Promise<string | null> {
    const response = await this.request(
      `/v2/${repository}/manifests/${reference}`,
      {headers: {Accept: MANIFEST_ACCEPT}},
      `repository:${repository}:pull`,
    );
    if (response.status === 404) return null;
    if (response.status !== 200) throw this.unexpected(`reading manifest ${repository}:${reference}`, response);
    const digest = header(response, 'docker-content-digest');
    if (!digest?.startsWith('sha256:')) {
      throw new RegistryApiError(`registry ${this.host} sent no Docker-Content-Digest for ${repository}:${reference}`);
    }
    return digest;
  }

  /** Deletes a manifest by digest (and with it every tag that points to it). */
  async deleteManifest(repository: string, digest: string): Promise<'deleted' | 'not-found'> {
    const response = await this.request(
      `/v2/${repository}/manifests/${digest}`,
      {method: 'DELETE', headers: {Accept: MANIFEST_ACCEPT}},
      `repository:${repository}:pull,push,delete`,
    );
    if (response.status === 202 || response.status === 200) return 'deleted';
    if (response.status === 404) return 'not-found';
    if (response.status === 405) {
      throw new RegistryApiError(
        `registry ${this.host} does not allow deleting manifests (HTTP 405; for a registry of your own set storage.delete.enabled)`,
        405,
      );
    }
    throw this.unexpected(`deleting manifest ${repository}@${digest}`, response);
  }

  /** A request with the auth the registry asks for (cached per scope). */
  private async request(path: string, opts: HttpOptions, scope: string): Promise<HttpResponse> {
    const cached = this.tokens.get(scope);
    const first = await this.send(path, withAuth(opts, cached));
    if (first.status !== 401 || !this.opts.credentials) return first;
    const auth = await this.authorize(parseChallenge(header(first, 'www-authenticate')), scope);
    if (!auth) return first;
    this.tokens.set(scope, auth);
    return this.send(path, withAuth(opts, auth));
  }

  /** The Authorization header value answering a challenge, or null when we cannot. */
  private async authorize(challenge: ReturnType<typeof parseChallenge>, scope: string): Promise<string | null> {
    const creds = this.opts.credentials;
    if (!creds || !challenge) return null;
    if (challenge.scheme === 'basic') {
      return creds.username ? `Basic ${basic(creds.username, creds.password ?? '')}` : null;
    }
    if (challenge.scheme !== 'bearer' || !challenge.params.realm) return null;
    const url = new URL(challenge.params.realm);
    const service = challenge.params.service;
    let response: HttpResponse;
    try {
      if (creds.identitytoken) {
        const form = new URLSearchParams({
          grant_type: 'refresh_token',
          refresh_token: creds.identitytoken,
          client_id: 'dokroll-tui',
        });
        if (service) form.set('service', service);
        if (scope) form.set('scope', scope);
        response = await httpRequest(url.toString(), {
          method: 'POST',
          headers: {'Content-Type': 'application/x-www-form-urlencoded'},
          body: form.toString(),
          tlsVerify: this.opts.tlsVerify,
          timeoutMs: this.opts.timeoutMs,
        });
      } else {
        if (service) url.searchParams.set('service', service);
        if (scope) url.searchParams.set('scope', scope);
        response = await httpRequest(url.toString(), {
          headers: creds.username ? {Authorization: `Basic ${basic(creds.username, creds.password ?? '')}`} : {},
          tlsVerify: this.opts.tlsVerify,
          timeoutMs: this.opts.timeoutMs,
        });
      }
    } catch (error) {
      throw unreachable(`${this.host} (token service ${url.host})`, error);
    }
    if (response.status !== 200) return null;
    const body = JSON.parse(response.body) as {token?: string; access_token?: string};
    const token = body.token ?? body.access_token;
    return token ? `Bearer ${token}` : null;
  }

  private async send(path: string, opts: HttpOptions): Promise<HttpResponse> {
    try {
      return await httpRequest(`${this.opts.baseUrl}${path}`, {
        ...opts,
        tlsVerify: this.opts.tlsVerify,
        timeoutMs: this.opts.timeoutMs,
      });
    } catch (error) {
      throw unreachable(this.host, error);
    }
  }

  private unexpected(what: string, response: HttpResponse): RegistryApiError {
    const reason = registryMessage(response.body) ?? (response.status === 401 ? 'authentication required' : '');
    return new RegistryApiError(
      `registry ${this.host}: ${what} answered HTTP ${response.status}${reason ? ` (${reason})` : ''}`,
      response.status,
    );
  }
}

function header(response: HttpResponse, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function withAuth(opts: HttpOptions, authorization: string | null | undefined): HttpOptions {
  return authorization ? {...opts, headers: {...opts.headers, Authorization: authorization}} : opts;
}

function basic(user: string, password: string): string {
  return Buffer.from(`${user}:${password}`).toString('base64');
}
