import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import { contentSecurityPolicy } from './config/csp-plugin';

const contract = fileURLToPath(new URL('../../packages/core/src/contract.ts', import.meta.url));

export default defineConfig({
  main: {
    build: {
      outDir: 'dist/main',
      // @jackbay/core and @jackbay/jack-native stay external: the native addon
      // must be loaded from disk (unpacked from the asar), never bundled.
      externalizeDeps: true,
      rollupOptions: {
        input: 'src/main/index.ts',
        // ESM, like @jackbay/core and @jackbay/jack-native themselves.
        output: { format: 'es', entryFileNames: '[name].mjs' },
      },
    },
  },
  preload: {
    // A sandboxed preload cannot require anything but 'electron': one
    // self-contained CommonJS file, the contract's channel names bundled in.
    resolve: { alias: { '@jackbay/core/contract': contract } },
    build: {
      outDir: 'dist/preload',
      externalizeDeps: false,
      rollupOptions: {
        input: 'src/preload/index.ts',
        output: { format: 'cjs', entryFileNames: '[name].cjs', inlineDynamicImports: true },
      },
    },
  },
  renderer: {
    root: 'src/renderer',
    base: './',
    plugins: [react(), contentSecurityPolicy()],
    build: {
      outDir: 'dist/renderer',
      minify: true,
      chunkSizeWarningLimit: 800,
      rollupOptions: { input: 'src/renderer/index.html' },
    },
  },
});
