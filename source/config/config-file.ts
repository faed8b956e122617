/**
 * Finding and reading the config file. Precedence: `--config PATH`, then `DOKROLL_CONFIG`, then
 * `$XDG_CONFIG_HOME/dokroll/config.{json,yaml,yml}` (XDG_CONFIG_HOME defaults to ~/.config).
 * A missing default file means "all defaults"; a missing file that was named explicitly is an error.
 */
import {open, stat} from 'node:fs/promises';
import {homedir} from 'node:os';
import {extname, isAbsolute, join, resolve} from 'node:path';
import {ConfigError} from './errors.js';

export type ConfigSource = 'flag' | 'env' | 'default';
export type ConfigFormat = 'json' | 'yaml';

export interface ConfigLocation {
  path: string;
  source: ConfigSource;
}

export interface LocateConfigOptions {
  /** From `--config PATH`. */
  path?: string;
  env?: NodeJS.ProcessEnv;
  /** Base for a relative path (default: process.cwd()). */
  cwd?: string;
}

export interface ConfigFileContents extends ConfigLocation {
  format: ConfigFormat;
  /** Parsed but not yet validated. */
  data: unknown;
}

const DEFAULT_NAMES = ['config.json', 'config.yaml', 'config.yml'];

/** A config file is a few KiB; anything over 1 MiB is refused before it is read or parsed. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

const mib = (bytes: number) => `${(bytes / MAX_CONFIG_BYTES).toFixed(1)} MiB`;

/**
 * The file's text, refused when it is over MAX_CONFIG_BYTES: checked on the open file's size first,
 * and while reading (a pipe or a growing file has no size to check up front).
 */
async function readBounded(path: string): Promise<string> {
  const tooLarge = (size: number | null) =>
    new ConfigError(
      `config file ${path} is larger than 1 MiB${size === null ? '' : ` (${mib(size)})`}; refused without reading it`,
      {file: path},
    );
  const handle = await open(path, 'r');
  try {
    const {size} = await handle.stat();
    if (size > MAX_CONFIG_BYTES) throw tooLarge(size);
    const buffer = Buffer.alloc(MAX_CONFIG_BYTES + 1);
    let length = 0;
    for (;;) {
      const {bytesRead} = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > MAX_CONFIG_BYTES) throw tooLarge(null);
    }
    return buffer.toString('utf8', 0, length);
  } finally {
    await handle.close();
  }
}

/** `$XDG_CONFIG_HOME/dokroll` (a relative XDG_CONFIG_HOME is ignored, as the XDG spec says). */
export function defaultConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CONFIG_HOME;
  const base = xdg && isAbsolute(xdg) ? xdg : join(env.HOME || homedir(), '.config');
  return join(base, 'dokroll');
}

async function kindOf(path: string): Promise<'file' | 'dir' | 'missing'> {
  try {
    return (await stat(path)).isDirectory() ? 'dir' : 'file';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') {
      return 'missing';
    }
    throw new ConfigError(`cannot read config file ${path}: ${(error as Error).message}`, {file: path});
  }
}

/** Where the config file is, or null when no file was named and none exists at the default place. */
export async function locateConfigFile(opts: LocateConfigOptions = {}): Promise<ConfigLocation | null> {
  const env = opts.env ?? process.env;
  const explicit: [string, ConfigSource, string] | null = opts.path
    ? [opts.path, 'flag', '--config']
    : env.DOKROLL_CONFIG
      ? [env.DOKROLL_CONFIG, 'env', 'DOKROLL_CONFIG']
      : null;
  if (explicit) {
    const [given, source, origin] = explicit;
    const path = resolve(opts.cwd ?? process.cwd(), given);
    const kind = await kindOf(path);
    if (kind === 'missing') throw new ConfigError(`config file not found: ${path} (given by ${origin})`, {file: path});
    if (kind === 'dir') throw new ConfigError(`config file ${path} (given by ${origin}) is a directory`, {file: path});
    return {path, source};
  }
  const dir = defaultConfigDir(env);
  const found: string[] = [];
  for (const name of DEFAULT_NAMES) {
    const path = join(dir, name);
    const kind = await kindOf(path);
    if (kind === 'dir') throw new ConfigError(`config file ${path} is a directory`, {file: path});
    if (kind === 'file') found.push(path);
  }
  if (found.length > 1) {
    throw new ConfigError(`several config files found: ${found.join(', ')}; keep only one`, {file: found[0]});
  }
  return found.length === 1 ? {path: found[0], source: 'default'} : null;
}

/** `.json` is JSON, `.yaml`/`.yml` YAML; any other name is JSON when it starts with `{`, else YAML. */
export function formatOf(path: string, text: string): ConfigFormat {
  const ext = extname(path).toLowerCase();
  if (ext === '.json') return 'json';
  if (ext === '.yaml' || ext === '.yml') return 'yaml';
  return text.trimStart().startsWith('{') ? 'json' : 'yaml';
}

/**
 * Parses config text; syntax errors become ConfigError as `FILE:LINE:COLUMN: reason` (JSON: `FILE:LINE: reason`).
 * The YAML parser is loaded only for a YAML file: most runs have no config file at all.
 */
export async function parseConfigText(text: string, format: ConfigFormat, path: string): Promise<unknown> {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  if (format === 'yaml') {
    const {parseYamlConfig, YamlConfigError} = await import('./yaml-config.js');
    try {
      return parseYamlConfig(body);
    } catch (error) {
      if (!(error instanceof YamlConfigError)) throw error;
      throw new ConfigError(`${path}:${error.line}:${error.column}: ${error.reason}`, {
        file: path,
        problems: [error.message],
      });
    }
  }
  try {
    return JSON.parse(body);
  } catch (error) {
    // V8's message may quote the whole input; keep only the reason, and turn a position into a line.
    const message = (error as Error).message.replace(/, ".*" is not valid JSON$/s, '');
    const position = /at position (\d+)/.exec(message);
    const line = position ? body.slice(0, Number(position[1])).split('\n').length : null;
    const reason = `invalid JSON: ${message.replace(/ in JSON at position \d+.*$/s, '')}`;
    throw new ConfigError(line ? `${path}:${line}: ${reason}` : `${path}: ${reason}`, {file: path});
  }
}

/** Reads and parses the located file (not yet validated against the schema). */
export async function readConfigFile(location: ConfigLocation): Promise<ConfigFileContents> {
  let text: string;
  try {
    text = await readBounded(location.path);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(`cannot read config file ${location.path}: ${(error as Error).message}`, {
      file: location.path,
    });
  }
  const format = formatOf(location.path, text);
  return {...location, format, data: await parseConfigText(text, format, location.path)};
}
