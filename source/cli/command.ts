import type {FlagSpecs} from './args.js';
import type {CommandContext} from './context.js';

/** What a command's positional arguments are, in order, for shell completion. */
export type Operand = 'service' | 'version' | 'version-or-live' | readonly string[];

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
  /** Its positional arguments, for completion (none when absent). */
  operands?: readonly Operand[];
  /** Left out of the command list (`__complete`, called by the completion scripts). */
  hidden?: boolean;
  /**
   * Whether this invocation changes the swarm or the history (a read-only config then refuses it
   * before it runs: see read-only.ts). Absent: the command only reads.
   */
  mutates?(ctx: CommandContext): boolean;
  run(ctx: CommandContext): Promise<number>;
}
