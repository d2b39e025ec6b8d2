// Builds the Electron main and preload scripts into dist/main as CommonJS (sandboxed preloads cannot be ESM).
// Everything but Electron and Node built-ins is bundled, so the packaged app needs no node_modules.
import { builtinModules } from 'node:module';
import { defineConfig } from 'vite';

export default defineConfig({
  ssr: { noExternal: true, target: 'node' },
  build: {
    ssr: true,
    outDir: 'dist/main',
    emptyOutDir: true,
    target: 'node22',
    sourcemap: true,
    rollupOptions: {
      input: { index: 'main/index.ts', preload: 'main/preload.ts' },
      external: ['electron', ...builtinModules, ...builtinModules.map((name) => `node:${name}`)],
      output: { format: 'cjs', entryFileNames: '[name].cjs', chunkFileNames: 'chunks/[name]-[hash].cjs' },
    },
  },
});
