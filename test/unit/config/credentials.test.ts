import {chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {inspect} from 'node:util';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import type {RegistryConfig} from '../../../source/config/config-schema.js';
import {
  MASK,
  RegistryCredentials,
  describeCredentials,
  dockerCredentialsFor,
  resolveCredentials,
} from '../../../source/config/credentials.js';
import {ConfigError, CredentialsError} from '../../../source/config/errors.js';

const local: RegistryConfig = {type: 'local'};
const lab: RegistryConfig = {type: 'registry', url: '127.0.0.1:5000', insecure: true};
const hub: RegistryConfig = {type: 'dockerhub', prefix: 'acme'};
const ghcr: RegistryConfig = {type: 'ghcr', prefix: 'acme'};
const slow: RegistryConfig = {type: 'registry', url: 'slow.example.com'};
const garbled: RegistryConfig = {type: 'registry', url: 'garbled.example.com'};

/**
 * A fake `docker-credential-fake` on PATH: answers per server address, logs what it was asked.
 * Exec'd sleep so that killing the helper on timeout leaves no process behind.
 */
const FAKE_HELPER = `#!/bin/sh
server=$(cat)
printf '%s\\n' "$server" >> "$FAKE_HELPER_LOG"
case "$server" in
  ghcr.io) printf '{"ServerURL":"ghcr.io","Username":"octo","Secret":"ghp_helper_secret"}' ;;
  https://index.docker.io/v1/) printf '{"ServerURL":"%s","Username":"<token>","Secret":"refresh_secret"}' "$server" ;;
  slow.example.com) exec sleep 10 ;;
  garbled.example.com) echo 'oops {"Secret": "leaked_secret"' ;;
  *) echo 'credentials not found in native keychain'; exit 1 ;;
esac
`;

let home: string;
let env: NodeJS.ProcessEnv;
let helperLog: string;

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'dokroll-creds-'));
  const bin = join(home, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'docker-credential-fake'), FAKE_HELPER);
  chmodSync(join(bin, 'docker-credential-fake'), 0o755);
  helperLog = join(home, 'helper.log');
  env = {HOME: home, PATH: `${bin}:/usr/bin:/bin`, FAKE_HELPER_LOG: helperLog};
});
afterEach(() => rmSync(home, {recursive: true, force: true}));

function dockerConfig(content: unknown, dir = join(home, '.docker')): void {
  mkdirSync(dir, {recursive: true});
  writeFileSync(join(dir, 'config.json'), typeof content === 'string' ? content : JSON.stringify(content));
}
const basicAuth = (user: string, password: string) => Buffer.from(`${user}:${password}`).toString('base64');

async function failure(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Error);
  return error as Error;
}

describe('registry credentials from the environment and the config', () => {
  it('needs none for the local registry', async () => {
    expect(await resolveCredentials(local, {env: {...env, DOKROLL_REGISTRY_USER: 'u'}})).toBeNull();
  });

  it('takes DOKROLL_REGISTRY_USER and DOKROLL_REGISTRY_PASSWORD', async () => {
    const withVars = {...env, DOKROLL_REGISTRY_USER: 'ci', DOKROLL_REGISTRY_PASSWORD: 'pw1'};
    const creds = await resolveCredentials(lab, {env: withVars});
    expect(creds?.toJSON()).toEqual({username: 'ci', password: 'pw1', serveraddress: '127.0.0.1:5000'});
    expect(describeCredentials(creds)).toBe(
      `ci / ${MASK} (from $DOKROLL_REGISTRY_USER and $DOKROLL_REGISTRY_PASSWORD)`,
    );
  });

  it('takes the configured username and the variable named by passwordEnv, before the generic variables', async () => {
    const registry: RegistryConfig = {...ghcr, credentials: {username: 'bot', passwordEnv: 'GHCR_TOKEN'}};
    const creds = await resolveCredentials(registry, {
      env: {...env, GHCR_TOKEN: 'ghp_env', DOKROLL_REGISTRY_USER: 'other', DOKROLL_REGISTRY_PASSWORD: 'other'},
      keyPath: 'services.api.registry',
    });
    expect(creds?.toJSON()).toEqual({username: 'bot', password: 'ghp_env', serveraddress: 'ghcr.io'});
    expect(describeCredentials(creds)).toBe(
      `bot / ${MASK} (from services.api.registry.credentials.username and $GHCR_TOKEN)`,
    );
  });

  it('names the key when the variable passwordEnv points to is not set', async () => {
    const registry: RegistryConfig = {...lab, credentials: {username: 'bot', passwordEnv: 'LAB_TOKEN'}};
    const error = await failure(resolveCredentials(registry, {env, keyPath: 'services.web.registry'}));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe(
      'services.web.registry.credentials.passwordEnv: environment variable LAB_TOKEN is not set ' +
        '(it should hold the password or token for 127.0.0.1:5000)',
    );
  });

  it('refuses half a set of credentials instead of falling back silently', async () => {
    expect((await failure(resolveCredentials(lab, {env: {...env, DOKROLL_REGISTRY_USER: 'u'}}))).message).toBe(
      'DOKROLL_REGISTRY_USER is set but DOKROLL_REGISTRY_PASSWORD is not',
    );
    expect((await failure(resolveCredentials(lab, {env: {...env, DOKROLL_REGISTRY_PASSWORD: 'p'}}))).message).toMatch(
      /^DOKROLL_REGISTRY_PASSWORD is set but no user name: set DOKROLL_REGISTRY_USER or registry\.credentials\.username/,
    );
    const userOnly: RegistryConfig = {...lab, credentials: {username: 'bot'}};
    expect((await failure(resolveCredentials(userOnly, {env}))).message).toMatch(
      /^registry\.credentials: no password for 'bot': set passwordEnv/,
    );
    const envOnly: RegistryConfig = {...lab, credentials: {passwordEnv: 'T'}};
    expect((await failure(resolveCredentials(envOnly, {env: {...env, T: 'x'}}))).message).toBe(
      'registry.credentials.username: required with passwordEnv (or set DOKROLL_REGISTRY_USER)',
    );
  });
});

describe('registry credentials from the Docker CLI config', () => {
  it('is anonymous when there is no Docker config', async () => {
    expect(await resolveCredentials(lab, {env})).toBeNull();
    expect(describeCredentials(null)).toBe('none (anonymous)');
  });

  it('decodes auths[host].auth from ~/.docker/config.json', async () => {
    dockerConfig({auths: {'127.0.0.1:5000': {auth: basicAuth('dokroll', 's3:cret')}, other: {}}});
    const creds = await resolveCredentials(lab, {env});
    expect(creds?.toJSON()).toEqual({username: 'dokroll', password: 's3:cret', serveraddress: '127.0.0.1:5000'});
    expect(describeCredentials(creds)).toBe(`dokroll / ${MASK} (from ~/.docker/config.json)`);
  });

  it('reads $DOCKER_CONFIG/config.json and matches auths keys written as URLs', async () => {
    const dir = join(home, 'elsewhere');
    dockerConfig({auths: {'https://127.0.0.1:5000/v2/': {auth: basicAuth('u', 'p')}}}, dir);
    const creds = await resolveCredentials(lab, {env: {...env, DOCKER_CONFIG: dir}});
    expect(creds?.username).toBe('u');
    expect(creds?.source).toBe('~/elsewhere/config.json');
  });

  it('looks up Docker Hub under https://index.docker.io/v1/', async () => {
    dockerConfig({auths: {'https://index.docker.io/v1/': {auth: basicAuth('hubber', 'hubpw')}}});
    const creds = await resolveCredentials(hub, {env});
    expect(creds?.toJSON()).toEqual({
      username: 'hubber',
      password: 'hubpw',
      serveraddress: 'https://index.docker.io/v1/',
    });
  });

  it('answers for a bare host as the Docker CLI would, ignoring DOKROLL_REGISTRY_* variables', async () => {
    dockerConfig({auths: {'https://index.docker.io/v1/': {auth: basicAuth('hubber', 'hubpw')}}});
    const hubEnv = {...env, DOKROLL_REGISTRY_USER: 'x', DOKROLL_REGISTRY_PASSWORD: 'y'};
    expect((await dockerCredentialsFor('index.docker.io', {env: hubEnv}))?.toJSON()).toEqual({
      username: 'hubber',
      password: 'hubpw',
      serveraddress: 'https://index.docker.io/v1/',
    });
    expect(await dockerCredentialsFor('quay.io', {env: hubEnv})).toBeNull();
  });

  it('runs credHelpers[host] with the server address on stdin', async () => {
    dockerConfig({auths: {'ghcr.io': {}}, credHelpers: {'ghcr.io': 'fake'}});
    const creds = await resolveCredentials(ghcr, {env});
    expect(creds?.toJSON()).toEqual({username: 'octo', password: 'ghp_helper_secret', serveraddress: 'ghcr.io'});
    expect(describeCredentials(creds)).toBe(`octo / ${MASK} (from credential helper docker-credential-fake)`);
    expect(readFileSync(helperLog, 'utf8')).toBe('ghcr.io\n');
  });

  it('runs credsStore and passes an identity token on as identitytoken', async () => {
    dockerConfig({credsStore: 'fake'});
    const creds = await resolveCredentials(hub, {env});
    expect(creds?.toJSON()).toEqual({
      username: '',
      password: '',
      serveraddress: 'https://index.docker.io/v1/',
      identitytoken: 'refresh_secret',
    });
    expect(describeCredentials(creds)).toBe(`identity token / ${MASK} (from credential helper docker-credential-fake)`);
  });

  it('falls back to auths when the helper has nothing for the host', async () => {
    dockerConfig({credsStore: 'fake', auths: {'127.0.0.1:5000': {auth: basicAuth('u', 'p')}}});
    expect((await resolveCredentials(lab, {env}))?.username).toBe('u');
    dockerConfig({credsStore: 'fake'});
    expect(await resolveCredentials(lab, {env})).toBeNull();
  });

  it('says clearly when the helper binary is missing', async () => {
    dockerConfig({credsStore: 'nope'});
    const error = await failure(resolveCredentials(lab, {env}));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe(
      'credential helper docker-credential-nope not found on PATH (configured by credsStore in ~/.docker/config.json)',
    );
  });

  it('gives up on a helper that does not answer in time', async () => {
    dockerConfig({credHelpers: {'slow.example.com': 'fake'}});
    const started = Date.now();
    const error = await failure(resolveCredentials(slow, {env, timeoutMs: 300}));
    expect(error).toBeInstanceOf(CredentialsError);
    expect(error.message).toMatch(/^docker-credential-fake get did not answer within 0\.3 s/);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('does not echo a helper’s unexpected output', async () => {
    dockerConfig({credHelpers: {'garbled.example.com': 'fake'}});
    const error = await failure(resolveCredentials(garbled, {env}));
    expect(error).toBeInstanceOf(CredentialsError);
    expect(error.message).not.toContain('leaked_secret');
  });

  it('names the Docker config file when it is broken, without echoing secrets', async () => {
    dockerConfig('{"auths": ');
    const notJson = await failure(resolveCredentials(lab, {env}));
    expect(notJson).toBeInstanceOf(ConfigError);
    expect(notJson.message).toBe(`Docker config ${join(home, '.docker', 'config.json')} is not valid JSON`);

    dockerConfig({auths: {'127.0.0.1:5000': {auth: 12345}}, credsStore: '../../bin/sh'});
    const badShape = await failure(resolveCredentials(lab, {env}));
    expect(badShape.message).toContain('auths["127.0.0.1:5000"].auth: expected a string');
    expect(badShape.message).toContain("credsStore: '../../bin/sh' is not a credential helper name");
    expect(badShape.message).not.toContain('12345');

    dockerConfig({auths: {'127.0.0.1:5000': {auth: 'bm9jb2xvbg=='}}}); // "nocolon"
    const badAuth = await failure(resolveCredentials(lab, {env}));
    expect(badAuth.message).toMatch(/auths\["127\.0\.0\.1:5000"\]\.auth is not base64 of 'user:password'$/);
    expect(badAuth.message).not.toContain('bm9jb2xvbg');
  });
});

describe('printing credentials', () => {
  const creds = new RegistryCredentials({username: 'dokroll', password: 'hunter2', serveraddress: 'r:5000'}, 'test');

  it('masks the secret in every printed form', () => {
    for (const text of [describeCredentials(creds), String(creds), `${creds}`, inspect(creds), inspect({creds})]) {
      expect(text).not.toContain('hunter2');
      expect(text).toContain(MASK);
    }
    expect(String(creds)).toBe(`dokroll / ${MASK} (from test)`);
  });

  it('serializes to exactly the X-Registry-Auth shape', () => {
    const serialized: unknown = JSON.parse(JSON.stringify(creds));
    expect(serialized).toEqual({username: 'dokroll', password: 'hunter2', serveraddress: 'r:5000'});
  });
});
