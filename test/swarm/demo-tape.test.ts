/**
 * Keeps demo.tape runnable: its key presses are replayed against the real console in tmux (on a
 * uniquely named copy of the demo service, made by scripts/demo.sh), and every `# expect: TEXT`
 * line must show on the terminal after the commands before it.
 */
import {execFile} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ensureBuilt} from '../support/built-cli.js';
import {trackService} from '../support/cleanup.js';
import {makeTempDir, removeDir} from '../support/store.js';
import {REPO_ROOT, sleep, uniqueName} from '../support/swarm.js';
import {TmuxSession} from '../support/tmux.js';

export type TapeStep =
  | {kind: 'type'; text: string}
  | {kind: 'keys'; keys: string[]}
  | {kind: 'sleep'; ms: number}
  | {kind: 'expect'; text: string}
  | {kind: 'env'; name: string; value: string};

/** VHS key names → tmux send-keys names. */
const KEYS: Record<string, string> = {
  Enter: 'Enter',
  Down: 'Down',
  Up: 'Up',
  Left: 'Left',
  Right: 'Right',
  Escape: 'Escape',
  Tab: 'Tab',
  Backspace: 'BSpace',
  Space: 'Space',
  PageUp: 'PPage',
  PageDown: 'NPage',
  'Ctrl+C': 'C-c',
};

function unquote(value: string): string {
  const text = value.trim();
  const quote = text[0];
  if ((quote === '"' || quote === "'" || quote === '`') && text.endsWith(quote)) return text.slice(1, -1);
  return text;
}

function durationMs(value: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(value.trim());
  if (!match) throw new Error(`demo.tape: bad duration '${value}'`);
  const n = Number(match[1]);
  return match[2] === 'ms' ? n : match[2] === 'm' ? n * 60_000 : n * 1000;
}

/** The steps of a VHS tape the replay understands; settings (Output, Set, Require…) are skipped. */
export function parseTape(text: string): TapeStep[] {
  const steps: TapeStep[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const expectation = /^#\s*expect:\s*(.+)$/.exec(line);
    if (expectation) {
      steps.push({kind: 'expect', text: expectation[1]!.trim()});
      continue;
    }
    if (line === '' || line.startsWith('#')) continue;
    const [head = '', ...rest] = line.split(/\s+/);
    const command = head.replace(/@\S+$/, '');
    const args = line.slice(head.length).trim();
    if (command === 'Type') steps.push({kind: 'type', text: unquote(args)});
    else if (command === 'Sleep') steps.push({kind: 'sleep', ms: durationMs(args)});
    else if (command === 'Env') {
      const [name = '', ...value] = rest;
      steps.push({kind: 'env', name, value: unquote(value.join(' '))});
    } else if (KEYS[command]) {
      const count = rest[0] && /^\d+$/.test(rest[0]) ? Number(rest[0]) : 1;
      steps.push({kind: 'keys', keys: Array.from({length: count}, () => KEYS[command]!)});
    }
  }
  return steps;
}

const TAPE = path.join(REPO_ROOT, 'demo.tape');
/** bash's prompt (`$ ` or `bash-5.2# `). */
const PROMPT = /[$#]\s*$/;
const DEMO_SERVICE = 'dokroll-demo';
let dir: string;

function runDemoScript(service: string, db: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'bash',
      [path.join(REPO_ROOT, 'scripts', 'demo.sh')],
      {cwd: REPO_ROOT, env: {...process.env, DOKROLL_DEMO_SERVICE: service, DOKROLL_DB: db}, timeout: 240_000},
      (error, stdout, stderr) =>
        error ? reject(new Error(`scripts/demo.sh failed: ${stderr}${stdout}`)) : resolve(stdout),
    );
  });
}

beforeAll(async () => {
  await ensureBuilt();
  dir = makeTempDir('dokroll-tape-');
}, 240_000);
afterAll(() => removeDir(dir));

describe('demo.tape', () => {
  const steps = parseTape(fs.readFileSync(TAPE, 'utf8'));

  it('walks the history, shows a diff and performs a rollback, each step with an expectation', () => {
    const expected = steps.filter((s) => s.kind === 'expect').map((s) => (s as {text: string}).text);
    expect(expected).toEqual(
      expect.arrayContaining(['first recorded', 'diff v2 → live', 'pre-flight passed', 'result: healthy']),
    );
    expect(steps.some((s) => s.kind === 'type' && s.text.includes(DEMO_SERVICE))).toBe(true);
    expect(steps[steps.length - 1]).toMatchObject({kind: 'sleep'});
  });

  it('replays against the real console on a copy of the demo service, every expectation met', async () => {
    const service = uniqueName('demo');
    const db = `file:${dir}/history.db`;
    trackService(service);
    const history = await runDemoScript(service, db);
    expect(history).toMatch(/v3 .*●/);

    const rename = (text: string) => text.split(DEMO_SERVICE).join(service);
    // Only the demo copy: the console's recorder must leave other tests' services alone.
    const env: Record<string, string> = {
      DOKROLL_DB: db,
      DOCKER_HOST: 'unix:///var/run/docker.sock',
      DOKROLL_SERVICES: service,
    };
    for (const step of steps) if (step.kind === 'env') env[step.name] = step.value;
    const term = await TmuxSession.start(['bash', '--norc', '--noprofile'], {columns: 120, rows: 34, env});
    const met: string[] = [];
    try {
      await term.waitFor(PROMPT);
      for (const step of steps) {
        switch (step.kind) {
          case 'type':
            await term.type(rename(step.text));
            break;
          case 'keys':
            await term.keys(...step.keys);
            break;
          case 'sleep':
            // The expectations wait as long as needed; the tape's pauses are for viewers.
            await sleep(Math.min(step.ms, 300));
            break;
          case 'expect':
            await term.waitFor(rename(step.text), {timeoutMs: 90_000});
            met.push(step.text);
            break;
          case 'env':
            break;
        }
      }
      // The console quit and the shell is back.
      await term.waitFor((screen) => PROMPT.test(screen.trimEnd().split('\n').pop() ?? ''), {timeoutMs: 5_000});
    } finally {
      await term.kill();
    }
    expect(met).toEqual(steps.filter((s) => s.kind === 'expect').map((s) => (s as {text: string}).text));
  }, 400_000);
});
