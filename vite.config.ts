// Builds the renderer (React) into dist-renderer/, served by `npm start` in a browser or by Electron's app://
// protocol; as a PWA its service worker precaches the app shell (never patient data or the FHIR API).
import { readFileSync } from 'node:fs';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as {
  version: string;
};

export default defineConfig({
  root: 'renderer',
  base: './',
  define: {
    __APP_VERSION__: JSON.stringify(version),
    __BUILD_TIME__: JSON.stringify(new Date().toISOString()),
  },
  css: {
    preprocessorOptions: {
      scss: {
        // nhsuk-frontend 10 still uses a few deprecated Sass features; their warnings are not ours to fix.
        quietDeps: true,
        silenceDeprecations: ['import', 'global-builtin', 'mixed-decls', 'color-functions', 'if-function'],
      },
    },
  },
  worker: { format: 'es' },
  plugins: [
    react(),
    VitePWA({
      strategies: 'generateSW',
      registerType: 'autoUpdate',
      injectRegister: false,
      manifest: {
        name: 'Kerbside',
        short_name: 'Kerbside',
        description: 'Shared Care Record summaries for ambulance crews, offline.',
        theme_color: '#005eb8',
        background_color: '#f0f4f5',
        display: 'standalone',
        start_url: './',
        scope: './',
        icons: [
          { src: 'icons/kerbside-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: 'icons/kerbside-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
        ],
      },
      workbox: {
        // The app shell, including the sync worker's chunk (the plugin adds the manifest and its icons). No source maps.
        globPatterns: ['**/*.{js,css,html,svg}'],
        maximumFileSizeToCacheInBytes: 8 * 1024 * 1024,
        navigateFallback: 'index.html',
        // The profile must always come from the host (the app keeps its own validated copy in IndexedDB).
        navigateFallbackDenylist: [/\/provisioning\//],
        // No runtime caching at all: FHIR responses carry patient data and the encrypted store is the only
        // cache; the provisioning profile is fetched no-store and is never served from the service worker.
        runtimeCaching: [],
        cleanupOutdatedCaches: true,
        clientsClaim: true,
        skipWaiting: true,
      },
    }),
  ],
  build: {
    outDir: '../dist-renderer',
    emptyOutDir: true,
    sourcemap: true,
    target: 'es2022',
  },
});
