import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // Every service a test makes reads (and may write) its config files here,
    // never in the real home (server control's server.json, presets).
    env: { JACKBAY_CONFIG_DIR: mkdtempSync(join(tmpdir(), 'jackbay-core-tests-')) },
    // Each file starts its own jackd; two at a time suits a 2-core machine.
    pool: 'forks',
    maxWorkers: 2,
    minWorkers: 1,
    testTimeout: 20000,
    hookTimeout: 20000,
    // Real servers on a shared 2-core machine: a cycle the scheduler delays
    // can cost one exact check (an xrun re-hands a late client's buffer).
    // One retry absorbs that, and the run prints how many needed it; a real
    // fault fails twice.
    retry: 1,
  },
});
