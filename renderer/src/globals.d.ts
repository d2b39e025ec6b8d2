// Globals the renderer relies on: the Electron preload's API (absent in a browser) and build-time constants.
/// <reference types="vite/client" />
/// <reference types="vite-plugin-pwa/client" />
import type { KerbsideApi } from '../../main/ipc-contract';

declare global {
  interface Window {
    readonly kerbside?: KerbsideApi;
  }
  /** package.json version, set by vite.config.ts. */
  const __APP_VERSION__: string;
  /** ISO time of the build, set by vite.config.ts. */
  const __BUILD_TIME__: string;
}

export {};
