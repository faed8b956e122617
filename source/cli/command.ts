import type {FlagSpecs} from './args.js';
import type {CommandContext} from './context.js';

export interface Command {
  name: string;
  summary: string;
  /** Usage line(s), what it does and its own options, printed by --help. */
  usage: string;
  /** `--help`'s "Exit codes" lines: code, then meaning. */
  exitCodes: string[];
  /** `--help`'s example command lines. */
  examples: string[];
  options: FlagSpecs;
  run(ctx: CommandContext): Promise<number>;
}
