/**
 * A small, strict YAML subset: enough for a config file, and nothing that could surprise.
 *
 * Supported: block mappings nested by indentation (spaces only), block lists (`- `) of scalars or of
 * mappings, `#` comments, an optional leading `---`, and scalars: plain or quoted strings, decimal
 * numbers, true/false, null/~ (YAML 1.2 core schema; `yes`/`no`/`on`/`off` stay strings).
 * Rejected with the line number: tabs, anchors, aliases, tags, flow collections (`[ ]`, `{ }`), block
 * scalars (`|`, `>`), multi-line values, nested lists, directives, several documents, duplicate keys.
 * The top level is always a mapping; an empty document is an empty mapping.
 */

export type YamlScalar = string | number | boolean | null;
export type YamlValue = YamlScalar | YamlValue[] | {[key: string]: YamlValue};

export class YamlSubsetError extends Error {
  constructor(
    readonly line: number,
    readonly reason: string,
  ) {
    super(`line ${line}: ${reason}`);
    this.name = 'YamlSubsetError';
  }
}

// One meaningful line. Entry.value is undefined when nothing follows the colon (a nested block or null).
interface Entry {kind: 'entry'; indent: number; line: number; key: string; value: YamlScalar | undefined}
interface ScalarLine {kind: 'scalar'; indent: number; line: number; value: YamlScalar}
interface Item {kind: 'item'; indent: number; line: number; inner: Entry | ScalarLine}
type Line = Entry | ScalarLine | Item;

const fail = (line: number, reason: string): never => {
  throw new YamlSubsetError(line, reason);
};

const FLOW = 'flow collections ([ ] and { }) are not supported; use block style';
const BLOCK = 'block scalars (| and >) are not supported; use a quoted string';
const START_INDICATORS: Record<string, string> = {
  '&': 'anchors (&) are not supported', '*': 'aliases (*) are not supported', '!': 'tags (!) are not supported',
  '[': FLOW, ']': FLOW, '{': FLOW, '}': FLOW, '|': BLOCK, '>': BLOCK,
};

function checkPlainStart(text: string, line: number, isValue: boolean): void {
  const first = text[0];
  if (START_INDICATORS[first]) fail(line, START_INDICATORS[first]);
  if ('%@`,'.includes(first)) fail(line, `a value cannot start with '${first}'; quote it`);
  if (first === '?' && (text.length === 1 || text[1] === ' ')) fail(line, 'complex keys (?) are not supported');
  if (isValue && first === '-' && (text.length === 1 || text[1] === ' ')) {
    fail(line, 'a list cannot start on the same line as its key; put each item on its own line');
  }
}

/** Reads a quoted scalar starting at text[0]; returns its value and the index after the closing quote. */
function readQuoted(text: string, line: number): {value: string; end: number} {
  const quote = text[0];
  let value = '';
  for (let i = 1; i < text.length; i++) {
    const c = text[i];
    if (quote === "'") {
      if (c !== "'") value += c;
      else if (text[i + 1] === "'") (value += "'"), i++;
      else return {value, end: i + 1};
    } else if (c === '"') {
      return {value, end: i + 1};
    } else if (c === '\\') {
      const e = text[++i];
      const simple: Record<string, string> = {n: '\n', t: '\t', r: '\r', '0': '\0', '\\': '\\', '"': '"', '/': '/'};
      if (e !== undefined && simple[e] !== undefined) value += simple[e];
      else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) {
        value += String.fromCharCode(parseInt(text.slice(i + 1, i + 5), 16));
        i += 4;
      } else fail(line, `unsupported escape sequence '\\${e ?? ''}' in a double-quoted string`);
    } else value += c;
  }
  return fail(line, 'unterminated quoted string (quoted strings must end on the same line)');
}

/** After a quoted scalar only spaces and a comment may follow. */
function checkRest(rest: string, line: number): void {
  const trimmed = rest.trimStart();
  if (trimmed === '' || (trimmed.startsWith('#') && trimmed !== rest)) return;
  fail(line, `unexpected text after a quoted string: '${trimmed}'`);
}

function resolvePlain(text: string, line: number): YamlScalar {
  if (/^(?:null|Null|NULL|~)$/.test(text)) return null;
  if (/^(?:true|True|TRUE)$/.test(text)) return true;
  if (/^(?:false|False|FALSE)$/.test(text)) return false;
  if (/^[-+]?(?:[0-9]+|[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$/.test(text)) {
    const n = Number(text);
    if (!Number.isFinite(n) || (/^[-+]?[0-9]+$/.test(text) && !Number.isSafeInteger(n))) {
      fail(line, `number out of range: ${text}`);
    }
    return n;
  }
  return text;
}

/** A value after `key:` (or after `- `): undefined when there is none. */
function parseValue(text: string, line: number): YamlScalar | undefined {
  const t = text.trimStart();
  if (t === '' || t.startsWith('#')) return undefined;
  if (t[0] === '"' || t[0] === "'") {
    const {value, end} = readQuoted(t, line);
    checkRest(t.slice(end), line);
    return value;
  }
  checkPlainStart(t, line, true);
  let end = t.length;
  for (let i = 0; i < t.length; i++) {
    if (t[i] === '\t') fail(line, 'tab characters are not allowed (use spaces)');
    if (t[i] === '#' && t[i - 1] === ' ') {
      end = i;
      break;
    }
    if (t[i] === ':' && (i + 1 === t.length || t[i + 1] === ' ')) {
      fail(line, "a value cannot contain ': ' or end with ':' (quote it; nested mappings go on the next lines)");
    }
  }
  return resolvePlain(t.slice(0, end).trimEnd(), line);
}

/** One line's content (after its indentation): a list item, a `key: value` entry, or a lone scalar. */
function parseContent(text: string, indent: number, line: number): Line {
  if (text === '-' || text.startsWith('- ')) {
    const after = text.slice(1);
    const inner = after.trimStart();
    if (inner === '' || inner.startsWith('#')) fail(line, "empty list item (put the value on the same line as '-')");
    if (inner === '-' || inner.startsWith('- ')) fail(line, 'nested lists are not supported');
    const parsed = parseContent(inner, indent + 1 + after.length - inner.length, line);
    return {kind: 'item', indent, line, inner: parsed as Entry | ScalarLine};
  }
  if (text[0] === '"' || text[0] === "'") {
    const {value, end} = readQuoted(text, line);
    const colon = /^ *:(?: |$)/.exec(text.slice(end));
    if (colon) return entry(value, text.slice(end + colon[0].length), indent, line);
    checkRest(text.slice(end), line);
    return {kind: 'scalar', indent, line, value};
  }
  checkPlainStart(text, line, false);
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\t') fail(line, 'tab characters are not allowed (use spaces)');
    if (text[i] === '#' && text[i - 1] === ' ') break;
    if (text[i] === ':' && (i + 1 === text.length || text[i + 1] === ' ')) {
      const key = text.slice(0, i).trimEnd();
      if (key === '') fail(line, "missing key before ':'");
      if (key === '<<') fail(line, 'merge keys (<<) are not supported');
      return entry(key, text.slice(i + 1), indent, line);
    }
  }
  return {kind: 'scalar', indent, line, value: parseValue(text, line) ?? null};
}

function entry(key: string, rest: string, indent: number, line: number): Entry {
  return {kind: 'entry', indent, line, key, value: parseValue(rest, line)};
}

function tokenize(source: string): Line[] {
  const out: Line[] = [];
  const raw = source.split(/\r?\n/);
  for (let n = 0; n < raw.length; n++) {
    const text = raw[n];
    const line = n + 1;
    const indent = /^ */.exec(text)![0].length;
    const rest = text.slice(indent);
    if (rest.trim() === '' || rest.startsWith('#')) continue;
    if (rest.startsWith('\t')) fail(line, 'tab characters are not allowed in indentation (use spaces)');
    if (indent === 0 && /^(?:---|\.\.\.)(?:\s|$)/.test(rest)) {
      if (out.length === 0 && rest.startsWith('---') && /^---\s*(?:#.*)?$/.test(rest)) continue;
      fail(line, 'only one YAML document is supported (no --- or ... after the start)');
    }
    if (rest.startsWith('%')) fail(line, 'directives (%) are not supported');
    out.push(parseContent(rest.trimEnd(), indent, line));
  }
  return out;
}

/** Parses the YAML subset described above; throws YamlSubsetError naming the line. */
export function parseYamlSubset(source: string): {[key: string]: YamlValue} {
  const lines = tokenize(source);
  let i = 0;

  const setKey = (map: {[key: string]: YamlValue}, key: string, value: YamlValue): void => {
    Object.defineProperty(map, key, {value, enumerable: true, writable: true, configurable: true});
  };

  const parseMap = (indent: number): {[key: string]: YamlValue} => {
    const map: {[key: string]: YamlValue} = {};
    while (i < lines.length) {
      const ln = lines[i];
      if (ln.indent < indent) break;
      if (ln.indent > indent) fail(ln.line, 'unexpected indentation (multi-line values are not supported)');
      if (ln.kind === 'item') fail(ln.line, "a list item ('- ') where a 'key: value' was expected");
      if (ln.kind === 'scalar') fail(ln.line, "expected 'key: value'");
      const {key, value, line} = ln as Entry;
      if (Object.prototype.hasOwnProperty.call(map, key)) fail(line, `duplicate key '${key}'`);
      i++;
      if (value !== undefined) {
        setKey(map, key, value);
        continue;
      }
      const next = lines[i];
      if (next && next.indent > indent) {
        if (next.kind === 'scalar') fail(next.line, `put the value of '${key}' on the same line as the key`);
        setKey(map, key, next.kind === 'item' ? parseList(next.indent) : parseMap(next.indent));
      } else if (next && next.indent === indent && next.kind === 'item') {
        setKey(map, key, parseList(indent));
      } else {
        setKey(map, key, null);
      }
    }
    return map;
  };

  const parseList = (indent: number): YamlValue[] => {
    const list: YamlValue[] = [];
    while (i < lines.length) {
      const ln = lines[i];
      if (ln.indent < indent || (ln.indent === indent && ln.kind !== 'item')) break;
      if (ln.indent > indent) fail(ln.line, 'unexpected indentation (multi-line values are not supported)');
      const {inner} = ln as Item;
      if (inner.kind === 'scalar') {
        list.push(inner.value);
        i++;
      } else {
        lines[i] = inner; // the item's first key opens a mapping at the key's column
        list.push(parseMap(inner.indent));
      }
    }
    return list;
  };

  if (lines.length === 0) return {};
  if (lines[0].kind !== 'entry') fail(lines[0].line, "the document must be a mapping of 'key: value' lines");
  if (lines[0].indent !== 0) fail(lines[0].line, 'top-level keys must start at the beginning of the line');
  const doc = parseMap(0);
  if (i < lines.length) fail(lines[i].line, 'unexpected indentation');
  return doc;
}
