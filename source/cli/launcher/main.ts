#!/usr/bin/env node
/**
 * The CLI's entry point (dist/cli/main.js): runs the bundled CLI (dist/cli/dokroll.cjs) through the
 * V8 code cache (code-cache.ts), one entry per command, and writes a fresh entry when this run had
 * none, at exit, so that the code compiled during the run is cached too. DOKROLL_CODE_CACHE=0 turns the cache off.
 */
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {cacheDirectory, cacheProfile, runBundle} from './code-cache.js';

declare const DOKROLL_VERSION: string;
/** The command names (scripts/build.mjs reads them from source/cli/commands). */
declare const DOKROLL_COMMANDS: readonly string[];

const bundlePath = path.join(path.dirname(fileURLToPath(import.meta.url)), 'dokroll.cjs');
const enabled = process.env.DOKROLL_CODE_CACHE !== '0';
const loaded = runBundle(
  bundlePath,
  enabled
    ? {
        version: DOKROLL_VERSION,
        directory: cacheDirectory(process.env),
        profile: cacheProfile(process.argv.slice(2), DOKROLL_COMMANDS),
      }
    : undefined,
);
if (process.env.DOKROLL_CODE_CACHE_TRACE === '1') process.stderr.write(`code cache: ${loaded.outcome}\n`);
process.once('exit', () => loaded.saveIfNeeded());
