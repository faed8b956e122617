/**
 * Figure 6 on its own, quick: time to the console's first frame in a real terminal, alternating
 * with `docker service ls`, on whatever the swarm runs now. Optionally compares other builds of the
 * CLI in the same run (e.g. a copy of dist/ from before a change), alternating between them.
 *
 * First frame = from just before `node` starts to the first output showing the header; data = to
 * the first frame listing a service (or the empty-swarm line). `docker service ls` is a Go binary
 * that prints one table: it is the floor a console start is compared with, not a like-for-like.
 *
 *   node --import tsx bench/first-frame.ts [STARTS=7] [OTHER_BUILD_MAIN_JS ...]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {ensureBuilt} from '../test/support/built-cli.js';
import {ensureTestbed} from '../test/support/swarm.js';
import {ConsolePty, HEADER} from './console-pty.js';
import {DOCKER, loadAverage, printTable, stats, timed} from './kit.js';

const starts = Number(process.argv[2] ?? 7);
const builds = [await ensureBuilt(), ...process.argv.slice(3).map((p) => path.resolve(p))];
await ensureTestbed();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dokroll-first-frame-'));
const db = `file:${dir}/history.db`;
const DATA = /\d+\/\d+|no services/i;

const frames = builds.map(() => [] as number[]);
const data = builds.map(() => [] as number[]);
const ls: number[] = [];
const load = loadAverage();
try {
  for (let i = 0; i < starts; i++) {
    ls.push((await timed(DOCKER, ['service', 'ls'])).ms);
    for (const [b, cli] of builds.entries()) {
      const pty = await ConsolePty.start(dir, {
        cli,
        args: ['--db', db, '--no-record'],
        env: {DOCKER_HOST: 'unix:///var/run/docker.sock'},
      });
      try {
        const startedAt = await pty.startedAt();
        frames[b]!.push((await pty.waitOutput((text) => HEADER.test(text), 'the header')) - startedAt);
        data[b]!.push((await pty.waitOutput((text) => DATA.test(text), 'the services')) - startedAt);
      } finally {
        await pty.stop();
      }
    }
  }
  const fmt = (samples: number[]) =>
    `${stats(samples).median.toFixed(0)} ms (min ${stats(samples).min.toFixed(0)}, max ${stats(samples).max.toFixed(0)})`;
  console.log(`\nFigure 6 — time to first frame, ${starts} starts each, alternating (target < 500 ms)`);
  printTable(
    ['', 'first frame (header)', 'services listed'],
    [
      ...builds.map((cli, b) => [path.relative(process.cwd(), cli), fmt(frames[b]!), fmt(data[b]!)]),
      ['docker service ls', fmt(ls), ''],
    ],
  );
  console.log(`load at the start: ${load}; at the end: ${loadAverage()}`);
} finally {
  fs.rmSync(dir, {recursive: true, force: true});
}
