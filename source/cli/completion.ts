/**
 * Shell completion: what may come next on a partly typed command line (commands, flags, services,
 * versions, fixed values), and the bash and zsh scripts that ask for it by running the hidden
 * `dokroll-tui __complete -- WORD...` (the words after the program name, the last one being the
 * word under the cursor, possibly empty). A flag that takes a file answers `:files`, and the script
 * completes file names itself.
 */
import {parseArgs} from 'node:util';
import {GLOBAL_OPTIONS, parseArgsOptions, splitCommand, type FlagSpecs} from './args.js';
import type {Command, Operand} from './command.js';

/** Where services and versions come from (the daemon and the history); never throws. */
export interface CompletionSource {
  services(): Promise<string[]>;
  versions(service: string): Promise<number[]>;
}

export const FILES = ':files';

const FILE_FLAGS = new Set(['db', 'config', 'ssh-key']);
const FIXED_VALUES: Record<string, readonly string[]> = {
  host: ['unix://', 'tcp://', 'ssh://'],
  order: ['start-first', 'stop-first'],
};

function flagNames(specs: FlagSpecs): string[] {
  return Object.keys(specs).map((name) => `--${name}`);
}

/** Positionals among complete words (options and their values skipped; never throws). */
function positionalsOf(words: string[], specs: FlagSpecs): string[] {
  return parseArgs({args: words, options: parseArgsOptions(specs), allowPositionals: true, strict: false}).positionals;
}

async function operandValues(
  operand: Operand,
  service: string | undefined,
  source: CompletionSource,
): Promise<string[]> {
  if (operand === 'service') return source.services();
  if (service === undefined) return [];
  const versions = (await source.versions(service)).map((n) => `v${n}`);
  return operand === 'version-or-live' ? [...versions, 'live'] : versions;
}

/** Candidates for the last of `words` (those after the program name); FILES for a file name. */
export async function completionCandidates(
  words: readonly string[],
  commands: readonly Command[],
  source: CompletionSource,
): Promise<string[]> {
  const current = words.at(-1) ?? '';
  // bash splits `--db=PATH` into `--db`, `=`, `PATH`.
  const before = words.slice(0, -1).filter((word, i, all) => !(word === '=' && i === all.length - 1));
  const {name, rest} = splitCommand(
    before,
    commands.map((c) => c.options),
  );
  const command = commands.find((c) => c.name === (name ?? 'console') && !c.hidden);
  const specs: FlagSpecs = {...GLOBAL_OPTIONS, ...command?.options};
  const startsWith = (list: readonly string[]) => list.filter((c) => c.startsWith(current));

  const previous = before.at(-1);
  const flag = previous?.startsWith('--')
    ? previous.slice(2)
    : Object.keys(specs).find((n) => previous === `-${specs[n]!.short}`);
  if (flag && specs[flag]?.type === 'string' && !previous!.includes('=')) {
    if (FILE_FLAGS.has(flag)) return [FILES];
    if (flag === 'service') return startsWith(await source.services());
    if (flag === 'to') {
      const service = positionalsOf(rest, specs)[0];
      return service === undefined ? [] : startsWith((await source.versions(service)).map((n) => `v${n}`));
    }
    return startsWith(FIXED_VALUES[flag] ?? []);
  }
  if (current.startsWith('-')) return startsWith(flagNames(specs));
  if (name === undefined)
    return startsWith(commands.filter((c) => !c.hidden && c.name !== 'console').map((c) => c.name));
  if (!command) return [];
  const positionals = positionalsOf(rest, specs);
  const operand = command.operands?.[positionals.length];
  if (operand === undefined) return [];
  return startsWith(typeof operand === 'string' ? await operandValues(operand, positionals[0], source) : operand);
}

export const BASH_SCRIPT = `# dokroll-tui completion for bash. Load it with:
#   source <(dokroll-tui completion bash)
# or save it as ~/.local/share/bash-completion/completions/dokroll-tui
_dokroll_tui() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" out
  out=$(dokroll-tui __complete -- "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null) || return 0
  local IFS=$'\\n'
  if [[ $out == "${FILES}" ]]; then
    compopt -o filenames 2>/dev/null
    COMPREPLY=($(compgen -f -- "$cur"))
  else
    COMPREPLY=($(compgen -W "$out" -- "$cur"))
  fi
}
complete -F _dokroll_tui dokroll-tui
`;

export const ZSH_SCRIPT = `#compdef dokroll-tui
# dokroll-tui completion for zsh. Load it (after compinit) with:
#   source <(dokroll-tui completion zsh)
# or save it as _dokroll-tui in a directory of $fpath
_dokroll_tui() {
  local out
  out=$(dokroll-tui __complete -- "\${(@)words[2,CURRENT]}" 2>/dev/null) || return 1
  [[ -n $out ]] || return 1
  if [[ $out == "${FILES}" ]]; then
    _files
    return
  fi
  local -a candidates
  candidates=("\${(@f)out}")
  compadd -a candidates
}
if [[ \${zsh_eval_context[-1]} == loadautofunc ]]; then
  _dokroll_tui "$@"
else
  compdef _dokroll_tui dokroll-tui
fi
`;
