/**
 * A unix-socket proxy in front of the Docker socket. Closing it makes the daemon unreachable for
 * whoever connects through it — exactly what a client sees when dockerd stops — without stopping
 * the daemon other tests share. Reopening it is the daemon coming back. `onConnection` may watch
 * what each client sends (the benchmarks count requests with it).
 */
import net from 'node:net';
import {rmSync} from 'node:fs';

export interface SocketProxy {
  path: string;
  url: string;
  /** Drop every connection and stop accepting new ones. */
  down(): Promise<void>;
  /** Accept connections again. */
  up(): Promise<void>;
  close(): Promise<void>;
}

export interface SocketProxyOptions {
  target?: string;
  /** Called per client connection; the listener it returns sees every chunk that client sends. */
  onConnection?: () => (chunk: Buffer) => void;
}

export async function startSocketProxy(path: string, opts: SocketProxyOptions = {}): Promise<SocketProxy> {
  const target = opts.target ?? '/var/run/docker.sock';
  const sockets = new Set<net.Socket>();
  let server: net.Server | null = null;

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      rmSync(path, {force: true});
      server = net.createServer((client) => {
        const upstream = net.connect(target);
        sockets.add(client);
        sockets.add(upstream);
        const drop = () => {
          client.destroy();
          upstream.destroy();
          sockets.delete(client);
          sockets.delete(upstream);
        };
        client.on('error', drop).on('close', drop);
        upstream.on('error', drop).on('close', drop);
        if (opts.onConnection) client.on('data', opts.onConnection());
        client.pipe(upstream).pipe(client);
      });
      server.once('error', reject);
      server.listen(path, () => resolve());
    });

  const stop = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      sockets.clear();
      if (!server) return resolve();
      const current = server;
      server = null;
      current.close(() => resolve());
    });

  await listen();
  return {
    path,
    url: `unix://${path}`,
    down: stop,
    up: listen,
    close: async () => {
      await stop();
      rmSync(path, {force: true});
    },
  };
}
