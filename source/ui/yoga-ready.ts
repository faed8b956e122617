/**
 * Ink's layout engine (yoga-layout) compiles its WebAssembly with a top-level await, which the
 * bundled CLI (a CommonJS file, see scripts/build.mjs) cannot hold: there the compile starts when
 * Ink loads and this waits for it. Run from the sources (tests), yoga is ready once imported.
 */
export async function yogaReady(): Promise<void> {
  await (globalThis as {__dokrollYogaReady?: Promise<void>}).__dokrollYogaReady;
}
