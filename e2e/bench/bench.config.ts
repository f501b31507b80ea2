import { defineConfig } from '@playwright/test';

// The benchmarks (`pnpm bench`): the graph's and the monitor's, each one long
// test that starts its own jackd, peers, web host and Debian's Chromium, and
// prints a table.
export default defineConfig({
  testDir: '.',
  testMatch: ['graph-bench.ts', 'monitor-bench.ts', 'memory-bench.ts'],
  outputDir: '../test-results/bench',
  workers: 1,
  timeout: 1_800_000,
  retries: 0,
  reporter: [['list']],
});
