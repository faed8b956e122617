import {defineConfig} from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Swarm integration tests share one daemon; keep their parallelism modest on 2 cores.
    maxWorkers: 2,
    fileParallelism: true,
  },
});
