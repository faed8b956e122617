import {describe, expect, it} from 'vitest';
import {validate} from '../../../source/config/config-issues.js';
import {ConfigFileSchema} from '../../../source/config/config-schema.js';
import {formatDuration, parseDuration} from '../../../source/config/duration.js';

/** The problem lines for a config object (fails the test when it is valid). */
function problems(data: unknown): string[] {
  const result = validate(ConfigFileSchema, data);
  if (result.ok) throw new Error(`expected ${JSON.stringify(data)} to be rejected`);
  return result.problems;
}

const registry = (r: object) => ({registry: r});

describe('config schema', () => {
  it('accepts an empty config and every registry type', () => {
    expect(validate(ConfigFileSchema, {}).ok).toBe(true);
    for (const r of [
      {type: 'local'},
      {type: 'dockerhub', prefix: 'acme', credentials: {username: 'bot', passwordEnv: 'HUB_TOKEN'}},
      {type: 'ghcr', prefix: 'acme/rollbacks'},
      {type: 'registry', url: '127.0.0.1:5000'},
      {type: 'registry', url: 'https://registry.example.com', prefix: 'team/app', insecure: false},
      {type: 'registry', url: 'localhost:5000/', insecure: true},
      {type: 'registry', url: 'localhost'},
    ]) {
      expect(validate(ConfigFileSchema, registry(r))).toMatchObject({ok: true});
    }
  });

  it('names the unknown registry type and lists the known ones', () => {
    expect(problems({services: {web: {registry: {type: 'gitlab'}}}})).toEqual([
      "services.web.registry.type: unknown registry type 'gitlab' (expected local, dockerhub, ghcr, registry)",
    ]);
    expect(problems(registry({}))).toEqual([
      'registry.type: required: the registry type (expected local, dockerhub, ghcr, registry)',
    ]);
  });

  it('reports misspelt keys at their full path with a suggestion', () => {
    const lines = problems({regsitry: {type: 'local'}, services: {web: {readonly: true, retention: {kep: 3}}}});
    expect(lines.sort()).toEqual([
      "regsitry: unknown key (did you mean 'registry'?)",
      "services.web.readonly: unknown key (did you mean 'readOnly'?)",
      "services.web.retention.kep: unknown key (did you mean 'keep'?)",
    ]);
    expect(problems({colour: 'red'})).toEqual([
      "colour: unknown key (expected 'recorder', 'readOnly', 'retention', 'registry', 'services', 'nodes')",
    ]);
  });

  it('refuses inline passwords anywhere in a registry and points to passwordEnv or docker login', () => {
    const lines = problems(
      registry({type: 'registry', url: 'reg.example.com', password: 'x', credentials: {username: 'u', password: 'y'}}),
    );
    expect(lines).toHaveLength(2);
    expect(lines).toContain(
      'registry.credentials.password: passwords are not allowed in the config file: set credentials.passwordEnv ' +
        'to the name of an environment variable that holds it, or use docker login',
    );
    expect(lines.some((l) => l.startsWith('registry.password: passwords are not allowed'))).toBe(true);
    expect(lines.join('\n')).not.toMatch(/\bx\b|\by\b/);
  });

  it('requires the prefix of Docker Hub and GHCR registries and validates its form', () => {
    expect(problems(registry({type: 'dockerhub'}))).toEqual([
      'registry.prefix: required: the Docker Hub namespace (user or organization) to push to',
    ]);
    expect(problems(registry({type: 'ghcr'}))[0]).toMatch(/^registry\.prefix: required: the GitHub owner/);
    expect(problems(registry({type: 'dockerhub', prefix: 'acme/rollbacks'}))[0]).toMatch(
      /^registry\.prefix: Docker Hub repositories are <namespace>\/<name>/,
    );
    expect(problems(registry({type: 'ghcr', prefix: 'Acme/x'}))).toEqual([
      "registry.prefix: must be lowercase ('acme/x')",
    ]);
    expect(problems(registry({type: 'registry', url: 'r.example.com', prefix: 'a//b'}))[0]).toMatch(/contain '\/\/'/);
    expect(problems(registry({type: 'registry', url: 'r.example.com', prefix: 'a-'}))[0]).toMatch(
      /'a-' is not a valid repository name component/,
    );
  });

  it.each([
    ['http://reg.example.com:5000', "plain http:// is not accepted: write 'host:port' and set insecure: true"],
    ['ftp://reg.example.com', "unsupported scheme 'ftp://'"],
    ['reg.example.com/v2', "must not contain a path (put the repository path in 'prefix')"],
    ['https://reg.example.com:5000/team', 'must not contain a path'],
    ['reg.example.com?x=1', 'must not contain a query or fragment'],
    ['user@reg.example.com', 'must not contain a user name'],
    ['reg.example.com:0', "port '0' is not a number from 1 to 65535"],
    ['reg.example.com:65536', "port '65536' is not a number from 1 to 65535"],
    ['reg.example.com:http', "port 'http' is not a number"],
    ['reg_example.com', "'reg_example.com' is not a valid host name"],
    ['-reg.example.com', 'is not a valid host name'],
    ['300.1.1.1:5000', "'300.1.1.1' is not a valid IPv4 address"],
    ['[::1]:5000', 'IPv6 addresses are not supported'],
    ['myregistry', "Docker would read 'myregistry' as a Docker Hub namespace"],
    ['', 'is empty'],
    ['https://', 'is empty'],
  ])('rejects the registry url %j', (url, message) => {
    const [line] = problems(registry({type: 'registry', url}));
    expect(line.startsWith('registry.url: ')).toBe(true);
    expect(line).toContain(message);
  });

  it('requires the url of a generic registry', () => {
    expect(problems(registry({type: 'registry'}))[0]).toMatch(/^registry\.url: required: the registry address/);
  });

  it('keeps the local registry free of prefix and credentials', () => {
    expect(problems(registry({type: 'local', prefix: 'x', credentials: {username: 'u'}}))).toEqual([
      'registry.prefix: a local registry takes no prefix (local tags are dokroll/<service>:v<n>)',
      'registry.credentials: a local registry takes no credentials',
    ]);
  });

  it('checks credentials: passwordEnv is a variable name, and an empty block is an error', () => {
    const lines = problems(registry({type: 'ghcr', prefix: 'me', credentials: {passwordEnv: 'hunter2!'}}));
    expect(lines).toEqual([
      'registry.credentials.passwordEnv: must be the NAME of an environment variable ' +
        "(letters, digits and '_'), not the password",
    ]);
    expect(problems(registry({type: 'ghcr', prefix: 'me', credentials: {passwordEnv: 12345}}))).toEqual([
      'registry.credentials.passwordEnv: expected the name of an environment variable',
    ]);
    expect(problems(registry({type: 'ghcr', prefix: 'me', credentials: {}}))).toEqual([
      'registry.credentials: set username and passwordEnv, or remove credentials to use your docker login',
    ]);
  });

  it('words type and range errors for the operator', () => {
    expect(problems({readOnly: 'yes', retention: {keep: 1}, services: {web: {retention: {keep: 2.5}}}})).toEqual([
      "readOnly: expected true or false, got 'yes'",
      'retention.keep: must be at least 2 (the live version and the one before it are always kept)',
      'services.web.retention.keep: must be a whole number',
    ]);
    expect(problems({services: []})).toEqual(['services: expected a mapping, got a list']);
    expect(problems(null)).toEqual(['(top level): expected a mapping, got null']);
    expect(problems({registry: null})).toEqual(['registry: expected a mapping, got null']);
  });

  it('rejects service names Docker would not accept, quoting odd keys in the path', () => {
    expect(problems({services: {'-web': {}}})[0]).toMatch(/^services\["-web"\]: invalid service name '-web'/);
    expect(problems({services: {'my.app': {readOnly: 1}}})).toEqual([
      'services["my.app"].readOnly: expected true or false, got 1',
    ]);
  });

  it('accepts durations as text with units or as milliseconds', () => {
    const ok = validate(ConfigFileSchema, {recorder: {stabilityWindow: '1m30s'}});
    expect(ok).toEqual({ok: true, value: {recorder: {stabilityWindow: 90_000}}});
    expect(problems({recorder: {stabilityWindow: '30'}})).toEqual([
      "recorder.stabilityWindow: expected a duration such as '30s', '2m', '500ms' or a number of milliseconds, " +
        "got '30'",
    ]);
    expect(problems({recorder: {stabilityWindow: -5}})[0]).toMatch(/^recorder\.stabilityWindow: expected a duration/);
  });
});

describe('durations', () => {
  it('parses units and sums compound durations', () => {
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('2m')).toBe(120_000);
    expect(parseDuration('1h')).toBe(3_600_000);
    expect(parseDuration('1.5s')).toBe(1500);
    expect(parseDuration('1m30s')).toBe(90_000);
    expect(parseDuration(250)).toBe(250);
  });

  it('refuses unitless text, unknown units, negatives and other types', () => {
    for (const bad of ['30', '30 s', '5d', '', 's', -1, Number.NaN, true, null, {}]) {
      expect(parseDuration(bad)).toBeNull();
    }
  });

  it('formats milliseconds back to short text', () => {
    expect(formatDuration(90_000)).toBe('1m30s');
    expect(formatDuration(3_600_000)).toBe('1h');
    expect(formatDuration(1500)).toBe('1500ms');
    expect(formatDuration(0)).toBe('0ms');
  });
});

describe('config schema: node Engines', () => {
  it("accepts nodes by hostname or node ID, each with its Engine's address as DOCKER_HOST takes it", () => {
    expect(
      validate(ConfigFileSchema, {
        nodes: {
          'worker-1': {host: 'unix:///run/worker-1/docker.sock'},
          '3f2a9c1b04de5a6b7c8d9e0f1': {host: 'ssh://ops@worker-2'},
          'worker-3.example.com': {host: 'tcp://10.0.0.3:2376'},
        },
      }),
    ).toMatchObject({ok: true});
  });

  it('names the node and what is wrong with its address, and refuses unknown keys', () => {
    expect(problems({nodes: {'worker-1': {host: 'worker-1:2375'}}})).toEqual([
      expect.stringMatching(/^nodes\.worker-1\.host: invalid Docker host 'worker-1:2375': expected unix:\/\/\//),
    ]);
    expect(problems({nodes: {'worker-1': {host: 'http://worker-1'}}})[0]).toMatch(
      /invalid Docker host 'http:\/\/worker-1'/,
    );
    expect(problems({nodes: {'worker-1': {}}})[0]).toMatch(/^nodes\.worker-1\.host: required: the address/);
    expect(problems({nodes: {'worker-1': {host: 'unix:///s', tls: true}}})[0]).toMatch(
      /^nodes\.worker-1\.tls: unknown key \(expected 'host'\)/,
    );
    expect(problems({nodes: {'bad node': {host: 'unix:///s'}}})[0]).toMatch(/invalid node 'bad node'/);
  });
});
