import type {FlagSpecs} from './args.js';
import type {CommandContext} from './context.js';

export interface Command {
  name: string;
  summary: string;
  /** Usage line(s) and option help, printed by --help. */
  usage: string;
  options: FlagSpecs;
  run(ctx: CommandContext): Promise<number>;
}
