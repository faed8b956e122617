/** Fixed facts about the local test bed that scripts/testbed.sh sets up. */
import {execFile} from 'node:child_process';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {dockerOk} from './docker-cli.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const TESTBED_DIR = path.join(REPO_ROOT, '.testbed');
export const TESTBED_SCRIPT = path.join(REPO_ROOT, 'scripts', 'testbed.sh');

export const testbed = {
  dockerBin: '/usr/bin/docker',
  socketPath: '/var/run/docker.sock',
  ssh: {
    host: '127.0.0.1',
    port: 2222,
    user: 'root',
    /** DOCKER_HOST-style address. */
    url: 'ssh://root@127.0.0.1:2222',
    keyPath: path.join(TESTBED_DIR, 'ssh', 'id_ed25519'),
    knownHostsPath: path.join(TESTBED_DIR, 'ssh', 'known_hosts'),
    hostPublicKeyPath: path.join(TESTBED_DIR, 'ssh', 'ssh_host_ed25519_key.pub'),
  },
  registry: {
    /** Open registry. */
    plain: '127.0.0.1:5000',
    /** Registry requiring basic auth (user/password below). */
    auth: '127.0.0.1:5001',
    user: 'dokroll',
    password: 'dokroll-test-pw',
  },
  fixtureRepo: 'dokroll-fixture',
  /** Port the fixture app listens on inside its container. */
  appPort: 8080,
  /** Health command for the fixture app (fails for HEALTH=fail and the bad-health image). */
  healthCmd: 'timeout 2 wget -q -O- http://127.0.0.1:8080/health',
  /** Health check interval of test services and stacks, in ms (DOKROLL_TEST_HEALTH_MS overrides). */
  healthIntervalMs: Number(process.env.DOKROLL_TEST_HEALTH_MS ?? 500),
  /** Label on every service the tests create; the stale sweeper removes old ones. */
  serviceLabel: 'dokroll.test',
} as const;

export type FixtureTag = 'v1' | 'v2' | 'bad-health';
export const FIXTURE_TAGS: readonly FixtureTag[] = ['v1', 'v2', 'bad-health'];

export function isFixtureTag(value: string): value is FixtureTag {
  return (FIXTURE_TAGS as readonly string[]).includes(value);
}

const imageIds = new Map<FixtureTag, Promise<string>>();

/** Local image ID (`sha256:…`) of a fixture image; reference images by ID so no pull is tried. */
export function fixtureImageId(tag: FixtureTag): Promise<string> {
  let id = imageIds.get(tag);
  if (!id) {
    id = dockerOk(['image', 'inspect', '-f', '{{.Id}}', `${testbed.fixtureRepo}:${tag}`]).then((out) => out.trim());
    id.catch(() => imageIds.delete(tag));
    imageIds.set(tag, id);
  }
  return id;
}

export interface TestbedRun {
  durationMs: number;
  stderr: string;
}

/** Runs scripts/testbed.sh once; rejects with its output when it fails. */
export function runTestbedScript(): Promise<TestbedRun> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    execFile('bash', [TESTBED_SCRIPT], {timeout: 600_000, maxBuffer: 16 * 1024 * 1024}, (error, stdout, stderr) => {
      if (error) {
        reject(new Error(`scripts/testbed.sh failed: ${error.message}\n${stderr}${stdout}`));
        return;
      }
      resolve({durationMs: Date.now() - started, stderr});
    });
  });
}

let ensured: Promise<void> | undefined;

/**
 * Makes sure the test bed is up, at most once per process. The global setup already ran the
 * script for this run (DOKROLL_TESTBED_READY), so test files normally pay nothing here.
 */
export function ensureTestbed(): Promise<void> {
  if (process.env.DOKROLL_TESTBED_READY === '1') return Promise.resolve();
  ensured ??= runTestbedScript().then(() => {
    process.env.DOKROLL_TESTBED_READY = '1';
  });
  return ensured;
}
