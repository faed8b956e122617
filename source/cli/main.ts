#!/usr/bin/env node
import {run} from './run.js';

// React's development build, which it picks when NODE_ENV is unset, renders the console slower and
// records a performance.measure() per component render that Node keeps for the life of the process
// (thousands of entries a minute). React is only imported later (by the console, dynamically), so
// setting it here, after the static imports, is in time.
process.env.NODE_ENV ??= 'production';

const code = await run(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
});
// Let pending writes drain, then leave even if a socket (events, SSH) is still referenced.
process.stdout.write('', () => process.exit(code));
