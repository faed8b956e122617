import {copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {
  configFromData,
  imageRepoFor,
  loadConfig,
  registryApiEndpoint,
  registryAuthServer,
  registryHost,
} from '../../../source/config/effective-config.js';
import {ConfigError} from '../../../source/config/errors.js';

const fixture = (name: string) => new URL(`../../fixtures/config/${name}`, import.meta.url).pathname;

let home: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'dokroll-effective-'));
});
afterEach(() => rmSync(home, {recursive: true, force: true}));

describe('loading the effective configuration', () => {
  it('applies the defaults when there is no config file', async () => {
    const config = await loadConfig({env: {HOME: home}});
    expect(config.file).toBeNull();
    expect(config.toJSON()).toEqual({
      file: null,
      readOnly: false,
      recorder: {stabilityWindowMs: 30_000},
      retention: {keep: 10},
      registry: {type: 'local'},
      services: {},
      nodes: {},
    });
    expect(config.registryFor('web')).toEqual({type: 'local'});
    expect(config.retentionFor('web')).toEqual({keep: 10});
    expect(config.readOnlyReason('web')).toBeNull();
    expect(config.imageRepoFor('web')).toBe('dokroll/web');
  });

  it('loads the documented YAML and JSON examples to the same settings', async () => {
    const yaml = await loadConfig({path: fixture('example.yaml'), env: {HOME: home}});
    const json = await loadConfig({path: fixture('example.json'), env: {HOME: home}});
    expect({...yaml.toJSON(), file: null}).toEqual({...json.toJSON(), file: null});
    expect(yaml.file).toBe(fixture('example.yaml'));
    expect(yaml.source).toBe('flag');
  });

  it('resolves per-service registry, retention and read-only over the defaults', async () => {
    const config = await loadConfig({path: fixture('example.yaml'), env: {HOME: home}});
    expect(config.recorder.stabilityWindowMs).toBe(30_000);
    expect(config.registryFor('web')).toMatchObject({type: 'registry', url: '127.0.0.1:5000', prefix: 'rollbacks'});
    expect(config.registryKeyFor('web')).toBe('registry');
    expect(config.imageRepoFor('web')).toBe('127.0.0.1:5000/rollbacks/web');
    expect(config.retentionFor('web')).toEqual({keep: 20});
    expect(config.registryFor('api')).toEqual({type: 'ghcr', prefix: 'acme/rollbacks'});
    expect(config.registryKeyFor('api')).toBe('services.api.registry');
    expect(config.imageRepoFor('api')).toBe('ghcr.io/acme/rollbacks/api');
    expect(config.retentionFor('api')).toEqual({keep: 10});
    expect(config.imageRepoFor('shop_worker')).toBe('acme/shop_worker');
    expect(config.readOnlyReason('legacy')).toMatch(/^services\.legacy\.readOnly is true in /);
    expect(config.readOnlyReason('web')).toBeNull();
    expect(config.imageRepoFor('legacy')).toBe('dokroll/legacy');
    expect(config.registryFor('toString')).toMatchObject({type: 'registry'});
  });

  it('finds the default file through XDG_CONFIG_HOME', async () => {
    const dir = join(home, 'xdg', 'dokroll');
    mkdirSync(dir, {recursive: true});
    copyFileSync(fixture('example.json'), join(dir, 'config.json'));
    const config = await loadConfig({env: {HOME: home, XDG_CONFIG_HOME: join(home, 'xdg')}});
    expect(config.source).toBe('default');
    expect(config.retentionFor('web')).toEqual({keep: 20});
  });

  it('names the file and every bad key in one error', async () => {
    const path = join(home, 'bad.yaml');
    writeFileSync(path, 'registry:\n  type: gitlab\nretention:\n  keep: 1\n');
    const error = await loadConfig({path, env: {HOME: home}}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).exitCode).toBe(2);
    expect((error as ConfigError).file).toBe(path);
    expect([...(error as ConfigError).problems].sort()).toEqual([
      "registry.type: unknown registry type 'gitlab' (expected local, dockerhub, ghcr, registry)",
      'retention.keep: must be at least 2 (the live version and the one before it are always kept)',
    ]);
    expect((error as ConfigError).message).toBe(
      `${path}: 2 problems:\n  ${(error as ConfigError).problems.join('\n  ')}`,
    );
  });

  it('puts a single problem on one line after the file name', () => {
    expect(() => configFromData({readOnly: 'no'}, {file: '/c.json'})).toThrow(
      "/c.json: readOnly: expected true or false, got 'no'",
    );
  });
});

describe('registry names', () => {
  const local = {type: 'local'} as const;
  const hub = {type: 'dockerhub', prefix: 'acme'} as const;
  const ghcr = {type: 'ghcr', prefix: 'acme/rb'} as const;
  const plain = {type: 'registry', url: '127.0.0.1:5000', insecure: true} as const;
  const tls = {type: 'registry', url: 'https://reg.example.com/', prefix: 'team'} as const;

  it('gives the host used in image references and the credentials server address', () => {
    expect([local, hub, ghcr, plain, tls].map(registryHost)).toEqual([
      null,
      'docker.io',
      'ghcr.io',
      '127.0.0.1:5000',
      'reg.example.com',
    ]);
    expect(registryAuthServer(hub)).toBe('https://index.docker.io/v1/');
    expect(registryAuthServer(ghcr)).toBe('ghcr.io');
    expect(registryAuthServer(plain)).toBe('127.0.0.1:5000');
  });

  it('builds repositories per service, lowercased to what Docker accepts', () => {
    expect(imageRepoFor('web', plain)).toBe('127.0.0.1:5000/web');
    expect(imageRepoFor('web', tls)).toBe('reg.example.com/team/web');
    expect(imageRepoFor('Shop_Web', hub)).toBe('acme/shop_web');
    expect(imageRepoFor('api.v2', ghcr)).toBe('ghcr.io/acme/rb/api.v2');
    expect(imageRepoFor('a_-b', local)).toBe('dokroll/a-b');
  });

  it('gives the registry API endpoint: plain HTTP only for an insecure host:port', () => {
    expect(registryApiEndpoint(local)).toBeNull();
    expect(registryApiEndpoint(plain)).toEqual({baseUrl: 'http://127.0.0.1:5000', tlsVerify: false});
    expect(registryApiEndpoint({...tls, insecure: true})).toEqual({
      baseUrl: 'https://reg.example.com',
      tlsVerify: false,
    });
    expect(registryApiEndpoint(tls)).toEqual({baseUrl: 'https://reg.example.com', tlsVerify: true});
    expect(registryApiEndpoint(hub)).toEqual({baseUrl: 'https://registry-1.docker.io', tlsVerify: true});
  });
});

describe('read-only reasons', () => {
  it('name the setting and the file; a service setting wins over the top-level one', async () => {
    const {configFromData} = await import('../../../source/config/effective-config.js');
    const config = configFromData(
      {readOnly: true, services: {web: {readOnly: false}, 'my.app': {readOnly: true}}},
      {file: '/etc/dokroll/config.json'},
    );
    expect(config.readOnlyReason('api')).toBe('readOnly is true in /etc/dokroll/config.json');
    expect(config.readOnlyReason(null)).toBe('readOnly is true in /etc/dokroll/config.json');
    expect(config.readOnlyReason('web')).toBeNull();
    expect(config.readOnlyReason('my.app')).toBe('services["my.app"].readOnly is true in /etc/dokroll/config.json');
    const open = configFromData({services: {web: {readOnly: true}}}, {file: '/c.yaml'});
    expect(open.readOnlyReason('web')).toBe('services.web.readOnly is true in /c.yaml');
    expect(open.readOnlyReason('api')).toBeNull();
    expect(open.readOnlyReason(null)).toBeNull();
  });
});
