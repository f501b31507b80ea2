import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Each file starts its own jackd; two at a time suits a 2-core machine.
    pool: 'forks',
    maxWorkers: 2,
    minWorkers: 1,
    testTimeout: 20000,
    hookTimeout: 20000,
    // These tests run real-time audio through a real server on a shared
    // 2-core machine: a cycle the scheduler delays can cost one exact check.
    // One retry absorbs that; a real fault fails twice.
    retry: 1,
  },
});
