/** The one y/N question the CLI asks on a terminal (stderr, so stdout stays the command's output). */
import readline from 'node:readline';
import type {CommandContext} from './context.js';

/** y/N question on the terminal: yes only for y or yes; Ctrl-C or anything else is no. */
export function askYesNo(ctx: CommandContext, question: string): Promise<boolean> {
  return new Promise((resolve) => {
    const rl = readline.createInterface({input: ctx.io.stdin, output: ctx.io.stderr, terminal: true});
    rl.on('SIGINT', () => {
      rl.close();
      resolve(false);
    });
    rl.question(`${question} [y/N] `, (answer) => {
      rl.close();
      resolve(/^y(es)?$/i.test(answer.trim()));
    });
  });
}
