import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {configFromData, loadConfig} from '../../../source/config/effective-config.js';
import {ConfigError} from '../../../source/config/errors.js';
import {YamlConfigError, parseYamlConfig} from '../../../source/config/yaml-config.js';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/config/${name}`, import.meta.url), 'utf8');

/** The error a document raises, as {line, column, reason}. */
function rejection(source: string): {line: number; column: number; reason: string} {
  try {
    parseYamlConfig(source);
  } catch (error) {
    expect(error).toBeInstanceOf(YamlConfigError);
    const {line, column, reason} = error as YamlConfigError;
    return {line, column, reason};
  }
  throw new Error('expected the document to be rejected');
}

describe('YAML config files (the yaml library, strict)', () => {
  it('parses the documented example to the same data as its JSON twin', () => {
    expect(parseYamlConfig(fixture('example.yaml'))).toEqual(JSON.parse(fixture('example.json')));
  });

  it('reads flow lists and flow mappings', () => {
    expect(parseYamlConfig('hosts: [a, 2, "c d"]\nretention: {keep: 20}\nnested:\n  - [x, y]\n')).toEqual({
      hosts: ['a', 2, 'c d'],
      retention: {keep: 20},
      nested: [['x', 'y']],
    });
  });

  it('reads literal and folded block scalars', () => {
    expect(parseYamlConfig('literal: |\n  line one\n  line two\nfolded: >-\n  folded\n  text\n')).toEqual({
      literal: 'line one\nline two\n',
      folded: 'folded text',
    });
  });

  it('reads anchors, aliases and merge keys', () => {
    const doc = parseYamlConfig(
      [
        'ghcr: &ghcr',
        '  type: ghcr',
        '  prefix: acme/rollbacks',
        'services:',
        '  web:',
        '    registry: *ghcr',
        '  api:',
        '    registry:',
        '      <<: *ghcr',
        '      prefix: acme/api',
      ].join('\n'),
    );
    expect(doc).toEqual({
      ghcr: {type: 'ghcr', prefix: 'acme/rollbacks'},
      services: {
        web: {registry: {type: 'ghcr', prefix: 'acme/rollbacks'}},
        api: {registry: {type: 'ghcr', prefix: 'acme/api'}},
      },
    });
  });

  it('resolves plain scalars with the YAML 1.2 core schema: yes/no/on/off stay strings', () => {
    expect(
      parseYamlConfig('t: true\nn: null\ntilde: ~\ny: yes\noff: off\ndur: 30s\nhostport: 127.0.0.1:5000\n'),
    ).toEqual({
      t: true,
      n: null,
      tilde: null,
      y: 'yes',
      off: 'off',
      dur: '30s',
      hostport: '127.0.0.1:5000',
    });
  });

  it('takes an empty document as an empty mapping and keeps __proto__ an ordinary key', () => {
    expect(parseYamlConfig('')).toEqual({});
    expect(parseYamlConfig('# only a comment\n')).toEqual({});
    const doc = parseYamlConfig('__proto__:\n  polluted: true\n') as object;
    expect(Object.getPrototypeOf(doc)).toBe(Object.prototype);
    expect(Object.keys(doc)).toEqual(['__proto__']);
  });

  it.each([
    ['a: 1\nb: 2\na: 3\n', 3, 1, /unique/],
    ['a:\n\tb: 1\n', 2, 1, /[Tt]ab/],
    ['a: [1, 2\n', 2, 1, /flow sequence .* end with a \]/i],
    ['a: "unterminated\n', 2, 1, /Missing closing "quote/],
    ['a: 1\n---\nb: 2\n', 2, 1, /one document/],
    ['a: !custom x\n', 1, 4, /Unresolved tag: !custom/],
    ['a: 1\nb: *nowhere\n', 2, 4, /alias \*nowhere has no anchor/],
    ['- a\n- b\n', 1, 1, /top level .* must be a mapping/],
    ['just text\n', 1, 1, /must be a mapping/],
  ])('rejects %j at line %i, column %i', (source, line, column, reason) => {
    const error = rejection(source);
    expect(error).toMatchObject({line, column});
    expect(error.reason).toMatch(reason);
    expect(error.reason).not.toContain('\n');
  });

  it('limits how far aliases expand', () => {
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]',
    ].join('\n');
    expect(() => parseYamlConfig(bomb)).toThrow(/alias/i);
  });
});

describe('a YAML config file through the schema', () => {
  it('accepts flow mappings, block scalars and merged anchors in a real config', async () => {
    const home = mkdtempSync(join(tmpdir(), 'dokroll-yaml-'));
    try {
      const path = join(home, 'config.yaml');
      writeFileSync(
        path,
        [
          'retention: {keep: 5}',
          'registry: &shared',
          '  type: dockerhub',
          '  prefix: >-',
          '    acme',
          'services:',
          '  web: {retention: {keep: 3}, readOnly: true}',
          '  api:',
          '    registry:',
          '      <<: *shared',
          '      prefix: acme-api',
        ].join('\n'),
      );
      const config = await loadConfig({path, env: {HOME: home}});
      expect(config.retentionFor('web')).toEqual({keep: 3});
      expect(config.retentionFor('other')).toEqual({keep: 5});
      expect(config.readOnlyReason('web')).toMatch(/services.web.readOnly/);
      expect(config.registryFor('api')).toEqual({type: 'dockerhub', prefix: 'acme-api'});
      expect(config.registryFor('web')).toEqual({type: 'dockerhub', prefix: 'acme'});
    } finally {
      rmSync(home, {recursive: true, force: true});
    }
  });

  it('names the key when a flow list stands where a value of another kind belongs', () => {
    expect(() => configFromData(parseYamlConfig('readOnly: [true]\n'), {file: '/c.yaml'})).toThrow(
      /^\/c\.yaml: readOnly: expected true or false/,
    );
  });

  it('puts the file, line and column in a syntax error', async () => {
    const home = mkdtempSync(join(tmpdir(), 'dokroll-yaml-'));
    try {
      const path = join(home, 'config.yaml');
      writeFileSync(path, 'readOnly: true\nretention:\n  keep: 3\n  keep: 4\n');
      const error = await loadConfig({path, env: {HOME: home}}).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).exitCode).toBe(2);
      expect((error as ConfigError).message).toMatch(new RegExp(`^${path}:4:3: Map keys must be unique$`));
    } finally {
      rmSync(home, {recursive: true, force: true});
    }
  });
});
