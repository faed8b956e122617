#!/usr/bin/env node
import {run} from './run.js';

// React's production build is chosen when the CLI is bundled (scripts/build.mjs sets NODE_ENV): the
// development build renders slower and keeps a performance entry per component render.

const code = await run(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
});
// Let pending writes drain, then leave even if a socket (events, SSH) is still referenced.
process.stdout.write('', () => process.exit(code));
