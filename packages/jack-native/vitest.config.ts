import { defineConfig } from 'vitest/config';

// test-support's SANITIZER_SLOWDOWN (its TypeScript does not load here).
const slowdown = process.env.JACKBAY_SANITIZER_PRELOAD ? 3 : 1;

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['@jackbay/test-support/drop-sanitizer-preload'],
    // Each file starts its own jackd; two at a time suits a 2-core machine.
    pool: 'forks',
    maxWorkers: 2,
    minWorkers: 1,
    // The sanitized run (scripts/test-all.mjs, native-asan) is slower in
    // everything, starting a process most of all: the same caps, scaled.
    testTimeout: 20000 * slowdown,
    hookTimeout: 20000 * slowdown,
    // These tests run real-time audio through a real server on a shared
    // 2-core machine: a cycle the scheduler delays can cost one exact check.
    // One retry absorbs that; a real fault fails twice.
    retry: 1,
  },
});
