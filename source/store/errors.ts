import {DokrollError, EXIT} from '../shared/errors.js';

/**
 * Anything wrong with the history database: where it is, whether it can be opened, what is stored in it.
 * Bad locations and unusable files are the operator's to fix, so the default exit code is 2.
 */
export class StoreError extends DokrollError {
  constructor(message: string, exitCode: number = EXIT.badInput, code = 'store') {
    super(message, exitCode, code);
  }
}
