/**
 * Renders the console with ink-testing-library at a given terminal size (its stdout has no rows and
 * a fixed 100 columns, so the size is set and a resize emitted, as a real terminal would).
 */
import chalk from 'chalk';
import {render} from 'ink-testing-library';
import {App} from '../../source/ui/App.js';
import type {ConsoleModel} from '../../source/services/console-model.js';
import {stripAnsi, waitForText} from './wait-for-text.js';

export const KEYS = {
  up: '\u001b[A',
  down: '\u001b[B',
  pageDown: '\u001b[6~',
  pageUp: '\u001b[5~',
  enter: '\r',
  escape: '\u001b',
  backspace: '\u007f',
  tab: '\t',
  ctrlC: '\u0003',
} as const;

export interface RenderOptions {
  columns?: number;
  rows?: number;
  color?: boolean;
}

/**
 * Makes chalk emit colour although the test's stdout is not a terminal, so NO_COLOR is testable.
 * Returns what puts chalk's level back (so `beforeAll(forceColor)` restores it after the file: the
 * unit tests share modules between files).
 */
export function forceColor(): () => void {
  const before = chalk.level;
  chalk.level = 1;
  return () => {
    chalk.level = before;
  };
}

/**
 * Renders the console at `columns` x `rows` and resolves once it has drawn a frame at that size
 * (ink-testing-library's first frame is always 100 columns wide).
 */
export async function renderConsole(model: ConsoleModel, {columns = 80, rows = 24, color = true}: RenderOptions = {}) {
  const result = render(<App model={model} color={color} />);
  const resize = (c: number, r: number) => {
    Object.defineProperty(result.stdout, 'columns', {value: c, configurable: true});
    Object.defineProperty(result.stdout, 'rows', {value: r, configurable: true});
    result.stdout.emit('resize');
  };
  const frame = () => stripAnsi(result.lastFrame() ?? '');
  // The size hook subscribes in an effect: resize once it has, and let it re-render.
  await new Promise((resolve) => setTimeout(resolve, 0));
  resize(columns, rows);
  await new Promise((resolve) => setTimeout(resolve, 0));
  return {
    ...result,
    resize,
    /** The last frame without escape codes. */
    frame,
    /** The last frame's lines. */
    lines: () => frame().split('\n'),
    /** Writes one chunk to stdin (several keys in one chunk stay one chunk). */
    press: async (chunk: string) => {
      result.stdin.write(chunk);
      // A lone ESC is held by Ink until the next tick (it may start a sequence).
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setTimeout(resolve, 5));
    },
    waitFor: (text: string | RegExp | ((frame: string) => boolean), timeoutMs?: number) =>
      waitForText(result.lastFrame, text, timeoutMs),
  };
}

/** Renders the console and opens the history of the service on the first row (h), once `version` shows. */
export async function renderHistory(
  model: ConsoleModel,
  service: string,
  version: string,
  options: RenderOptions = {},
) {
  const ui = await renderConsole(model, options);
  await ui.waitFor(service);
  await ui.press('h');
  await ui.waitFor(version);
  return ui;
}
