import { defineConfig } from 'vitest/config';

// Dawn crashes when requestAdapter runs in worker threads: each test file runs in a forked
// process instead, one at a time, since the 2-core CI machine shares one software adapter.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
