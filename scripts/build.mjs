#!/usr/bin/env node
/**
 * Builds dist/cli/main.js: the CLI bundled with its dependencies into a few ES modules (one entry
 * and lazily loaded chunks: the gateway, the store and the console UI load only when a command
 * needs them). Loading ~1,000 small modules through Node's ESM loader was most of the start-up
 * time (the console's first frame, and everything a rollback does before it applies the update);
 * one file per chunk cuts that by half or more.
 *
 * Left in node_modules and loaded from there at run time: libsql (a native add-on) and ssh2 (with
 * its optional native crypto), which only ssh:// endpoints load (source/docker/ssh2-module.ts).
 * Type checking is not done here: `npm run typecheck` (and `npm test`) run tsc.
 *
 *   node scripts/build.mjs
 */
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {build} from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.join(root, 'dist', 'cli');

// A bundled CommonJS dependency still calls require(), and reads __dirname / __filename.
const banner = [
  "import {createRequire as __dokrollRequire} from 'node:module';",
  "import {fileURLToPath as __dokrollPath} from 'node:url';",
  "import {dirname as __dokrollDirname} from 'node:path';",
  'const require = __dokrollRequire(import.meta.url);',
  'const __filename = __dokrollPath(import.meta.url);',
  'const __dirname = __dokrollDirname(__filename);',
].join(' ');

/** Native add-ons: required from node_modules at run time. */
const nativeAddons = {
  name: 'native-addons',
  setup(b) {
    b.onResolve({filter: /\.node$/}, (args) => ({path: args.path, external: true}));
  },
};

/**
 * dockerode's BuildKit session (used only by buildImage with BuildKit, which dokroll-tui never
 * calls) loads gRPC and protobuf at start-up: replaced by a stub that reports it unsupported.
 */
const noBuildkitSession = {
  name: 'no-buildkit-session',
  setup(b) {
    b.onResolve({filter: /^\.\/session$/}, (args) =>
      args.importer.includes(`${path.sep}dockerode${path.sep}`) ? {path: 'dockerode-session', namespace: 'dokroll-stub'} : undefined,
    );
    b.onLoad({filter: /.*/, namespace: 'dokroll-stub'}, (args) => ({loader: 'js', contents: stubs[args.path]}));
  },
};

/**
 * docker-modem's own ssh:// support loads ssh2 at start-up, though dokroll-tui reaches ssh://
 * daemons through its own agent (source/docker/ssh-agent.ts, which loads ssh2 only then).
 */
const noModemSsh = {
  name: 'no-modem-ssh',
  setup(b) {
    b.onResolve({filter: /^\.\/ssh$/}, (args) =>
      args.importer.includes(`${path.sep}docker-modem${path.sep}`) ? {path: 'docker-modem-ssh', namespace: 'dokroll-stub'} : undefined,
    );
  },
};

/**
 * zod's `z.locales` namespace carries the error messages of ~50 languages (more than half of zod's
 * code); only English, zod's default, is used. The namespace keeps just `en`.
 */
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(b) {
    b.onResolve({filter: /^\.\.\/locales\/index\.js$/}, (args) =>
      args.importer.includes(`${path.sep}zod${path.sep}`)
        ? {path: path.resolve(args.resolveDir, args.path), namespace: 'zod-locales'}
        : undefined,
    );
    b.onLoad({filter: /.*/, namespace: 'zod-locales'}, (args) => ({
      loader: 'js',
      resolveDir: path.dirname(args.path),
      contents: "export {default as en} from './en.js';",
    }));
  },
};

const stubs = {
  'dockerode-session':
    "module.exports = function withSession(docker, auth, handler) { handler(new Error('BuildKit sessions are not part of this build')); };",
  'docker-modem-ssh': "module.exports = function ssh() { throw new Error('docker-modem ssh is not part of this build'); };",
};

const started = Date.now();
const result = await build({
  absWorkingDir: root,
  entryPoints: ['source/cli/main.ts'],
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  keepNames: true,
  sourcemap: true,
  // React and its reconciler ship a development build chosen at run time; only production is kept.
  define: {'process.env.NODE_ENV': '"production"'},
  external: ['libsql', 'cpu-features', 'react-devtools-core'],
  banner: {js: banner},
  plugins: [nativeAddons, noBuildkitSession, noModemSsh, zodEnglishOnly],
  logLevel: 'warning',
  legalComments: 'linked',
  write: false,
});

// A CLI already running (a console, a test) loads its chunks later, by their hashed names: they
// are left in place, and main.js is replaced last, atomically. Files of earlier builds go once
// they are an hour old.
fs.mkdirSync(outdir, {recursive: true});
const entry = path.join(outdir, 'main.js');
const written = new Set();
for (const file of result.outputFiles.sort((a, b) => (a.path === entry) - (b.path === entry))) {
  const temp = `${file.path}.${process.pid}.tmp`;
  fs.writeFileSync(temp, file.contents, {mode: file.path === entry ? 0o755 : 0o644});
  fs.renameSync(temp, file.path);
  written.add(file.path);
}
for (const name of fs.readdirSync(outdir)) {
  const file = path.join(outdir, name);
  if (!written.has(file) && Date.now() - fs.statSync(file).mtimeMs > 3_600_000) fs.rmSync(file, {force: true});
}
if (process.stdout.isTTY) console.log(`built dist/cli in ${Date.now() - started} ms`);
