/**
 * Support for the rollback-registry tests: throwaway images built FROM the fixture (so they can be
 * deleted without touching anyone else's), registry API reads, config files and Docker configs in
 * temp directories, and a private registry process a test can stop and start again.
 */
import {spawn, type ChildProcess} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {removeTestServices} from './cleanup.js';
import {docker, dockerOk} from './docker-cli.js';
import {testbed} from './testbed.js';
import {waitFor} from './wait.js';

export function uniqueId(): string {
  return randomBytes(4).toString('hex');
}

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Builds `FROM dokroll-fixture:v1` plus a label (a new image ID, shared layers); returns the ID. */
export async function buildThrowawayImage(tag: string, labels: Record<string, string>): Promise<string> {
  const dir = tempDir('dokroll-img-');
  // One LABEL instruction: one new image, no intermediate ones.
  const lines = [
    `FROM ${testbed.fixtureRepo}:v1`,
    `LABEL ${Object.entries(labels)
      .map(([k, v]) => `${k}="${v}"`)
      .join(' ')}`,
  ];
  writeFileSync(path.join(dir, 'Dockerfile'), `${lines.join('\n')}\n`);
  try {
    await dockerOk(['build', '-q', '-t', tag, dir], {env: {DOCKER_BUILDKIT: '0'}});
  } finally {
    rmSync(dir, {recursive: true, force: true});
  }
  return (await dockerOk(['image', 'inspect', '-f', '{{.Id}}', tag])).trim();
}

/** Removes an image of ours completely: the service's stopped containers using it, then every tag. */
export async function removeImageCompletely(imageId: string, serviceName: string): Promise<void> {
  const containers = (
    await dockerOk([
      'ps',
      '-aq',
      '--filter',
      `ancestor=${imageId}`,
      '--filter',
      `label=com.docker.swarm.service.name=${serviceName}`,
    ])
  )
    .split('\n')
    .filter(Boolean);
  if (containers.length > 0) await dockerOk(['rm', '-f', ...containers]);
  const result = await docker(['rmi', '-f', imageId]);
  if (result.code !== 0 && !/No such image/i.test(result.stderr)) throw new Error(`rmi ${imageId}: ${result.stderr}`);
}

/**
 * End of a test file: removes its services, waits until no container uses the throwaway images
 * (Swarm removes task containers asynchronously), then deletes the images with all their tags.
 */
export async function removeThrowawayImages(images: readonly string[]): Promise<void> {
  await removeTestServices();
  const ids = [...new Set(images.filter(Boolean))];
  const users = async () => {
    for (const image of ids) if ((await dockerOk(['ps', '-aq', '--filter', `ancestor=${image}`])).trim()) return false;
    return true;
  };
  await waitFor(users, {timeoutMs: 30_000, intervalMs: 500, what: 'the throwaway images to be unused'}).catch(
    () => undefined,
  );
  for (const image of ids) await docker(['rmi', '-f', image]);
}

export async function imageExists(ref: string): Promise<boolean> {
  return (await docker(['image', 'inspect', ref])).code === 0;
}

export interface RegistryResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A plain-HTTP request to a test registry, with basic auth when given. */
export function registryRequest(
  host: string,
  urlPath: string,
  opts: {auth?: {user: string; password: string}; method?: string; accept?: string} = {},
): Promise<RegistryResponse> {
  const headers: Record<string, string> = {};
  if (opts.auth)
    headers.Authorization = `Basic ${Buffer.from(`${opts.auth.user}:${opts.auth.password}`).toString('base64')}`;
  if (opts.accept) headers.Accept = opts.accept;
  return new Promise((resolve, reject) => {
    const request = http.request(
      `http://${host}${urlPath}`,
      {method: opts.method ?? 'GET', headers, timeout: 10_000},
      (response) => {
        let body = '';
        response.on('data', (chunk) => (body += chunk));
        response.on('end', () => resolve({status: response.statusCode ?? 0, headers: response.headers, body}));
      },
    );
    request.on('timeout', () => request.destroy(new Error(`${urlPath}: timed out`)));
    request.on('error', reject);
    request.end();
  });
}

export const authRegistryCredentials = {user: testbed.registry.user, password: testbed.registry.password};

export async function registryTags(
  host: string,
  repository: string,
  auth = authRegistryCredentials,
): Promise<string[]> {
  const response = await registryRequest(host, `/v2/${repository}/tags/list`, {auth});
  if (response.status === 404) return [];
  if (response.status !== 200) throw new Error(`tags/list ${repository}: HTTP ${response.status} ${response.body}`);
  return ((JSON.parse(response.body) as {tags: string[] | null}).tags ?? []).sort();
}

export async function registryDigest(
  host: string,
  repository: string,
  tag: string,
  auth = authRegistryCredentials,
): Promise<string | null> {
  const response = await registryRequest(host, `/v2/${repository}/manifests/${tag}`, {
    auth,
    accept: 'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json',
  });
  if (response.status === 404) return null;
  if (response.status !== 200)
    throw new Error(`manifest ${repository}:${tag}: HTTP ${response.status} ${response.body}`);
  return String(response.headers['docker-content-digest']);
}

/** Writes a JSON config file; returns its path. */
export function writeConfig(dir: string, config: unknown, name = 'config.json'): string {
  const file = path.join(dir, name);
  writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}

/** A DOCKER_CONFIG directory whose config.json has `auths[host]` for the user and password. */
export function dockerConfigDir(host: string, user: string, password: string): string {
  const dir = tempDir('dokroll-dockercfg-');
  const auth = Buffer.from(`${user}:${password}`).toString('base64');
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify({auths: {[host]: {auth}}}));
  return dir;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const {port} = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A registry process of this test (open, deletes enabled) that can be stopped and started again. */
export class PrivateRegistry {
  private child: ChildProcess | null = null;
  private constructor(
    readonly port: number,
    private readonly configPath: string,
  ) {}

  /** Deletes its directory (config and data); call after stop(). */
  remove(): void {
    rmSync(path.dirname(this.configPath), {recursive: true, force: true});
  }

  get host(): string {
    return `127.0.0.1:${this.port}`;
  }

  static async create(): Promise<PrivateRegistry> {
    const dir = tempDir('dokroll-registry-');
    const port = await freePort();
    mkdirSync(path.join(dir, 'data'));
    const configPath = path.join(dir, 'config.yml');
    writeFileSync(
      configPath,
      [
        'version: 0.1',
        'log:',
        '  level: error',
        '  accesslog:',
        '    disabled: true',
        'storage:',
        '  filesystem:',
        `    rootdirectory: ${path.join(dir, 'data')}`,
        '  delete:',
        '    enabled: true',
        'http:',
        `  addr: 127.0.0.1:${port}`,
        '',
      ].join('\n'),
    );
    return new PrivateRegistry(port, configPath);
  }

  async start(): Promise<void> {
    if (this.child) return;
    const child = spawn('docker-registry', ['serve', this.configPath], {stdio: 'ignore'});
    this.child = child;
    child.once('exit', () => {
      if (this.child === child) this.child = null;
    });
    await waitFor(async () => (await registryRequest(this.host, '/v2/')).status === 200, {
      timeoutMs: 10_000,
      intervalMs: 50,
      what: `private registry on ${this.host}`,
    });
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    this.child = null;
  }
}
