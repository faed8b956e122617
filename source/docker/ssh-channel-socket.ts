/**
 * A socket-like Duplex standing in for an SSH channel that is still being opened.
 *
 * node:http's Agent counts a connection only once createConnection has produced it; a channel opens
 * asynchronously, so the Agent would open one per waiting request and ignore maxSockets. Handing
 * back this stand-in synchronously keeps the Agent's own limit and queue working; bytes are
 * relayed once the channel is open. It also provides the net.Socket methods node:http calls
 * (setTimeout, setNoDelay, setKeepAlive, ref, unref).
 */
import {Duplex} from 'node:stream';
import type {ClientChannel} from 'ssh2';
import {levelError} from './ssh-auth.js';

/** node:http unrefs a socket it parks in the keep-alive pool and refs it when it reuses it. */
export interface ChannelHold {
  ref(): void;
  unref(): void;
  /** The socket is gone for good. */
  release(): void;
}

export class ChannelSocket extends Duplex {
  private channel: ClientChannel | null = null;
  private pendingWrite: {chunk: Buffer; callback: (err?: Error | null) => void} | null = null;
  private pendingFinal: ((err?: Error | null) => void) | null = null;
  private idleMs = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  private stderr = '';

  constructor(
    opening: Promise<ClientChannel>,
    private readonly hold: ChannelHold,
    private readonly command: string,
  ) {
    super({allowHalfOpen: false});
    opening.then(
      (channel) => this.attach(channel),
      (err: Error) => this.fail(err),
    );
  }

  /** As net.Socket: an idle timeout; 0 disables it and removes `callback` (node:http relies on that). */
  setTimeout(ms: number, callback?: () => void): this {
    this.idleMs = ms;
    if (callback && ms === 0) this.removeListener('timeout', callback);
    else if (callback) this.once('timeout', callback);
    this.armIdle();
    return this;
  }
  setNoDelay(): this {
    return this;
  }
  setKeepAlive(): this {
    return this;
  }
  ref(): this {
    this.hold.ref();
    return this;
  }
  unref(): this {
    this.hold.unref();
    return this;
  }

  override _read(): void {
    this.channel?.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (err?: Error | null) => void): void {
    this.armIdle();
    if (this.channel) this.channel.write(chunk, callback);
    else this.pendingWrite = {chunk, callback};
  }

  override _final(callback: (err?: Error | null) => void): void {
    if (this.channel) {
      this.channel.end();
      callback();
    } else {
      this.pendingFinal = callback;
    }
  }

  override _destroy(err: Error | null, callback: (err?: Error | null) => void): void {
    clearTimeout(this.idleTimer);
    this.channel?.close();
    this.hold.release();
    callback(err);
  }

  private armIdle(): void {
    clearTimeout(this.idleTimer);
    if (this.idleMs > 0) this.idleTimer = setTimeout(() => this.emit('timeout'), this.idleMs).unref();
  }

  private fail(err: Error): void {
    // The opening may fail before node:http has attached its listeners (they are added on a later
    // tick); hand the error on only while someone listens, or it would be an uncaught exception.
    if (this.listenerCount('error') > 0) {
      this.destroy(err);
      return;
    }
    setImmediate(() => {
      if (!this.destroyed) this.destroy(this.listenerCount('error') > 0 ? err : undefined);
    });
  }

  private attach(channel: ClientChannel): void {
    if (this.destroyed) {
      channel.close();
      return;
    }
    this.channel = channel;
    channel.on('data', (data: Buffer) => {
      this.armIdle();
      if (!this.push(data)) channel.pause();
    });
    channel.on('end', () => this.push(null));
    channel.stderr.on('data', (data: Buffer) => {
      if (this.stderr.length < 2000) this.stderr += data.toString('utf8');
    });
    channel.on('exit', (code: number | null, signal?: string) => {
      if (code === 0) return;
      const detail =
        this.stderr.trim().replace(/\s+/g, ' ') || (signal ? `killed by ${signal}` : `exit status ${code}`);
      this.fail(levelError(`'${this.command}' failed on the remote host: ${detail}`, 'dial-stdio'));
    });
    channel.on('error', (err: Error) => this.fail(err));
    channel.on('close', () => {
      this.push(null);
      if (!this.destroyed) this.destroy();
    });
    if (this.pendingWrite) {
      const {chunk, callback} = this.pendingWrite;
      this.pendingWrite = null;
      channel.write(chunk, callback);
    }
    if (this.pendingFinal) {
      const callback = this.pendingFinal;
      this.pendingFinal = null;
      channel.end();
      callback();
    }
  }
}
