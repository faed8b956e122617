import {describe, expect, it} from 'vitest';
import {
  DaemonUnreachableError,
  DockerApiError,
  DockerConflictError,
  NotSwarmManagerError,
  ServiceNotFoundError,
  toGatewayError,
  UpdateOutOfSequenceError,
} from '../../../source/docker/errors.js';
import {PayloadError} from '../../../source/docker/schemas.js';

const UNIX = 'unix:///var/run/docker.sock';

/** The shape docker-modem gives an HTTP error. */
function httpError(statusCode: number, message: string): Error {
  return Object.assign(new Error(`(HTTP code ${statusCode}) unexpected - ${message} `), {statusCode, json: {message}});
}

function sysError(code: string, message: string): Error {
  return Object.assign(new Error(message), {code});
}

describe('toGatewayError', () => {
  it('turns a missing socket into DaemonUnreachableError naming the endpoint, the cause and what to do', () => {
    const error = toGatewayError(sysError('ENOENT', 'connect ENOENT /var/run/docker.sock'), UNIX);
    expect(error).toBeInstanceOf(DaemonUnreachableError);
    expect(error.message).toBe(
      'cannot reach the Docker daemon at unix:///var/run/docker.sock: connect ENOENT /var/run/docker.sock — is dockerd running? (set DOCKER_HOST or --host)',
    );
    expect((error as DaemonUnreachableError).exitCode).toBe(1);
  });

  it('explains a refused TCP connection and a permission problem differently', () => {
    const refused = toGatewayError(
      sysError('ECONNREFUSED', 'connect ECONNREFUSED 10.0.0.1:2375'),
      'tcp://10.0.0.1:2375',
    );
    expect(refused).toBeInstanceOf(DaemonUnreachableError);
    expect(refused.message).toContain('is dockerd listening there?');
    const denied = toGatewayError(sysError('EACCES', 'connect EACCES /var/run/docker.sock'), UNIX);
    expect(denied).toBeInstanceOf(DaemonUnreachableError);
    expect(denied.message).toContain('docker group');
  });

  it('turns ssh failures into DaemonUnreachableError with an ssh hint', () => {
    const auth = toGatewayError(
      Object.assign(new Error('All configured authentication methods failed'), {level: 'client-authentication'}),
      'ssh://root@h',
    );
    expect(auth).toBeInstanceOf(DaemonUnreachableError);
    expect(auth.message).toMatch(
      /^cannot reach the Docker daemon at ssh:\/\/root@h: All configured authentication methods failed — ssh authentication failed/,
    );
    const dial = toGatewayError(
      Object.assign(new Error("'docker system dial-stdio' failed on the remote host: docker: not found"), {
        level: 'dial-stdio',
      }),
      'ssh://root@h',
    );
    expect(dial.message).toContain('docker CLI installed');
  });

  it('recognises "update out of sequence" as a conflict (exit 4) naming the service', () => {
    const error = toGatewayError(httpError(500, 'rpc error: code = Unknown desc = update out of sequence'), UNIX, {
      service: 'web',
    });
    expect(error).toBeInstanceOf(UpdateOutOfSequenceError);
    expect((error as UpdateOutOfSequenceError).exitCode).toBe(4);
    expect(error.message).toContain("service 'web'");
  });

  it('recognises a node that is not a swarm manager, inactive or worker', () => {
    const inactive = toGatewayError(
      httpError(
        503,
        'This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.',
      ),
      UNIX,
    );
    expect(inactive).toBeInstanceOf(NotSwarmManagerError);
    expect(inactive.message).toBe(
      'the Docker daemon at unix:///var/run/docker.sock is not a swarm manager (node state: inactive) — run on a manager node',
    );
    const worker = toGatewayError(
      httpError(503, "This node is not a swarm manager. Worker nodes can't be used to view or modify cluster state."),
      UNIX,
    );
    expect((worker as NotSwarmManagerError).nodeState).toBe('worker');
  });

  it('maps a 404 about a service to ServiceNotFoundError (exit 2) and other 404s to DockerApiError', () => {
    const service = toGatewayError(httpError(404, 'service nope not found'), UNIX);
    expect(service).toBeInstanceOf(ServiceNotFoundError);
    expect(service.message).toBe("unknown service 'nope'");
    expect((service as ServiceNotFoundError).exitCode).toBe(2);
    const named = toGatewayError(httpError(404, 'service abc123 not found'), UNIX, {service: 'web'});
    expect(named.message).toBe("unknown service 'web'");
    const network = toGatewayError(httpError(404, 'network nonet not found'), UNIX, {service: 'web'});
    expect(network).toBeInstanceOf(DockerApiError);
    expect((network as DockerApiError).statusCode).toBe(404);
    expect(network.message).toBe(
      'the Docker daemon at unix:///var/run/docker.sock answered HTTP 404: network nonet not found',
    );
  });

  it('maps 409 to a conflict (exit 4) carrying the daemon message', () => {
    const error = toGatewayError(httpError(409, 'name conflicts with an existing object'), UNIX);
    expect(error).toBeInstanceOf(DockerConflictError);
    expect((error as DockerConflictError).exitCode).toBe(4);
    expect(error.message).toContain('name conflicts with an existing object');
  });

  it('keeps a plain 500 as DockerApiError with the daemon message on one line', () => {
    const error = toGatewayError(httpError(500, 'something\nbroke   badly'), UNIX);
    expect(error).toBeInstanceOf(DockerApiError);
    expect(error.message).toBe(
      'the Docker daemon at unix:///var/run/docker.sock answered HTTP 500: something broke badly',
    );
  });

  it('reads the daemon message from a raw body when there is no JSON', () => {
    const error = toGatewayError(
      Object.assign(new Error('(HTTP code 502) unexpected - Bad Gateway '), {statusCode: 502, json: 'Bad Gateway'}),
      UNIX,
    );
    expect(error.message).toContain('answered HTTP 502: Bad Gateway');
  });

  it('passes our own errors, aborts and unknown errors through unchanged', () => {
    const payload = new PayloadError('service', 'ID: expected string');
    expect(toGatewayError(payload, UNIX)).toBe(payload);
    const abort = Object.assign(new Error('The operation was aborted'), {name: 'AbortError', code: 'ABORT_ERR'});
    expect(toGatewayError(abort, UNIX)).toBe(abort);
    const bug = new TypeError('x is not a function');
    expect(toGatewayError(bug, UNIX)).toBe(bug);
  });
});
