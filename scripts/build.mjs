#!/usr/bin/env node
/**
 * Builds the CLI into dist/cli: dokroll.cjs, the CLI bundled with its dependencies into one
 * CommonJS file, and main.js, the small entry point that runs it through a V8 code cache
 * (source/cli/launcher). Loading ~1,000 small modules through Node's ESM loader was most of the
 * start-up time (the console's first frame, and everything a rollback does before it applies the
 * update); one file cuts that by half or more, and the code cache saves compiling it on every run
 * (Node 20 caches no compiled code of its own; a CommonJS script can be given V8's cached data,
 * an ES module cannot). What a command does not need is still not run: the modules behind a
 * dynamic import() (the gateway, the store, the console UI) are initialised only when imported.
 *
 * Left in node_modules and loaded from there at run time: libsql's native add-on (its JavaScript is
 * bundled) and ssh2 (with its optional native crypto), which only ssh:// endpoints load
 * (source/docker/ssh2-module.ts).
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

// import.meta.url of the bundled ES modules (ssh2-module.ts's createRequire, yoga's script path).
const banner = "var __dokrollImportMetaUrl = require('node:url').pathToFileURL(__filename).href;";
const version = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version;
// The command names, for the launcher's code cache entry per command (source/cli/launcher).
const commandsDir = path.join(root, 'source', 'cli', 'commands');
const commandNames = fs
  .readdirSync(commandsDir)
  .flatMap((file) => [...fs.readFileSync(path.join(commandsDir, file), 'utf8').matchAll(/^ {2}name: '([a-z_-]+)',$/gm)])
  .map((match) => match[1]);
if (!commandNames.includes('rollback')) throw new Error('no command names found in source/cli/commands');

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
      args.importer.includes(`${path.sep}dockerode${path.sep}`)
        ? {path: 'dockerode-session', namespace: 'dokroll-stub'}
        : undefined,
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
      args.importer.includes(`${path.sep}docker-modem${path.sep}`)
        ? {path: 'docker-modem-ssh', namespace: 'dokroll-stub'}
        : undefined,
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

/**
 * yoga-layout (Ink's layout engine) compiles its WebAssembly with a top-level await, which a
 * CommonJS bundle cannot hold: its module starts the compile and exports the Yoga object, filled
 * in when the compile is done; the console waits for that (globalThis.__dokrollYogaReady, see
 * source/ui/yoga-ready.ts) before it renders.
 */
const yogaWithoutTopLevelAwait = {
  name: 'yoga-without-top-level-await',
  setup(b) {
    b.onLoad({filter: /yoga-layout[\\/]dist[\\/]src[\\/]index\.js$/}, (args) => ({
      loader: 'js',
      resolveDir: path.dirname(args.path),
      contents: [
        "import loadYoga from '../binaries/yoga-wasm-base64-esm.js';",
        "import wrapAssembly from './wrapAssembly.js';",
        'const Yoga = {};',
        'globalThis.__dokrollYogaReady = loadYoga().then((lib) => { Object.assign(Yoga, wrapAssembly(lib)); });',
        'export default Yoga;',
        "export * from './generated/YGEnums.js';",
      ].join('\n'),
    }));
  },
};

/**
 * Ink's reconciler awaits, at the top level, React DevTools and its own package.json when DEV=true
 * (debugging Ink itself): not part of this build, and not expressible in a CommonJS bundle.
 */
const inkWithoutDevtools = {
  name: 'ink-without-devtools',
  setup(b) {
    b.onLoad({filter: /ink[\\/]build[\\/]reconciler\.js$/}, async (args) => {
      const original = await fs.promises.readFile(args.path, 'utf8');
      const devtools = /\nif \(isDev\(\)\) \{\n {4}try \{\n {8}await import\('\.\/devtools\.js'\);[\s\S]*?\n\}\n/;
      const packageJson = /isDev\(\)\s*\?\s*await loadPackageJson\(\)\s*:/;
      if (!devtools.test(original) || !packageJson.test(original))
        throw new Error('ink/build/reconciler.js changed: revisit inkWithoutDevtools');
      return {loader: 'js', contents: original.replace(devtools, '\n').replace(packageJson, 'false ? undefined :')};
    });
  },
};

/**
 * libsql (the native driver's JavaScript side) picks its add-on package with @neon-rs/load, which
 * tells glibc from musl by building a whole diagnostic report (process.report.getReport(): ~10 ms
 * and more of every start that opens the history). On Linux x64/arm64 the target is asked of
 * detect-libc instead, which libsql already trusts over @neon-rs/load (it reads the libc from ldd's
 * file); when detect-libc cannot tell, and elsewhere, @neon-rs/load decides as before. The add-on packages
 * (`@libsql/<target>`) stay in node_modules, required at run time.
 */
const libsqlTargetWithoutReport = {
  name: 'libsql-target-without-report',
  setup(b) {
    b.onLoad({filter: /[\\/]node_modules[\\/]libsql[\\/]index\.js$/}, async (args) => {
      const original = await fs.promises.readFile(args.path, 'utf8');
      const pick = /\n {2}let target = currentTarget\(\);\n/;
      if (!pick.test(original)) throw new Error('libsql/index.js changed: revisit libsqlTargetWithoutReport');
      const target = [
        '',
        '  const family = familySync();',
        "  let target = process.platform === 'linux' && (process.arch === 'x64' || process.arch === 'arm64') && family",
        "    ? `linux-${process.arch}-${family === MUSL ? 'musl' : 'gnu'}`",
        '    : currentTarget();',
        '',
      ].join('\n');
      return {loader: 'js', contents: original.replace(pick, target)};
    });
  },
};

const stubs = {
  'dockerode-session':
    "module.exports = function withSession(docker, auth, handler) { handler(new Error('BuildKit sessions are not part of this build')); };",
  'docker-modem-ssh':
    "module.exports = function ssh() { throw new Error('docker-modem ssh is not part of this build'); };",
};

const started = Date.now();
const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  target: 'node20',
  minify: true,
  keepNames: true,
  sourcemap: true,
  logLevel: 'warning',
  write: false,
};
const [cli, launcher] = await Promise.all([
  build({
    ...common,
    entryPoints: ['source/cli/main.ts'],
    outfile: path.join(outdir, 'dokroll.cjs'),
    format: 'cjs',
    // React and its reconciler ship a development build chosen at run time; only production is kept.
    define: {'process.env.NODE_ENV': '"production"', 'import.meta.url': '__dokrollImportMetaUrl'},
    // The native add-ons' packages (@libsql/linux-x64-gnu…) are required by a computed name, left as is.
    external: ['cpu-features', 'react-devtools-core'],
    banner: {js: banner},
    plugins: [
      nativeAddons,
      noBuildkitSession,
      noModemSsh,
      zodEnglishOnly,
      yogaWithoutTopLevelAwait,
      inkWithoutDevtools,
      libsqlTargetWithoutReport,
    ],
    legalComments: 'linked',
  }),
  build({
    ...common,
    entryPoints: ['source/cli/launcher/main.ts'],
    outfile: path.join(outdir, 'main.js'),
    format: 'esm',
    define: {DOKROLL_VERSION: JSON.stringify(version), DOKROLL_COMMANDS: JSON.stringify(commandNames)},
  }),
]);

// A CLI already running (a console, a test) has read the bundle already. Every file is written
// under a temporary name and renamed into place, main.js last. Files of earlier builds (the
// chunks of the former ES module build, for one) go once they are an hour old.
fs.mkdirSync(outdir, {recursive: true});
const entry = path.join(outdir, 'main.js');
const written = new Set();
const outputs = [...cli.outputFiles, ...launcher.outputFiles];
for (const file of outputs.sort((a, b) => (a.path === entry) - (b.path === entry))) {
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
