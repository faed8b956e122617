import type {ParseArgsConfig} from 'node:util';
import type {CommandContext} from './context.js';

export interface Command {
  name: string;
  summary: string;
  /** Usage line(s) and option help, printed by --help. */
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  run(ctx: CommandContext): Promise<number>;
}
