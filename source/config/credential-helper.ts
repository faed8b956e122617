/**
 * Runs a Docker credential helper (`docker-credential-<name> get`, server address on stdin, JSON
 * `{ServerURL, Username, Secret}` on stdout), as the Docker CLI does. The helper's output is never
 * put in an error message, since it may hold the secret.
 */
import {spawn} from 'node:child_process';
import {z} from 'zod';
import {ConfigError, CredentialsError} from './errors.js';

export const CREDENTIAL_HELPER_TIMEOUT_MS = 5000;
const MAX_OUTPUT = 64 * 1024;

const HelperOutputSchema = z.looseObject({Username: z.string(), Secret: z.string()});

export interface HelperOptions {
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  /** Where the helper was configured, for messages (e.g. `credsStore in ~/.docker/config.json`). */
  configuredBy: string;
}

/** Username and secret from the helper; null when it has no credentials for the server. */
export function runCredentialHelper(
  name: string,
  serverAddress: string,
  opts: HelperOptions,
): Promise<{username: string; secret: string} | null> {
  const command = `docker-credential-${name}`;
  const timeoutMs = opts.timeoutMs ?? CREDENTIAL_HELPER_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    const child = spawn(command, ['get'], {env: opts.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe']});
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish(() =>
        reject(
          new CredentialsError(`${command} get did not answer within ${timeoutMs / 1000} s (${opts.configuredBy})`),
        ),
      );
    }, timeoutMs);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      if (stdout.length < MAX_OUTPUT) stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < MAX_OUTPUT) stderr += chunk.toString('utf8');
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      finish(() => {
        const by = `(configured by ${opts.configuredBy})`;
        if (error.code === 'ENOENT') {
          reject(new ConfigError(`credential helper ${command} not found on PATH ${by}`));
        } else if (error.code === 'EACCES') {
          reject(new ConfigError(`credential helper ${command} is not executable ${by}`));
        } else {
          reject(new CredentialsError(`credential helper ${command} could not be started: ${error.message}`));
        }
      });
    });
    child.stdin.on('error', () => {}); // the helper may exit before reading stdin; its exit code tells
    child.stdin.end(serverAddress);
    child.on('close', (code, signal) => {
      finish(() => {
        if (code !== 0) {
          // Helpers say "credentials not found in native keychain" on stdout and exit 1.
          if (/credentials not found/i.test(stdout + stderr)) return resolve(null);
          const firstLine = stderr.trim().split('\n')[0]?.slice(0, 200);
          const why = firstLine || (signal ? `killed by ${signal}` : `exit code ${code}`);
          return reject(new CredentialsError(`${command} get failed for ${serverAddress}: ${why}`));
        }
        let parsed: unknown;
        try {
          parsed = JSON.parse(stdout);
        } catch {
          parsed = undefined;
        }
        const result = HelperOutputSchema.safeParse(parsed);
        if (!result.success) {
          return reject(
            new CredentialsError(`${command} get returned something other than {"Username", "Secret"} JSON`),
          );
        }
        const {Username: username, Secret: secret} = result.data;
        resolve(username === '' && secret === '' ? null : {username, secret});
      });
    });
  });
}
