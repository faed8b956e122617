/**
 * dockerode clients for a resolved target. Two clients share one http.Agent: `api` for ordinary
 * requests (idle timeout) and `streaming` for the event stream (no timeout). Every request through
 * either is counted, and every socket (or SSH channel) is tracked so it can be dropped on purpose.
 */
import http from 'node:http';
import https from 'node:https';
import type {Duplex} from 'node:stream';
import {inspect} from 'node:util';
import Docker from 'dockerode';
import {DokrollError, EXIT} from '../shared/errors.js';
import type {DockerTarget} from './connection.js';
import {SshDialAgent} from './ssh-agent.js';

export const DEFAULT_API_VERSION = '1.41';
export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;

export interface Transport {
  readonly endpoint: string;
  readonly api: Docker;
  readonly streaming: Docker;
  readonly ssh: SshDialAgent | null;
  /** API requests made so far (both clients). */
  readonly requests: number;
  setApiVersion(version: string): void;
  /** Destroys every open socket / SSH channel, as a network failure would. Returns how many. */
  dropConnections(): number;
  close(): void;
}

type Callback = (err: unknown, data: unknown) => void;
interface ModemLike {
  dial(options: unknown, callback: Callback): unknown;
  version?: string;
}

function trackSockets(agent: http.Agent): Set<Duplex> {
  const open = new Set<Duplex>();
  const track = (socket: Duplex | null | undefined) => {
    if (!socket || open.has(socket)) return;
    open.add(socket);
    socket.once('close', () => open.delete(socket));
  };
  const original = agent.createConnection.bind(agent);
  agent.createConnection = (options, callback) => {
    const socket = original(options, (err, stream) => {
      track(stream);
      callback?.(err, stream);
    });
    track(socket);
    return socket;
  };
  return open;
}

function createAgent(target: DockerTarget): http.Agent {
  switch (target.kind) {
    case 'ssh':
      return new SshDialAgent({host: target.host, port: target.port, username: target.username, ...target.ssh});
    case 'tcp':
      return target.tls
        ? new https.Agent({keepAlive: true, maxSockets: 16})
        : new http.Agent({keepAlive: true, maxSockets: 16});
    case 'unix':
      return new http.Agent({keepAlive: true, maxSockets: 16});
  }
}

/**
 * docker-modem logs every request with `util.inspect(options, {showHidden: true, depth: null})`,
 * evaluated even when its debug output is off, and the options hold the shared agent: with its
 * sockets (the event stream's among them) that walk printed ~70 KB and cost ~9 ms of CPU per API
 * request. A one-word inspection of the agent makes it negligible.
 */
function shortWhenInspected(agent: http.Agent, label: string): void {
  Object.defineProperty(agent, inspect.custom, {value: () => `[${label} agent]`, enumerable: false});
}

function modemOptions(target: DockerTarget, agent: http.Agent): Docker.DockerOptions & Record<string, unknown> {
  // Every field docker-modem reads is set explicitly, so nothing leaks in from its own defaults.
  const base = {
    agent,
    version: undefined,
    headers: {},
    pathPrefix: '/',
    ca: undefined,
    cert: undefined,
    key: undefined,
  };
  switch (target.kind) {
    case 'unix':
      return {...base, socketPath: target.socketPath, host: undefined, port: undefined, protocol: 'http'};
    case 'tcp':
      return {
        ...base,
        socketPath: undefined,
        host: target.host,
        port: target.port,
        protocol: target.tls ? 'https' : 'http',
        ...(target.tls ? {ca: target.tls.ca, cert: target.tls.cert, key: target.tls.key} : {}),
      };
    case 'ssh':
      // The agent makes the connection; host and port only name the HTTP origin.
      return {...base, socketPath: undefined, host: 'docker', port: 80, protocol: 'http'};
  }
}

/**
 * docker-modem's constructor parses process.env.DOCKER_HOST (and may read DOCKER_CERT_PATH files)
 * even when it is given explicit options, and throws on values it does not like. The target has
 * already been resolved from the right source, so hide DOCKER_HOST during the synchronous call.
 */
function newDocker(options: Docker.DockerOptions): Docker {
  const saved = process.env.DOCKER_HOST;
  delete process.env.DOCKER_HOST;
  try {
    return new Docker(options);
  } catch (err) {
    throw new DokrollError(
      `cannot set up the Docker client: ${(err as Error).message}`,
      EXIT.badInput,
      'docker-client',
    );
  } finally {
    if (saved !== undefined) process.env.DOCKER_HOST = saved;
  }
}

export function createTransport(target: DockerTarget, opts: {requestTimeoutMs?: number} = {}): Transport {
  const agent = createAgent(target);
  shortWhenInspected(agent, target.kind);
  const sockets = trackSockets(agent);
  const options = modemOptions(target, agent);
  const api = newDocker({...options, timeout: opts.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS});
  const streaming = newDocker({...options, timeout: undefined});
  let requests = 0;
  const modems = [api.modem, streaming.modem] as ModemLike[];
  for (const modem of modems) {
    const dial = modem.dial.bind(modem);
    modem.dial = (dialOptions: unknown, callback: Callback) => {
      requests++;
      return dial(dialOptions, callback);
    };
  }
  return {
    endpoint: target.endpoint,
    api,
    streaming,
    ssh: agent instanceof SshDialAgent ? agent : null,
    get requests() {
      return requests;
    },
    setApiVersion(version: string) {
      for (const modem of modems) modem.version = `v${version}`;
    },
    dropConnections() {
      const count = sockets.size;
      for (const socket of [...sockets]) socket.destroy();
      return count;
    },
    close() {
      for (const socket of [...sockets]) socket.destroy();
      agent.destroy();
    },
  };
}
