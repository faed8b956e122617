import {defineConfig} from 'vitest/config';

// Two projects share one pool of two workers: the unit tests (no daemon, mostly CPU and the file
// system) in worker threads, and the swarm tests, which share one daemon, in forks. (Vitest runs
// projects with different worker counts one after another, so they share the count.) At the end,
// the 10 slowest files are printed.
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    setupFiles: ['test/support/not-ci.ts'],
    reporters: ['default', './test/support/slowest-files-reporter.ts'],
    maxWorkers: 2,
    fileParallelism: true,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'test/unit/**/*.test.tsx'],
          pool: 'threads',
        },
      },
      {
        extends: true,
        test: {
          name: 'swarm',
          include: ['test/swarm/**/*.test.ts', 'test/swarm/**/*.test.tsx'],
          // Brings up the local swarm test bed once per run (DOKROLL_SKIP_TESTBED=1 skips it).
          globalSetup: ['test/support/global-setup.ts'],
        },
      },
    ],
  },
});
