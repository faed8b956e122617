/** Runs the Debian docker client (the one that matches the test daemon's API version). */
import {execFile} from 'node:child_process';

export const DOCKER_BIN = '/usr/bin/docker';

export interface DockerResult {
  stdout: string;
  stderr: string;
  /** Exit code; -1 when the process could not run or was killed (timeout). */
  code: number;
}

export interface DockerOptions {
  /** Kill the client after this long (default 120 s). */
  timeoutMs?: number;
  /** Written to the client's stdin. */
  input?: string;
  /** Extra environment; DOCKER_HOST/DOCKER_CONTEXT from the test process are never passed on. */
  env?: NodeJS.ProcessEnv;
}

const STRIPPED_ENV = ['DOCKER_HOST', 'DOCKER_CONTEXT', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH'];

/** Runs `/usr/bin/docker ARGS`; never throws for a non-zero exit. */
export function docker(args: string[], opts: DockerOptions = {}): Promise<DockerResult> {
  const env: NodeJS.ProcessEnv = {...process.env};
  for (const key of STRIPPED_ENV) delete env[key];
  Object.assign(env, opts.env);
  return new Promise((resolve) => {
    const child = execFile(
      DOCKER_BIN,
      args,
      {env, timeout: opts.timeoutMs ?? 120_000, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8'},
      (error, stdout, stderr) => {
        let code = 0;
        if (error) code = typeof error.code === 'number' ? error.code : -1;
        if (error && code === -1 && !stderr) stderr = error.message;
        resolve({stdout, stderr, code});
      },
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
    else child.stdin?.end();
  });
}

/** Like `docker` but throws (quoting the command and stderr) on a non-zero exit; returns stdout. */
export async function dockerOk(args: string[], opts: DockerOptions = {}): Promise<string> {
  const result = await docker(args, opts);
  if (result.code !== 0) {
    const detail = (result.stderr || result.stdout).trim();
    throw new Error(`docker ${args.join(' ')} failed (exit ${result.code}): ${detail}`);
  }
  return result.stdout;
}
