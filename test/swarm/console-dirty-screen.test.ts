/**
 * The console does not assume a clean screen: a terminal left in the alternate screen with colours
 * set, a scroll region and a hidden cursor (what kill -9 of a console leaves behind) gets a clean,
 * whole first frame.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ensureBuilt} from '../support/built-cli.js';
import {makeTempDir, removeDir} from '../support/store.js';
import {testbed} from '../support/swarm.js';
import {TmuxSession} from '../support/tmux.js';

let dir: string;
let cli: string;

beforeAll(async () => {
  cli = await ensureBuilt();
  dir = makeTempDir('dokroll-dirty-');
}, 240_000);
afterAll(() => removeDir(dir));

// Alternate screen on, red background, a scroll region of rows 5–8, cursor hidden, screen full of text.
const GARBAGE =
  String.raw`\033[?1049h\033[41;97m` +
  String.raw`GARBAGE GARBAGE GARBAGE\n`.repeat(30) +
  String.raw`\033[5;8r\033[?25l\033[41m`;

describe('the console on a dirty terminal', () => {
  it('clears what a killed program left and draws a whole first frame, without garbage or leftover colours', async () => {
    const db = `file:${dir}/history.db`;
    const script = `printf '${GARBAGE}'; exec node ${cli} --db ${db} --service no-such-service-here`;
    const term = await TmuxSession.start(['sh', '-c', script], {
      columns: 100,
      rows: 30,
      env: {DOCKER_HOST: `unix://${testbed.socketPath}`},
    });
    try {
      const screen = await term.waitFor(/● connected[\s\S]*no services/, {timeoutMs: 60_000});
      const styled = await term.styledScreen();
      console.info(`first frame on a dirty terminal:\n${screen}`);
      expect(screen).not.toContain('GARBAGE');
      expect(styled).not.toMatch(/\x1b\[[0-9;]*41[;m]/);
      // The frame is whole and in order: header first, the list, the key hints last.
      const lines = screen.split('\n').filter((l) => l.trim() !== '');
      expect(lines[0]).toMatch(/^dokroll ● connected/);
      expect(lines.at(-1)).toMatch(/q quit/);
      expect(lines.findIndex((l) => l.includes('no services'))).toBeLessThan(lines.length - 1);
    } finally {
      await term.kill();
    }
  }, 120_000);
});
