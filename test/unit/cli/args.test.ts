import {describe, expect, it} from 'vitest';
import {
  DurationArg,
  envNumber,
  parseCommandArgs,
  parseWith,
  PositiveSecondsArg,
  SecondsArg,
  splitCommand,
  UsageError,
  type FlagSpecs,
} from '../../../source/cli/args.js';
import {COMMANDS} from '../../../source/cli/commands/index.js';

const ROLLBACK: FlagSpecs = {
  to: {type: 'string', accepts: 'a version like v3'},
  watch: {type: 'string', accepts: 'a whole number of seconds from 0 to 86400'},
  yes: {type: 'boolean', short: 'y'},
  service: {type: 'string', multiple: true, accepts: 'a service name'},
};

function usageMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    const message = (error as Error).message;
    expect(message.split('\n')).toHaveLength(1);
    return message;
  }
  throw new Error('expected a UsageError');
}

const parse = (argv: string[]) => parseCommandArgs(argv, ROLLBACK, 'rollback');

describe('flag values are judged up front, one line naming the flag and what it accepts', () => {
  it('takes a negative number as the value it is, for the value check to refuse', () => {
    expect(parse(['web', '--watch', '-1']).values.watch).toBe('-1');
    expect(usageMessage(() => parseWith(SecondsArg, '-1', '--watch'))).toBe(
      "--watch: expected a whole number of seconds from 0 to 86400 (got '-1')",
    );
  });

  it('refuses an empty number instead of reading it as 0', () => {
    expect(parse(['--watch=']).values.watch).toBe('');
    for (const bad of ['', ' ', '1e3', '0x10', '5.0', 'NaN', '86401']) {
      expect(usageMessage(() => parseWith(SecondsArg, bad, '--watch'))).toMatch(
        /^--watch: expected a whole number of seconds from 0 to 86400 \(got '.*'\)$/,
      );
    }
    expect(parseWith(SecondsArg, '0', '--watch')).toBe(0);
  });

  it('refuses an option without its value, at the end or followed by another option', () => {
    expect(usageMessage(() => parse(['web', '--to']))).toBe('--to: missing value: expected a version like v3');
    expect(usageMessage(() => parse(['web', '--to', '--yes']))).toBe(
      "--to: missing value: expected a version like v3 before '--yes'",
    );
  });

  it('refuses a single-value option given twice, but collects a repeatable one', () => {
    expect(usageMessage(() => parse(['web', '--to', 'v1', '--to', 'v2']))).toBe(
      "--to: given more than once ('v1' and 'v2'); give it once",
    );
    expect(parse(['--service', 'a', '--service', 'b']).values.service).toEqual(['a', 'b']);
  });

  it('refuses a value given to a switch and an unknown option', () => {
    expect(usageMessage(() => parse(['--yes=no']))).toBe("--yes: takes no value (got 'no')");
    expect(usageMessage(() => parse(['--bogus']))).toBe(
      "rollback: unknown option '--bogus' (see 'dokroll-tui rollback --help')",
    );
  });

  it('bounds durations to what the Engine keeps (64-bit nanoseconds)', () => {
    expect(parseWith(DurationArg, '1m30s', '--delay')).toBe(90_000);
    expect(usageMessage(() => parseWith(DurationArg, '999999999h', '--delay'))).toBe(
      "--delay: expected a duration of at most 2562047h (the Engine's limit) (got '999999999h')",
    );
    expect(usageMessage(() => parseWith(DurationArg, '', '--delay'))).toMatch(/^--delay: expected a duration like 0s/);
  });

  it('refuses a numeric environment setting that is set but empty, and leaves an unset one to its default', () => {
    expect(envNumber({}, 'DOKROLL_FULL_PASS_SECONDS', PositiveSecondsArg)).toBeUndefined();
    expect(envNumber({DOKROLL_FULL_PASS_SECONDS: '5'}, 'DOKROLL_FULL_PASS_SECONDS', PositiveSecondsArg)).toBe(5);
    expect(
      usageMessage(() => envNumber({DOKROLL_FULL_PASS_SECONDS: ''}, 'DOKROLL_FULL_PASS_SECONDS', PositiveSecondsArg)),
    ).toBe("DOKROLL_FULL_PASS_SECONDS: expected a whole number of seconds from 1 to 86400 (got '')");
  });

  it('shows control characters in a refused value escaped', () => {
    expect(usageMessage(() => parseWith(SecondsArg, '1\x1b]0;x\x07', '--watch'))).toContain("(got '1\\x1b]0;x\\x07')");
  });
});

describe('global options anywhere on the line', () => {
  const specs = COMMANDS.map((c) => c.options);

  it('finds the command word after global options and their values', () => {
    expect(splitCommand(['--host', 'unix:///x.sock', 'snapshot', 'web'], specs)).toEqual({
      name: 'snapshot',
      rest: ['--host', 'unix:///x.sock', 'web'],
    });
    expect(splitCommand(['-H', 'tcp://h:2375', '--json', 'history', 'web'], specs)).toEqual({
      name: 'history',
      rest: ['-H', 'tcp://h:2375', '--json', 'web'],
    });
    expect(splitCommand(['--db=/tmp/h.db', '--no-color', 'history', 'web'], specs)).toEqual({
      name: 'history',
      rest: ['--db=/tmp/h.db', '--no-color', 'web'],
    });
  });

  it('without a command word it is the console, options and all', () => {
    expect(splitCommand(['--service', 'web', '--read-only'], specs)).toEqual({
      rest: ['--service', 'web', '--read-only'],
    });
    expect(splitCommand([], specs)).toEqual({rest: []});
  });

  it('parses global options before and after the command alike', () => {
    const history = COMMANDS.find((c) => c.name === 'history')!;
    for (const argv of [
      ['-H', 'unix:///a', 'web', '--json'],
      ['web', '--host=unix:///a', '--json'],
    ]) {
      const args = parseCommandArgs(argv, history.options, 'history');
      expect(args).toEqual({positionals: ['web'], values: {host: ['unix:///a'], json: true}});
    }
  });

  it('collects -H given several times, in order (several managers)', () => {
    const history = COMMANDS.find((c) => c.name === 'history')!;
    const args = parseCommandArgs(
      ['-H', 'unix:///a', 'web', '--host', 'unix:///b,unix:///c'],
      history.options,
      'history',
    );
    expect(args.values.host).toEqual(['unix:///a', 'unix:///b,unix:///c']);
  });
});
