import { defineConfig } from '@playwright/test';

// The graph benchmark (`pnpm bench`): one long test that starts its own
// jackd, peer, web host and Debian's Chromium, and prints a table.
export default defineConfig({
  testDir: '.',
  testMatch: 'graph-bench.ts',
  outputDir: '../test-results/bench',
  workers: 1,
  timeout: 300_000,
  retries: 0,
  reporter: [['list']],
});
