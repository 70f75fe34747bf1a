import { defineConfig } from 'vitest/config';

// Dawn crashes when requestAdapter runs in worker threads: test files run in a forked
// process instead, one at a time, since the 2-core CI machine shares one software adapter.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    fileParallelism: false,
    // One process for every file: runtimes reuse the devices and compiled kernels of earlier
    // files (SwiftShader's pipeline compiles are most of the suite's time).
    isolate: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
