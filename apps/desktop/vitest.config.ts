import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    alias: {
      '@jackbay/core/contract': fileURLToPath(
        new URL('../../packages/core/src/contract.ts', import.meta.url),
      ),
    },
  },
  test: { include: ['test/**/*.test.ts'], environment: 'node' },
});
