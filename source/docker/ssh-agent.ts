/**
 * An http.Agent that carries Docker API traffic over ONE SSH connection.
 *
 * docker-modem's own ssh support builds a new ssh2 Client (a new TCP connection, key exchange and
 * authentication) for every HTTP request. Here one connection is opened lazily and every HTTP
 * connection is a new session channel on it running `docker system dial-stdio` — what the docker
 * CLI runs for ssh:// hosts — whose stdin/stdout are the daemon's socket. Concurrent requests and the
 * long-lived event stream share the connection. When it drops, the next request reconnects.
 *
 * Channels per connection are capped (maxChannels, default 8) because sshd's MaxSessions defaults
 * to 10; further requests wait in the agent's queue. Idle channels are kept for reuse (HTTP
 * keep-alive) for 30 s. While no channel is in use the TCP socket is unref'd, so a forgotten
 * close() does not keep the process alive.
 */
import http from 'node:http';
import net from 'node:net';
import type {Duplex} from 'node:stream';
import {ssh2} from './ssh2-module.js';
import type {Client as SshClient, ClientChannel, ServerHostKeyAlgorithm} from 'ssh2';
import {knownHostsName} from './known-hosts.js';
import {ChannelSocket, type ChannelHold} from './ssh-channel-socket.js';
import {
  authMethods,
  hostKeyAlgorithms,
  levelError,
  readKnownHosts,
  verifyHostKey,
  type LevelError,
  type SshTrustOptions,
} from './ssh-auth.js';

export const DIAL_STDIO_COMMAND = 'docker system dial-stdio';

export interface SshDialOptions extends SshTrustOptions {
  readyTimeoutMs?: number;
  channelOpenTimeoutMs?: number;
  /** Channels open at once (sshd's MaxSessions defaults to 10). Default 8. */
  maxChannels?: number;
  /** Default `docker system dial-stdio`. */
  remoteCommand?: string;
  /** How long an idle channel is kept for reuse. Default 30 s. */
  idleChannelMs?: number;
}

export class SshDialAgent extends http.Agent {
  /** TCP connections opened to the SSH server (one, unless it dropped and was reopened). */
  sshConnectionsOpened = 0;
  /** Channels opened over all connections. */
  channelsOpened = 0;
  private client: SshClient | null = null;
  private socket: net.Socket | null = null;
  private ready: Promise<SshClient> | null = null;
  private active = 0;
  private closed = false;

  constructor(private readonly options: SshDialOptions) {
    const maxChannels = options.maxChannels ?? 8;
    // keepAlive: an idle channel (its dial-stdio process and daemon connection) serves the next
    // request, saving a remote process start per request.
    super({keepAlive: true, maxSockets: maxChannels, maxFreeSockets: maxChannels});
  }

  get target(): string {
    return `${this.options.username}@${knownHostsName(this.options.host, this.options.port)}`;
  }

  /** Hands node:http a stand-in socket at once (so maxSockets holds) and opens the channel behind it. */
  override createConnection(): Duplex {
    // The hold's release refers to the socket made just after it.
    const ref: {socket?: ChannelSocket} = {};
    const hold = this.newHold(() => ref.socket?.destroy());
    const socket = (ref.socket = new ChannelSocket(this.openChannel(), hold, this.command));
    return socket;
  }

  /** Drops the SSH connection as a network failure would; resolves once it is closed (tests). */
  dropSshConnection(): Promise<void> {
    const client = this.client;
    if (!client) return Promise.resolve();
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    this.socket?.destroy();
    return closed;
  }

  override destroy(): void {
    this.closed = true;
    super.destroy();
    this.client?.end();
    this.socket?.destroy();
    this.client = null;
    this.ready = null;
  }

  private refresh(): void {
    if (this.active > 0) this.socket?.ref();
    else this.socket?.unref();
  }

  private get command(): string {
    return this.options.remoteCommand ?? DIAL_STDIO_COMMAND;
  }

  /**
   * Counts a channel as in use while node:http holds it; a channel parked idle in the keep-alive
   * pool does not keep the process alive and is closed after idleChannelMs.
   */
  private newHold(onIdle: () => void): ChannelHold {
    let held = false;
    let released = false;
    let idleTimer: NodeJS.Timeout | undefined;
    const set = (value: boolean) => {
      if (held === value) return;
      held = value;
      this.active += value ? 1 : -1;
      this.refresh();
    };
    const hold: ChannelHold = {
      ref: () => {
        clearTimeout(idleTimer);
        if (!released) set(true);
      },
      unref: () => {
        set(false);
        clearTimeout(idleTimer);
        if (!released) idleTimer = setTimeout(onIdle, this.options.idleChannelMs ?? 30_000).unref();
      },
      release: () => {
        released = true;
        clearTimeout(idleTimer);
        set(false);
      },
    };
    hold.ref();
    return hold;
  }

  private async openChannel(retry = true): Promise<ClientChannel> {
    if (this.closed) throw levelError('the ssh connection has been closed', 'client-socket');
    try {
      const client = await this.connection();
      const channel = await this.exec(client);
      this.channelsOpened++;
      return channel;
    } catch (err) {
      if (retry && !this.closed && (err as LevelError).level === 'channel') return this.openChannel(false);
      throw err;
    }
  }

  private exec(client: SshClient): Promise<ClientChannel> {
    const timeoutMs = this.options.channelOpenTimeoutMs ?? 15_000;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        // No answer on a connection we believed alive: it is dead; the retry reconnects.
        if (this.client === client) this.socket?.destroy();
        reject(levelError(`no answer from ${this.target} when opening an ssh channel`, 'channel'));
      }, timeoutMs);
      try {
        client.exec(this.command, (err, channel) => {
          clearTimeout(timer);
          if (err) reject(Object.assign(err, {level: (err as LevelError).level ?? 'channel'}));
          else resolve(channel);
        });
      } catch (err) {
        clearTimeout(timer);
        if (this.client === client) this.forget(client);
        reject(levelError((err as Error).message, 'channel'));
      }
    });
  }

  private forget(client: SshClient): void {
    if (this.client !== client) return;
    this.client = null;
    this.ready = null;
    this.socket = null;
  }

  private connection(): Promise<SshClient> {
    this.ready ??= this.connect().catch((err) => {
      this.ready = null;
      throw err;
    });
    return this.ready;
  }

  private connect(): Promise<SshClient> {
    const {host, port, username} = this.options;
    const authHandler = authMethods(this.options);
    const knownHosts = readKnownHosts(this.options);
    const algorithms = hostKeyAlgorithms(this.options, knownHosts);

    const socket = net.connect({host, port});
    socket.setKeepAlive(true, 15_000);
    socket.setNoDelay(true);
    socket.once('connect', () => this.sshConnectionsOpened++);
    const client = new (ssh2().Client)();
    this.client = client;
    this.socket = socket;

    return new Promise<SshClient>((resolve, reject) => {
      let settled = false;
      let hostKeyError: LevelError | null = null;
      const fail = (err: Error) => {
        if (settled) return;
        settled = true;
        this.forget(client);
        socket.destroy();
        reject(hostKeyError ?? err);
      };
      client.once('ready', () => {
        settled = true;
        this.refresh();
        resolve(client);
      });
      // After 'ready', errors surface through the channels; keep a listener so none is unhandled.
      client.on('error', fail);
      client.on('close', () => {
        this.forget(client);
        fail(levelError(`the ssh connection to ${this.target} closed during the handshake`, 'client-socket'));
      });
      client.connect({
        sock: socket,
        username,
        authHandler,
        algorithms: {serverHostKey: algorithms as ServerHostKeyAlgorithm[]},
        readyTimeout: this.options.readyTimeoutMs ?? 15_000,
        hostVerifier: (key: Buffer) => {
          hostKeyError = verifyHostKey(this.options, key, knownHosts);
          return hostKeyError === null;
        },
      });
    });
  }
}
