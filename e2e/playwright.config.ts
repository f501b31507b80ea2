import { defineConfig } from '@playwright/test';

// Web specs run in Debian's Chromium against `jackbay serve` with a private
// jackd (started in global-setup.ts). Electron specs live in their own project
// and skip themselves, saying why, where the Electron binary is missing.
export default defineConfig({
  testDir: './tests',
  outputDir: './test-results',
  globalSetup: './support/global-setup.ts',
  // One private JACK server and one web host are shared by the specs.
  workers: 1,
  fullyParallel: false,
  timeout: 30_000,
  expect: { timeout: 5_000 },
  // In CI one retry absorbs a real-time hiccup of the shared 2-core machine;
  // the run prints how many tests needed it (Playwright's "flaky").
  retries: process.env.CI ? 1 : 0,
  reporter: [['list']],
  use: {
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    viewport: { width: 1400, height: 860 },
    browserName: 'chromium',
    // Debian's Chromium; never a downloaded browser. (The electron project
    // does not use it, but Playwright's page fixture must be able to launch.)
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  projects: [
    { name: 'web' },
    // The same specs against the Electron app (skipped where its binary is missing).
    { name: 'electron' },
  ],
});
