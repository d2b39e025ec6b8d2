// Builds the renderer (React) into dist-renderer/, served by `npm start` in a browser or by Electron's app:// protocol.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist-renderer',
    emptyOutDir: true,
    sourcemap: true,
    target: 'es2022',
  },
});
