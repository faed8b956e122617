/**
 * ssh2, loaded on first use: only ssh:// endpoints need it, and loading it is a noticeable part of
 * every command's start-up (the bundled CLI leaves it out; see scripts/build.mjs).
 */
import {createRequire} from 'node:module';

import type * as Ssh2Module from 'ssh2';

type Ssh2 = typeof Ssh2Module;
let loaded: Ssh2 | undefined;

export function ssh2(): Ssh2 {
  loaded ??= createRequire(import.meta.url)('ssh2') as Ssh2;
  return loaded;
}
