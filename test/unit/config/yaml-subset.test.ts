import {readFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {YamlSubsetError, parseYamlSubset} from '../../../source/config/yaml-subset.js';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/config/${name}`, import.meta.url), 'utf8');

/** The error a document raises, as {line, reason}. */
function rejection(source: string): {line: number; reason: string} {
  try {
    parseYamlSubset(source);
  } catch (error) {
    expect(error).toBeInstanceOf(YamlSubsetError);
    const {line, reason} = error as YamlSubsetError;
    return {line, reason};
  }
  throw new Error('expected the document to be rejected');
}

describe('the YAML subset', () => {
  it('parses the documented example to the same data as its JSON twin', () => {
    expect(parseYamlSubset(fixture('example.yaml'))).toEqual(JSON.parse(fixture('example.json')));
  });

  it('reads nested mappings by indentation', () => {
    expect(parseYamlSubset('a:\n  b:\n    c: 1\n  d: 2\ne: 3\n')).toEqual({a: {b: {c: 1}, d: 2}, e: 3});
  });

  it('resolves plain scalars with the YAML 1.2 core rules and leaves yes/no/on/off as strings', () => {
    const doc = parseYamlSubset(
      ['i: 42', 'neg: -7', 'f: 1.5', 'e: 1e3', 't: true', 'F: False', 'n: null', 'tilde: ~', 'empty:', 'yes: yes',
        'off: off', 'dur: 30s', 'url: https://reg.example.com:5000', 'hostport: 127.0.0.1:5000', 'ver: 1.2.3',
        'hex: 0x1F'].join('\n'),
    );
    expect(doc).toEqual({
      i: 42, neg: -7, f: 1.5, e: 1000, t: true, F: false, n: null, tilde: null, empty: null, yes: 'yes',
      off: 'off', dur: '30s', url: 'https://reg.example.com:5000', hostport: '127.0.0.1:5000', ver: '1.2.3',
      hex: '0x1F',
    });
  });

  it('reads double-quoted strings with escapes and single-quoted strings with doubled quotes', () => {
    const doc = parseYamlSubset(`a: "x: #1\\n\\t\\"q\\" \\u00e9"\nb: 'it''s # not a comment'\n"quoted key": 'true'\n`);
    expect(doc).toEqual({a: 'x: #1\n\t"q" é', b: "it's # not a comment", 'quoted key': 'true'});
  });

  it('strips comments that follow a space, and keeps # inside a word', () => {
    expect(parseYamlSubset('# head\na: b # tail\nc: d#e\n  # indented comment\n')).toEqual({a: 'b', c: 'd#e'});
  });

  it('reads lists of scalars and of mappings, indented or at the key’s own column', () => {
    const doc = parseYamlSubset(
      ['hosts:', '  - a', '  - 2', 'compact:', '- x', '- y', 'items:', '  - name: one', '    port: 1',
        '  - name: two', '    tags:', '    - t1', '    nested:', '      deep: true', 'after: end'].join('\n'),
    );
    expect(doc).toEqual({
      hosts: ['a', 2],
      compact: ['x', 'y'],
      items: [{name: 'one', port: 1}, {name: 'two', tags: ['t1'], nested: {deep: true}}],
      after: 'end',
    });
  });

  it('accepts CRLF line ends, one leading --- and an empty document', () => {
    expect(parseYamlSubset('---\r\na: 1\r\nb:\r\n  c: 2\r\n')).toEqual({a: 1, b: {c: 2}});
    expect(parseYamlSubset('')).toEqual({});
    expect(parseYamlSubset('# only a comment\n\n')).toEqual({});
  });

  it('keeps __proto__ as an ordinary key', () => {
    const doc = parseYamlSubset('__proto__:\n  polluted: true\n');
    expect(Object.getPrototypeOf(doc)).toBe(Object.prototype);
    expect(Object.keys(doc)).toEqual(['__proto__']);
  });

  it.each([
    ['a:\n\tb: 1\n', 2, /tab/],
    ['a: 1\nb:\t2\n', 2, /tab/],
    ['a: &anchor 1\n', 1, /anchors/],
    ['a: 1\nb: *alias\n', 2, /aliases/],
    ['a: !!str 1\n', 1, /tags/],
    ['a: [1, 2]\n', 1, /flow collections/],
    ['a:\n  b: {c: 1}\n', 2, /flow collections/],
    ['a:\n  - [x]\n', 2, /flow collections/],
    ['{a: 1}\n', 1, /flow collections/],
    ['a: |\n  text\n', 1, /block scalars/],
    ['a: >\n  text\n', 1, /block scalars/],
    ['a: 1\na: 2\n', 2, /duplicate key 'a'/],
    ['a: b: c\n', 1, /cannot contain ': '/],
    ['a: one\n  two\n', 2, /unexpected indentation/],
    ['a:\n  plain text\n', 2, /same line as the key/],
    ['a:\n  b: 1\n   c: 2\n', 3, /unexpected indentation/],
    ['a:\n  - - x\n', 2, /nested lists/],
    ['a:\n  -\n', 2, /empty list item/],
    ['a: - x\n', 1, /list cannot start on the same line/],
    ['- a\n- b\n', 1, /must be a mapping/],
    ['just text\n', 1, /must be a mapping/],
    ['a: 1\n---\nb: 2\n', 2, /only one YAML document/],
    ['%YAML 1.2\na: 1\n', 1, /directives/],
    ['a: "unterminated\n', 1, /unterminated/],
    ['a: "bad \\q escape"\n', 1, /escape/],
    ['a: "x" trailing\n', 1, /after a quoted string/],
    ['<<: x\n', 1, /merge keys/],
    ['? complex\n', 1, /complex keys/],
    ['a:\n  b: 1\nc\n', 3, /key: value/],
    ['a:\n  - x\n  b: 1\n', 3, /unexpected indentation/],
    ['a: 99999999999999999999\n', 1, /out of range/],
    ['a: @x\n', 1, /cannot start with '@'/],
  ])('rejects %j at line %i', (source, line, reason) => {
    const error = rejection(source);
    expect(error.line).toBe(line);
    expect(error.reason).toMatch(reason);
  });

  it('puts the line number in the error message', () => {
    expect(() => parseYamlSubset('a: 1\n\n# c\nb: &x 2\n')).toThrow('line 4: anchors (&) are not supported');
  });
});
