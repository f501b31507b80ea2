import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    alias: {
      '@jackbay/core/contract': fileURLToPath(
        new URL('../../packages/core/src/contract.ts', import.meta.url),
      ),
      // The fuzzer the web host's test uses too (no dependency on the private package).
      '@jackbay/test-support/fuzz': fileURLToPath(
        new URL('../../packages/test-support/src/fuzz.ts', import.meta.url),
      ),
    },
  },
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    // The services the tests make keep their config files here, never in the real home.
    env: { JACKBAY_CONFIG_DIR: mkdtempSync(join(tmpdir(), 'jackbay-desktop-tests-')) },
  },
});
