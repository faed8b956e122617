/**
 * What a command needs from the outside world, opened lazily and closed once: the Docker gateway,
 * the history store and the configuration. Commands that only read history never touch the daemon.
 */
import type {Writable} from 'node:stream';
import {loadConfig, type EffectiveConfig} from '../config/effective-config.js';
import type {DockerGateway} from '../docker/gateway.js';
import type {Store} from '../store/index.js';
import {terminalSafe} from '../shared/terminal-text.js';
import type {ParsedArgs} from './args.js';

export interface Io {
  stdout: Writable & {isTTY?: boolean; columns?: number; rows?: number};
  stderr: Writable;
  stdin: NodeJS.ReadableStream & {isTTY?: boolean};
  env: NodeJS.ProcessEnv;
}

export class CommandContext {
  private gatewayPromise?: Promise<DockerGateway>;
  private storePromise?: Promise<Store>;
  private configPromise?: Promise<EffectiveConfig>;

  constructor(
    readonly args: ParsedArgs,
    readonly io: Io,
  ) {}

  get json(): boolean {
    return this.args.values.json === true;
  }

  flag(name: string): boolean {
    return this.args.values[name] === true;
  }

  option(name: string): string | undefined {
    const value = this.args.values[name];
    return typeof value === 'string' ? value : undefined;
  }

  /** A repeatable option's values (empty when not given). */
  options(name: string): string[] {
    const value = this.args.values[name];
    return Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
  }

  gateway(): Promise<DockerGateway> {
    // Loaded on first use: dockerode and libSQL are most of the start-up time, and many commands
    // (help, usage errors, history --offline) need only one of them or neither.
    this.gatewayPromise ??= import('../docker/gateway.js').then(({connect}) =>
      connect({host: this.options('host'), sshKey: this.option('ssh-key'), env: this.io.env}),
    );
    return this.gatewayPromise;
  }

  /**
   * Gives the gateway the Engines of the nodes the config file names (`nodes:`), asked for what only
   * a node's own Engine knows: its containers' health. A config file that cannot be read stops the
   * command (exit 2), as it would any command that reads it.
   */
  async useNodeEngines(gateway: DockerGateway): Promise<void> {
    if (gateway.nodeEngines) return;
    const config = await this.config();
    if (Object.keys(config.nodeEngines).length === 0) return;
    const {NodeEngines} = await import('../docker/node-engines.js');
    gateway.useNodeEngines(
      new NodeEngines(config.nodeEngines, {connect: {sshKey: this.option('ssh-key'), env: this.io.env}}),
    );
  }

  /** Loads the store's code and its libSQL driver without opening anything (to overlap it with network waits). */
  preloadStore(): Promise<unknown> {
    return import('../store/index.js')
      .then(({preloadStoreDriver}) => preloadStoreDriver({url: this.option('db'), env: this.io.env}))
      .catch(() => undefined);
  }

  /** The configuration (--config, else the default location), read once per command. */
  config(): Promise<EffectiveConfig> {
    this.configPromise ??= loadConfig({path: this.option('config'), env: this.io.env});
    return this.configPromise;
  }

  store(): Promise<Store> {
    this.storePromise ??= import('../store/index.js').then(({openStore}) =>
      openStore({url: this.option('db'), env: this.io.env}),
    );
    return this.storePromise;
  }

  /**
   * One line of text output. Every text line of every command goes through here and `err`, the CLI's
   * choke point for terminal safety: control characters in it (from the swarm, the history, a
   * registry or an argument) are shown escaped, so a value can neither drive the terminal nor forge
   * a line. A line is one line: multi-line text is written line by line.
   */
  out(line = ''): void {
    this.io.stdout.write(`${terminalSafe(line)}\n`);
  }

  err(line: string): void {
    this.io.stderr.write(`${terminalSafe(line)}\n`);
  }

  /** A `--json` document or line, exactly as given (JSON.stringify escapes control characters itself). */
  outJson(json: string): void {
    this.io.stdout.write(`${json}\n`);
  }

  async close(): Promise<void> {
    const closing: Promise<unknown>[] = [];
    if (this.gatewayPromise) closing.push(this.gatewayPromise.then((g) => g.close()).catch(() => undefined));
    if (this.storePromise) closing.push(this.storePromise.then((s) => s.close()).catch(() => undefined));
    await Promise.all(closing);
  }
}
