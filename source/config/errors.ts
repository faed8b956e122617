import {DokrollError, EXIT} from '../shared/errors.js';

/**
 * A problem with the configuration the operator gave us: the config file, its location, the Docker
 * CLI credentials file, or an environment variable it names. Always exit code 2 (bad input).
 * `problems` holds one line per problem (`key.path: what is wrong`) for structured output; the message
 * names the file first.
 */
export class ConfigError extends DokrollError {
  readonly file: string | null;
  readonly problems: string[];

  constructor(message: string, opts: {file?: string | null; problems?: string[]} = {}) {
    super(message, EXIT.badInput, 'config');
    this.file = opts.file ?? null;
    this.problems = opts.problems ?? [message];
  }
}

/**
 * Credentials could not be obtained although the configuration is fine: a Docker credential helper
 * failed or timed out. Exit code 1 (the operation failed; retrying may help).
 */
export class CredentialsError extends DokrollError {
  constructor(message: string) {
    super(message, EXIT.failed, 'credentials');
  }
}
