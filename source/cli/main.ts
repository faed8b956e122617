#!/usr/bin/env node
import {run} from './run.js';

const code = await run(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
});
// Let pending writes drain, then leave even if a socket (events, SSH) is still referenced.
process.stdout.write('', () => process.exit(code));
