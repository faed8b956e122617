import {defineConfig} from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Brings up the local swarm test bed once per run (DOKROLL_SKIP_TESTBED=1 skips it).
    globalSetup: ['test/support/global-setup.ts'],
    setupFiles: ['test/support/not-ci.ts'],
    // Swarm integration tests share one daemon; keep their parallelism modest on 2 cores.
    maxWorkers: 2,
    fileParallelism: true,
  },
});
