import type {ParseArgsConfig} from 'node:util';
import type {CommandContext} from './context.js';

export interface Command {
  name: string;
  summary: string;
  /** Usage line(s) and option help, printed by --help. */
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  /**
   * Whether this invocation changes the swarm or the history (a read-only config then refuses it
   * before it runs: see read-only.ts). Absent: the command only reads.
   */
  mutates?(ctx: CommandContext): boolean;
  run(ctx: CommandContext): Promise<number>;
}
