/**
 * The bundled CLI's body (dist/cli/dokroll.cjs, started by the launcher: source/cli/launcher/main.ts).
 * React's production build is chosen when the CLI is bundled (scripts/build.mjs sets NODE_ENV): the
 * development build renders slower and keeps a performance entry per component render.
 */
import {run} from './run.js';

void run(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
}).then((code) => {
  // Let pending writes drain, then leave even if a socket (events, SSH) is still referenced.
  process.stdout.write('', () => process.exit(code));
});
