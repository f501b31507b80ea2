import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The web host serves dist/ at '/', Electron could load it from file://:
// relative asset paths work in both.
export default defineConfig({
  base: './',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 800,
  },
});
