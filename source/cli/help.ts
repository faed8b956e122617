/**
 * `--help` text: a command's usage and own options, the global options, its exit codes and
 * examples. The same global option lines head the overview (`dokroll-tui --help`).
 */
import type {Command} from './command.js';

export const GLOBAL_OPTION_LINES = [
  '  -H, --host URL    Docker endpoint (unix://, tcp://, ssh://); default DOCKER_HOST or the local socket',
  '  --db URL          history database (file path, file:, libsql://, https://); default DOKROLL_DB or',
  '                    $XDG_DATA_HOME/dokroll/history.db',
  '  --config PATH     configuration file; default DOKROLL_CONFIG or $XDG_CONFIG_HOME/dokroll/config.json',
  '  --ssh-key PATH    identity file for ssh:// hosts (default: ssh-agent, then ~/.ssh/id_*)',
  '  --json            machine-readable output',
  '  --no-color        no colours (also NO_COLOR)',
  '  -h, --help        help; with a command, its flags, exit codes and examples',
];

export function commandHelp(command: Command): string {
  return [
    command.usage,
    '',
    'Global options (before or after the command):',
    ...GLOBAL_OPTION_LINES,
    '',
    'Exit codes:',
    ...command.exitCodes.map((line) => `  ${line}`),
    '',
    command.examples.length === 1 ? 'Example:' : 'Examples:',
    ...command.examples.map((line) => `  ${line}`),
  ].join('\n');
}
