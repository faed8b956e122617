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
 * A change refused because the configuration (or the console's --read-only) makes the service
 * read-only. Exit code 2: nothing was changed. `reason` names the setting
 * (`services.web.readOnly is true in FILE`).
 */
export class ReadOnlyError extends DokrollError {
  constructor(reason: string, what: string) {
    super(`read-only: ${reason}; ${what} refused, nothing was changed`, EXIT.badInput, 'read-only');
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
