/**
 * Ink decides once, when it is loaded, whether it runs in CI (CI or CONTINUOUS_INTEGRATION set);
 * there it draws nothing but the last frame on exit. The console only ever runs on a terminal (it
 * checks stdin and stdout first), where that guess is wrong — a shell in a CI job, or an operator
 * with CI=true in their environment, would see a blank screen. So the variables are dropped before
 * Ink is loaded: this module must be imported before anything that imports 'ink'.
 */
for (const key of ['CI', 'CONTINUOUS_INTEGRATION']) delete process.env[key];
export {};
