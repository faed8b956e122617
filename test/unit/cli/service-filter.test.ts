import {PassThrough} from 'node:stream';
import {describe, expect, it} from 'vitest';
import {parseCommandArgs, UsageError} from '../../../source/cli/args.js';
import {SERVICE_FILTER_OPTION, serviceFilter} from '../../../source/cli/commands/shared.js';
import {CommandContext} from '../../../source/cli/context.js';

function ctxFor(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const args = parseCommandArgs(argv, SERVICE_FILTER_OPTION, 'record');
  return new CommandContext(args, {
    stdout: new PassThrough(),
    stderr: new PassThrough(),
    stdin: new PassThrough(),
    env,
  });
}

describe('--service filter of swarm-wide commands', () => {
  it('takes every service when neither --service nor DOKROLL_SERVICES is given', () => {
    expect(serviceFilter(ctxFor([]))).toBeUndefined();
  });

  it('takes exactly the services named by repeated --service flags', () => {
    const only = serviceFilter(ctxFor(['--service', 'web', '--service', 'api']))!;
    expect(['web', 'api', 'worker', 'web2'].filter(only)).toEqual(['web', 'api']);
  });

  it('falls back to the comma-separated DOKROLL_SERVICES, and flags win over it', () => {
    expect(['a', 'b', 'c'].filter(serviceFilter(ctxFor([], {DOKROLL_SERVICES: 'a, c'}))!)).toEqual(['a', 'c']);
    expect(['a', 'b', 'c'].filter(serviceFilter(ctxFor(['--service', 'b'], {DOKROLL_SERVICES: 'a'}))!)).toEqual(['b']);
  });

  it('rejects a name that cannot be a service', () => {
    expect(() => serviceFilter(ctxFor(['--service', 'no spaces allowed']))).toThrow(UsageError);
  });
});
