import {defineConfig} from 'vitest/config';

// Two projects share one pool of workers: the unit tests (no daemon, mostly CPU and the file
// system) in worker threads, and the swarm tests, which share one daemon, in forks. (Vitest runs
// projects with different worker counts one after another, so they share the count.) Four workers
// on two cores: a swarm test spends most of its time waiting on Swarm (rolling updates, health
// intervals, nodes marked down), so with two workers the machine was 57 % busy and the suite took
// 467 s; with four, 86 % and 289 s. DOKROLL_TEST_WORKERS sets another count. At the end, the 10
// slowest files are printed.
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    setupFiles: ['test/support/not-ci.ts'],
    reporters: ['default', './test/support/slowest-files-reporter.ts'],
    maxWorkers: Number(process.env.DOKROLL_TEST_WORKERS || 4),
    fileParallelism: true,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'test/unit/**/*.test.tsx'],
          pool: 'threads',
          // The unit test files share a worker's modules instead of loading Ink, React and the
          // console anew for each file: 16 s instead of 36 s for the project. A file that changes
          // shared state puts it back (forceColor is undone after its file).
          isolate: false,
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
