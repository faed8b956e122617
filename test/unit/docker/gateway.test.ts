/**
 * The gateway against a fake daemon on a temporary unix socket: what goes over the wire (paths,
 * query, body, headers) and how answers are validated, without a real Docker engine.
 */
import {mkdtempSync} from 'node:fs';
import http from 'node:http';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {DaemonUnreachableError, ServiceNotFoundError} from '../../../source/docker/errors.js';
import {connect, type DockerGateway} from '../../../source/docker/gateway.js';
import {ImageOperationError} from '../../../source/docker/image-ops.js';
import {PayloadError} from '../../../source/docker/schemas.js';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}
type Reply = {status?: number; json?: unknown; lines?: unknown[]};
type Route = (req: Seen) => Reply | undefined;

const seen: Seen[] = [];
let routes: Route[] = [];
const socketPath = join(mkdtempSync(join(tmpdir(), 'dokroll-fake-daemon-')), 'docker.sock');
const server = http.createServer((req, res) => {
  let body = '';
  req.on('data', (chunk) => (body += chunk));
  req.on('end', () => {
    const request = {method: req.method ?? '', url: req.url ?? '', headers: req.headers, body};
    seen.push(request);
    const reply = routes.map((route) => route(request)).find((r) => r !== undefined) ?? {
      status: 404,
      json: {message: 'page not found'},
    };
    res.writeHead(reply.status ?? 200, {'Content-Type': 'application/json'});
    res.end(
      reply.lines ? reply.lines.map((l) => JSON.stringify(l)).join('\n') + '\n' : JSON.stringify(reply.json ?? {}),
    );
  });
});

const on =
  (method: string, path: string | RegExp, reply: Reply | ((req: Seen) => Reply)): Route =>
  (req) => {
    const pathname = req.url.split('?')[0]!;
    const matches = typeof path === 'string' ? pathname === path : path.test(pathname);
    if (req.method !== method || !matches) return undefined;
    return typeof reply === 'function' ? reply(req) : reply;
  };
const query = (req: Seen) => new URL(req.url, 'http://x').searchParams;
const service = (id: string, name: string) => ({
  ID: id,
  Version: {Index: 7},
  CreatedAt: '2024-01-01T00:00:00Z',
  UpdatedAt: '2024-01-01T00:00:00Z',
  Spec: {Name: name, TaskTemplate: {ContainerSpec: {Image: 'app:v1'}}},
});
const task = (id: string, serviceId: string) => ({
  ID: id,
  ServiceID: serviceId,
  Status: {State: 'running'},
  DesiredState: 'running',
});

let gateway: DockerGateway;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
});
afterAll(() => {
  gateway?.close();
  server.close();
});
beforeEach(async () => {
  seen.length = 0;
  routes = [on('GET', '/version', {json: {Version: '24.0.7', ApiVersion: '1.43', MinAPIVersion: '1.12'}})];
  gateway?.close();
  gateway = await connect({host: `unix://${socketPath}`, env: {}});
});

describe('DockerGateway against a fake daemon', () => {
  it('pings with one unversioned /version request and pins later requests to the version the daemon offers', async () => {
    expect(seen.map((r) => r.url)).toEqual(['/version']);
    expect(gateway.apiVersion).toBe('1.43');
    routes.push(on('GET', '/v1.43/services', {json: [service('s1', 'web')]}));
    const services = await gateway.listServices();
    expect(services.map((s) => s.Spec.Name)).toEqual(['web']);
    expect(seen[1]!.url).toBe('/v1.43/services?status=true');
    expect(gateway.requestCount).toBe(2);
  });

  it('fails with a PayloadError naming the payload and the bad field when the daemon answers nonsense', async () => {
    routes.push(on('GET', '/v1.43/services', {json: [{ID: 5, Spec: {}}]}));
    const error = await gateway.listServices().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PayloadError);
    expect((error as PayloadError).message).toMatch(
      /^unexpected service list payload from the Docker daemon: 0\.ID: .*expected string/,
    );
    expect((error as PayloadError).exitCode).toBe(1);
  });

  it('lists the tasks of several services in one request', async () => {
    routes.push(on('GET', '/v1.43/tasks', {json: [task('t1', 's1'), task('t2', 's2')]}));
    const tasks = await gateway.listTasks(['s1', 's2']);
    expect(tasks.map((t) => t.ID)).toEqual(['t1', 't2']);
    const requests = seen.filter((r) => r.url.startsWith('/v1.43/tasks'));
    expect(requests).toHaveLength(1);
    expect(JSON.parse(query(requests[0]!).get('filters')!)).toEqual({service: ['s1', 's2']});
  });

  it('drops a service that no longer exists from the task filter instead of failing', async () => {
    routes.push(
      on('GET', '/v1.43/tasks', (req) => {
        const wanted: string[] = JSON.parse(query(req).get('filters')!).service;
        return wanted.includes('gone')
          ? {status: 404, json: {message: 'service gone not found'}}
          : {json: [task('t1', 's1')]};
      }),
    );
    expect((await gateway.listTasks(['s1', 'gone'])).map((t) => t.ID)).toEqual(['t1']);
    expect(await gateway.listTasks([])).toEqual([]);
  });

  it('reports an unknown service as ServiceNotFoundError and finds nothing for it', async () => {
    routes.push(on('GET', '/v1.43/services/nope', {status: 404, json: {message: 'service nope not found'}}));
    await expect(gateway.inspectService('nope')).rejects.toThrow(ServiceNotFoundError);
    await expect(gateway.inspectService('nope')).rejects.toThrow("unknown service 'nope'");
    expect(await gateway.findService('nope')).toBeNull();
  });

  it('sends the version index in the query, the spec only in the body, and credentials in X-Registry-Auth', async () => {
    routes.push(on('POST', '/v1.43/services/s1/update', {json: {Warnings: ['image could not be accessed']}}));
    const spec = {Name: 'web', TaskTemplate: {ContainerSpec: {Image: 'app:v2'}}};
    const warnings = await gateway.updateService('s1', 42, spec, {
      registryAuth: {username: 'u', password: 'p', serveraddress: 'reg'},
    });
    expect(warnings).toEqual(['image could not be accessed']);
    const request = seen.at(-1)!;
    expect(request.url).toBe('/v1.43/services/s1/update?version=42');
    expect(JSON.parse(request.body)).toEqual(spec);
    const auth = JSON.parse(Buffer.from(String(request.headers['x-registry-auth']), 'base64').toString());
    expect(auth).toEqual({username: 'u', password: 'p', serveraddress: 'reg'});
  });

  it('creates a service without sending the spec as registry credentials', async () => {
    routes.push(on('POST', '/v1.43/services/create', {status: 201, json: {ID: 'new-id'}}));
    const id = await gateway.createService({Name: 'web', TaskTemplate: {ContainerSpec: {Image: 'app:v1'}}});
    expect(id).toBe('new-id');
    expect(seen.at(-1)!.headers['x-registry-auth']).toBeUndefined();
    expect(JSON.parse(seen.at(-1)!.body)).toMatchObject({Name: 'web'});
  });

  it('returns the digest a push reports and fails on an error line in the progress stream', async () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    routes.push(
      on('POST', '/v1.43/images/reg:5000/app/push', (req) =>
        query(req).get('tag') === 'v1'
          ? {lines: [{status: 'Pushing'}, {status: 'v1: digest'}, {aux: {Tag: 'v1', Digest: digest, Size: 528}}]}
          : {
              lines: [
                {status: 'Pushing'},
                {errorDetail: {message: 'denied: requested access to the resource is denied'}, error: 'denied'},
              ],
            },
      ),
    );
    expect(await gateway.pushImage('reg:5000/app:v1')).toBe(digest);
    const error = await gateway.pushImage('reg:5000/app:v2').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImageOperationError);
    expect((error as Error).message).toBe(
      'push of reg:5000/app:v2 failed: denied: requested access to the resource is denied',
    );
  });

  it('pins an image to the RepoDigest of its own repository, or its local ID, or the registry digest', async () => {
    const id = `sha256:${'1'.repeat(64)}`;
    const digest = `sha256:${'2'.repeat(64)}`;
    routes.push(
      on('GET', /^\/v1\.43\/images\/.*\/json$/, (req) => {
        if (req.url.includes('pushed'))
          return {json: {Id: id, RepoDigests: [`other@${digest}`, `reg:5000/pushed@${digest}`]}};
        if (req.url.includes('built')) return {json: {Id: id, RepoDigests: []}};
        return {status: 404, json: {message: 'no such image'}};
      }),
      on('GET', /^\/v1\.43\/distribution\/.*\/json$/, (req) =>
        req.url.includes('remote')
          ? {json: {Descriptor: {digest, mediaType: 'm', size: 1}}}
          : {status: 500, json: {message: 'registry down'}},
      ),
    );
    expect(await gateway.resolveImage('reg:5000/pushed:v1')).toEqual({
      ref: 'reg:5000/pushed:v1',
      repoDigest: `reg:5000/pushed@${digest}`,
      imageId: id,
      pinned: `reg:5000/pushed@${digest}`,
      where: 'registry',
    });
    expect(await gateway.resolveImage('built:v1')).toEqual({ref: 'built:v1', imageId: id, pinned: id, where: 'local'});
    expect(await gateway.resolveImage('reg:5000/remote:v1')).toMatchObject({
      repoDigest: `reg:5000/remote@${digest}`,
      where: 'registry',
    });
    expect(await gateway.resolveImage('reg:5000/down:v1')).toEqual({
      ref: 'reg:5000/down:v1',
      pinned: 'reg:5000/down:v1',
      where: 'missing',
      reason: 'registry down',
    });
    expect(await gateway.resolveImage(`app@${digest}`)).toMatchObject({
      repoDigest: `app@${digest}`,
      pinned: `app@${digest}`,
      where: 'registry',
    });
    const requests = seen.length;
    expect(await gateway.resolveImage('')).toMatchObject({where: 'missing'});
    expect(seen.length).toBe(requests);
  });

  it('reads container health and treats a vanished container as no health', async () => {
    routes.push(
      on('GET', '/v1.43/containers/c1/json', {
        json: {Id: 'c1', State: {Status: 'running', Health: {Status: 'unhealthy'}}},
      }),
      on('GET', '/v1.43/containers/c2/json', {json: {Id: 'c2', State: {Status: 'running'}}}),
      on('GET', '/v1.43/containers/gone/json', {status: 404, json: {message: 'No such container: gone'}}),
    );
    expect(await gateway.inspectContainerHealth('c1')).toBe('unhealthy');
    expect(await gateway.inspectContainerHealth('c2')).toBeNull();
    expect(await gateway.inspectContainerHealth('gone')).toBeNull();
  });

  it('ignores a DOCKER_HOST in the process environment when the host is given explicitly', async () => {
    const saved = process.env.DOCKER_HOST;
    process.env.DOCKER_HOST = 'not-a-url at all';
    try {
      const other = await connect({host: `unix://${socketPath}`, env: {}});
      expect(other.endpoint).toBe(`unix://${socketPath}`);
      other.close();
    } finally {
      if (saved === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = saved;
    }
  });

  it('fails to connect to a socket nobody listens on with a one-line DaemonUnreachableError', async () => {
    const error = await connect({host: 'unix:///nonexistent/docker.sock', env: {}}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DaemonUnreachableError);
    expect((error as Error).message).toBe(
      'cannot reach the Docker daemon at unix:///nonexistent/docker.sock: connect ENOENT /nonexistent/docker.sock — is dockerd running? (set DOCKER_HOST or --host)',
    );
  });
});
