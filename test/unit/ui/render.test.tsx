import {EventEmitter} from 'node:events';
import {describe, expect, test} from 'vitest';
import {ENTER_ALT_SCREEN, LEAVE_ALT_SCREEN, runConsole, terminalProblem} from '../../../source/ui/render.js';
import {FakeConsoleModel, rollout, service} from '../../support/fake-model.js';
import {Screen} from '../../support/screen.js';
import {waitForText} from '../../support/wait-for-text.js';
import {sleep, waitFor} from '../../support/wait.js';

class FakeStdin extends EventEmitter {
  isTTY: boolean;
  private data: string | null = null;
  constructor(isTTY = true) {
    super();
    this.isTTY = isTTY;
  }
  write(data: string) {
    this.data = data;
    this.emit('readable');
  }
  read() {
    const data = this.data;
    this.data = null;
    return data;
  }
  setEncoding() {}
  setRawMode() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
}

class FakeStdout extends EventEmitter {
  isTTY = true;
  columns = 80;
  rows = 24;
  output = '';
  write = (chunk: string) => {
    this.output += chunk;
    return true;
  };
}

function terminal(isTTY = true) {
  const stdin = new FakeStdin(isTTY);
  const stdout = new FakeStdout();
  const stderr = new FakeStdout();
  return {
    stdin,
    stdout,
    stderr,
    opts: {
      stdin: stdin as unknown as NodeJS.ReadStream,
      stdout: stdout as unknown as NodeJS.WriteStream,
      stderr: stderr as unknown as NodeJS.WriteStream,
      patchConsole: false,
    },
  };
}

describe('runConsole', () => {
  test('without a terminal, points to the headless commands and exits 2', async () => {
    const t = terminal(false);
    const code = await runConsole(new FakeConsoleModel(), t.opts);
    expect(code).toBe(2);
    expect(t.stderr.output).toContain('needs an interactive terminal, and stdin is not one');
    expect(t.stderr.output).toContain('dokroll-tui --help');
    expect(t.stdout.output).toBe('');
    expect(terminalProblem({isTTY: true}, {isTTY: false})).toContain('stdout is not one');
    expect(terminalProblem({isTTY: true}, {isTTY: true})).toBeNull();
  });

  test('draws on the alternate screen and restores the terminal when the operator quits', async () => {
    const t = terminal();
    const done = runConsole(new FakeConsoleModel({services: [service({name: 'web'})]}), t.opts);
    await waitForText(() => t.stdout.output, 'web');
    expect(t.stdout.output.startsWith(ENTER_ALT_SCREEN)).toBe(true);
    t.stdin.write('q');
    expect(await done).toBe(0);
    expect(t.stdout.output.endsWith(LEAVE_ALT_SCREEN)).toBe(true);
  });

  test('Ctrl-C quits like q', async () => {
    const t = terminal();
    const done = runConsole(new FakeConsoleModel({services: [service({name: 'web'})]}), t.opts);
    await waitForText(() => t.stdout.output, 'web');
    t.stdin.write('\u0003');
    expect(await done).toBe(0);
    expect(t.stdout.output.endsWith(LEAVE_ALT_SCREEN)).toBe(true);
  });

  test('q during a rollout asks first, and a second q quits', async () => {
    const t = terminal();
    const model = new FakeConsoleModel({
      services: [service({name: 'web'})],
      rollouts: {web: rollout({from: 4, to: 7})},
    });
    const done = runConsole(model, t.opts);
    await waitForText(() => t.stdout.output, 'web');
    let ended = false;
    void done.then(() => (ended = true));
    t.stdin.write('q');
    await waitForText(() => t.stdout.output, 'Swarm will finish it. Quit?');
    expect(ended).toBe(false);
    t.stdin.write('q');
    expect(await done).toBe(0);
  });

  test('q quits at once once the rollout has ended', async () => {
    const t = terminal();
    const model = new FakeConsoleModel({
      services: [service({name: 'web'})],
      rollouts: {web: rollout({done: true, result: 'healthy'})},
    });
    const done = runConsole(model, t.opts);
    await waitForText(() => t.stdout.output, 'web');
    t.stdin.write('q');
    expect(await done).toBe(0);
    expect(t.stdout.output).not.toContain('Quit?');
  });

  test('restores the terminal on SIGTERM and exits 143', async () => {
    const t = terminal();
    const done = runConsole(new FakeConsoleModel({services: [service({name: 'web'})]}), t.opts);
    await waitForText(() => t.stdout.output, 'web');
    process.emit('SIGTERM', 'SIGTERM');
    expect(await done).toBe(143);
    expect(t.stdout.output).toContain(LEAVE_ALT_SCREEN);
    expect(process.listenerCount('uncaughtException')).toBeLessThan(10);
  });

  test('restores the terminal and reports a crash in the console', async () => {
    const t = terminal();
    const model = new FakeConsoleModel({services: [service({name: 'web'})]});
    const done = runConsole(model, t.opts);
    await waitForText(() => t.stdout.output, 'web');
    // State that breaks rendering (an image that is not a string): the React tree throws.
    model.update({services: [{...service({name: 'web'}), image: undefined as never}]});
    expect(await done).toBe(1);
    expect(t.stdout.output).toContain(LEAVE_ALT_SCREEN);
    expect(t.stderr.output).toContain('the console crashed');
  });

  test('incremental updates land on the right rows of a real screen', async () => {
    const t = terminal();
    const names = Array.from({length: 30}, (_, i) => `svc-${String(i).padStart(2, '0')}`);
    const model = new FakeConsoleModel({services: names.map((name) => service({name}))});
    const done = runConsole(model, t.opts);
    await waitForText(() => t.stdout.output, 'svc-00');
    // Frames are throttled (maxFps): each step waits for the frame that shows it on the screen.
    const screenLines = () => {
      const screen = new Screen(80, 24);
      screen.write(t.stdout.output);
      return screen.lines();
    };
    const shows = (row: number, pattern: RegExp, what: string) =>
      waitFor(() => pattern.test(screenLines()[row] ?? ''), {timeoutMs: 5_000, intervalMs: 20, what});
    for (let i = 1; i <= 4; i++) {
      model.update({services: names.map((name, n) => service({name, running: n === 2 ? i % 4 : 3}))});
      await shows(5, new RegExp(`^.{2}svc-02 .* ${i % 4}/3 `), `svc-02 at ${i % 4}/3`);
      t.stdin.write('\u001b[B');
      await shows(3 + i, new RegExp(`^› svc-0${i} `), `the cursor on svc-0${i}`);
    }
    const lines = screenLines();
    expect(lines[0]).toMatch(/^dokroll ● connected/);
    expect(lines[1]).toMatch(/^Services/);
    expect(lines[2]).toMatch(/^ {2}NAME/);
    expect(lines[3]).toMatch(/^ {2}svc-00 /);
    expect(lines[5]).toMatch(/^ {2}svc-02 .* 0\/3 /);
    expect(lines[7]).toMatch(/^› svc-04 /);
    expect(lines[22]).toMatch(/enter open/);
    expect(lines[23]).toBe('');
    t.stdin.write('q');
    await done;
  });

  test('an unchanged screen writes nothing more', async () => {
    const t = terminal();
    const model = new FakeConsoleModel({services: [service({name: 'web'})]});
    const done = runConsole(model, t.opts);
    await waitForText(() => t.stdout.output, 'web');
    // Until the first frames are out: no write for 100 ms.
    let seen = -1;
    await waitFor(() => seen === (seen = t.stdout.output.length), {intervalMs: 100, what: 'the screen to settle'});
    const before = t.stdout.output.length;
    model.update({}); // a new state object, same content
    await sleep(300); // asserts that nothing is written
    expect(t.stdout.output.length).toBe(before);
    t.stdin.write('q');
    await done;
  });
});
