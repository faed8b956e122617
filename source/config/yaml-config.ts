/**
 * YAML config files, read with the `yaml` package in strict mode: YAML 1.2 core schema (`yes`/`no`/
 * `on`/`off` stay strings), unique keys, merge keys (`<<: *defaults`), one document. Flow
 * collections, block scalars, anchors and aliases work as YAML says. Every problem — errors and
 * warnings alike (an unknown tag, an alias without its anchor) — is a YamlConfigError with its line
 * and column. The top level is a mapping; an empty document is an empty mapping. What the values
 * mean is the config schema's business (zod, naming the key), not this file's.
 */
import {isAlias, LineCounter, parseDocument, visit, type Document} from 'yaml';
import {terminalSafe} from '../shared/terminal-text.js';

export class YamlConfigError extends Error {
  constructor(
    readonly line: number,
    readonly column: number,
    readonly reason: string,
  ) {
    super(`line ${line}, column ${column}: ${reason}`);
    this.name = 'YamlConfigError';
  }
}

/** Aliases expand at most this many times: a config file never needs more ("billion laughs"). */
const MAX_ALIAS_COUNT = 100;

/** The first of the error's sentences, without the library's hints about its own API. */
function reasonOf(message: string): string {
  return terminalSafe(
    message.replace(/; please use YAML\.parseAllDocuments\(\)/, ': a config file holds one document').split('\n')[0]!,
  );
}

function unresolvedAlias(doc: Document): {offset: number; name: string} | null {
  let found: {offset: number; name: string} | null = null;
  visit(doc, {
    Alias(_, node) {
      if (isAlias(node) && node.resolve(doc) === undefined) {
        found = {offset: node.range?.[0] ?? 0, name: node.source};
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}

/** The parsed document (not yet validated), or a YamlConfigError at the first problem. */
export function parseYamlConfig(text: string): unknown {
  const lines = new LineCounter();
  const fail = (offset: number, reason: string): never => {
    const {line, col} = lines.linePos(offset);
    throw new YamlConfigError(line, col, reason);
  };
  const doc = parseDocument(text, {
    version: '1.2',
    schema: 'core',
    uniqueKeys: true,
    strict: true,
    merge: true,
    prettyErrors: false,
    lineCounter: lines,
  });
  const problem = doc.errors[0] ?? doc.warnings[0];
  if (problem) fail(problem.pos[0], reasonOf(problem.message));
  const alias = unresolvedAlias(doc);
  if (alias) fail(alias.offset, `alias *${alias.name} has no anchor &${alias.name} before it`);
  const data: unknown = doc.toJS({maxAliasCount: MAX_ALIAS_COUNT});
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data)) {
    fail(doc.contents?.range?.[0] ?? 0, 'the top level of a config file must be a mapping (key: value lines)');
  }
  return data;
}
