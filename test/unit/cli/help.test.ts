import {PassThrough} from 'node:stream';
import {describe, expect, it} from 'vitest';
import {parseCommandArgs, splitCommand} from '../../../source/cli/args.js';
import {COMMANDS} from '../../../source/cli/commands/index.js';
import {run} from '../../../source/cli/run.js';

async function helpOf(argv: string[]): Promise<{code: number; text: string}> {
  const stdout = new PassThrough();
  let text = '';
  stdout.on('data', (chunk) => (text += chunk));
  const code = await run(argv, {stdout, stderr: new PassThrough(), stdin: new PassThrough(), env: {}});
  return {code, text};
}

describe("every command's --help", () => {
  it.each(COMMANDS.map((c) => [c.name, c] as const))(
    '%s --help describes each of its flags, its exit codes and an example',
    async (name, command) => {
      const {code, text} = await helpOf([name, '--help']);
      expect(code).toBe(0);
      const lines = text.split('\n');
      for (const [flag, spec] of Object.entries(command.options)) {
        const short = spec.short ? `(-${spec.short}, )?` : '';
        const described = lines.some((line) =>
          new RegExp(`^ {2,}${short}--${flag}(, -\\w)?( [A-Za-z]+)?\\s{2,}\\S`).test(line),
        );
        expect(described, `${name} --help has no line describing --${flag}:\n${text}`).toBe(true);
      }
      for (const global of ['--host', '--db', '--config', '--json', '--no-color']) expect(text).toContain(global);
      expect(text).toMatch(/\nExit codes:\n {2}0 /);
      expect(text).toMatch(/\nExamples?:\n {2}dokroll-tui/);
    },
  );

  it.each(COMMANDS.map((c) => [c.name, c] as const))(
    'the examples of %s are valid command lines for it',
    (name, command) => {
      for (const example of command.examples) {
        const argv = example.split(' ').slice(1);
        const {name: word, rest} = splitCommand(
          argv,
          COMMANDS.map((c) => c.options),
        );
        expect(word ?? 'console', example).toBe(name === 'config' ? 'config' : name);
        expect(() => parseCommandArgs(rest, command.options, name), example).not.toThrow();
      }
    },
  );

  it('help COMMAND and --help before the command print the same', async () => {
    const a = await helpOf(['help', 'rollback']);
    const b = await helpOf(['--help', 'rollback']);
    expect(a.text).toBe(b.text);
    expect(a.text).toContain('130  interrupted');
  });

  it('--help without a command is the overview with the global options', async () => {
    const {code, text} = await helpOf(['--help']);
    expect(code).toBe(0);
    expect(text).toMatch(/^dokroll-tui — /);
    expect(text).toContain('Global options (before or after the command');
  });
});
