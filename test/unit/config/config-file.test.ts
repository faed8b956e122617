import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {
  defaultConfigDir,
  locateConfigFile,
  parseConfigText,
  readConfigFile,
} from '../../../source/config/config-file.js';
import {ConfigError} from '../../../source/config/errors.js';

let home: string;
let env: NodeJS.ProcessEnv;

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'dokroll-config-'));
  env = {HOME: home};
});
afterEach(() => rmSync(home, {recursive: true, force: true}));

function write(path: string, text: string): string {
  mkdirSync(join(path, '..'), {recursive: true});
  writeFileSync(path, text);
  return path;
}

async function configErrorOf(promise: Promise<unknown>): Promise<ConfigError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
}

describe('locating the config file', () => {
  it('uses ~/.config/dokroll when XDG_CONFIG_HOME is unset or relative', () => {
    expect(defaultConfigDir({HOME: '/h'})).toBe('/h/.config/dokroll');
    expect(defaultConfigDir({HOME: '/h', XDG_CONFIG_HOME: 'relative'})).toBe('/h/.config/dokroll');
    expect(defaultConfigDir({HOME: '/h', XDG_CONFIG_HOME: '/xdg'})).toBe('/xdg/dokroll');
  });

  it('returns null when no file is named and none exists at the default place', async () => {
    expect(await locateConfigFile({env})).toBeNull();
  });

  it('finds config.json, config.yaml or config.yml in the XDG config directory', async () => {
    const xdg = join(home, 'xdg');
    const path = write(join(xdg, 'dokroll', 'config.yml'), 'readOnly: true\n');
    expect(await locateConfigFile({env: {...env, XDG_CONFIG_HOME: xdg}})).toEqual({path, source: 'default'});
  });

  it('refuses to guess when several default files exist', async () => {
    write(join(home, '.config', 'dokroll', 'config.json'), '{}');
    write(join(home, '.config', 'dokroll', 'config.yaml'), '');
    const error = await configErrorOf(locateConfigFile({env}));
    expect(error.message).toMatch(/several config files found: .*config\.json, .*config\.yaml; keep only one/);
    expect(error.exitCode).toBe(2);
  });

  it('prefers --config over DOKROLL_CONFIG over the default file, resolving relative paths', async () => {
    write(join(home, '.config', 'dokroll', 'config.json'), '{}');
    const fromEnv = write(join(home, 'env.yaml'), '');
    const fromFlag = write(join(home, 'flag.json'), '{}');
    const withEnv = {...env, DOKROLL_CONFIG: fromEnv};
    const flagged = await locateConfigFile({env: withEnv, path: 'flag.json', cwd: home});
    expect(flagged).toEqual({path: fromFlag, source: 'flag'});
    expect(await locateConfigFile({env: withEnv})).toEqual({path: fromEnv, source: 'env'});
  });

  it('fails when an explicitly named file is missing, saying who named it', async () => {
    const missing = join(home, 'nope.yaml');
    const byFlag = await configErrorOf(locateConfigFile({env, path: missing}));
    expect(byFlag.message).toBe(`config file not found: ${missing} (given by --config)`);
    expect(byFlag.exitCode).toBe(2);
    const byEnv = await configErrorOf(locateConfigFile({env: {...env, DOKROLL_CONFIG: missing}}));
    expect(byEnv.message).toBe(`config file not found: ${missing} (given by DOKROLL_CONFIG)`);
  });

  it('fails when the named path is a directory', async () => {
    const error = await configErrorOf(locateConfigFile({env, path: home}));
    expect(error.message).toMatch(/is a directory$/);
  });
});

describe('reading the config file', () => {
  it('reads JSON and YAML by extension and sniffs other names', async () => {
    const yaml = write(join(home, 'a.yaml'), 'readOnly: true\n');
    const json = write(join(home, 'a.json'), '{"readOnly": true}');
    const sniffed = write(join(home, 'dokroll.conf'), '  {"readOnly": false}');
    expect(await readConfigFile({path: yaml, source: 'flag'})).toMatchObject({format: 'yaml', data: {readOnly: true}});
    expect(await readConfigFile({path: json, source: 'flag'})).toMatchObject({format: 'json', data: {readOnly: true}});
    const sniffedContents = await readConfigFile({path: sniffed, source: 'flag'});
    expect(sniffedContents).toMatchObject({format: 'json', data: {readOnly: false}});
  });

  it('reports YAML errors as FILE:LINE:COLUMN: reason', async () => {
    await expect(parseConfigText('a: 1\nb: [1\n', 'yaml', '/etc/x.yaml')).rejects.toThrow(
      expect.objectContaining({
        name: 'ConfigError',
        message: '/etc/x.yaml:3:1: Flow sequence in block collection must be sufficiently indented and end with a ]',
        file: '/etc/x.yaml',
        exitCode: 2,
      }),
    );
  });

  it('reports JSON errors with the line and without echoing the file', async () => {
    await expect(parseConfigText('{\n  "a": 1,\n}', 'json', '/x.json')).rejects.toThrow(/^\/x\.json:3: invalid JSON: /);
    let message = '';
    try {
      await parseConfigText('{"passwordEnv": tru}', 'json', '/x.json');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^\/x\.json: invalid JSON: Unexpected token/);
    expect(message).not.toContain('passwordEnv');
  });

  it('ignores a byte order mark', async () => {
    expect(await parseConfigText('\uFEFF{"readOnly": true}', 'json', 'x.json')).toEqual({readOnly: true});
    expect(await parseConfigText('\uFEFFreadOnly: true\n', 'yaml', 'x.yaml')).toEqual({readOnly: true});
  });

  it('fails with the file name when the file cannot be read', async () => {
    const path = join(home, 'vanished.json');
    const error = await configErrorOf(readConfigFile({path, source: 'flag'}));
    expect(error.message).toContain(`cannot read config file ${path}`);
  });
});
