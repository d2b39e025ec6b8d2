// Registers the service worker that keeps the app shell offline, and reports its state for diagnostics.
import { registerSW } from 'virtual:pwa-register';

export type ServiceWorkerState =
  'unsupported' | 'not-registered' | 'installing' | 'waiting' | 'active' | 'offline-ready' | 'failed';

let state: ServiceWorkerState = 'not-registered';

/** Registers in a browser; Electron serves the shell itself from app:// and needs no service worker. */
export function registerServiceWorker(): void {
  if (window.kerbside !== undefined) return;
  if (!('serviceWorker' in navigator)) {
    state = 'unsupported';
    return;
  }
  state = 'installing';
  void registerSW({
    immediate: true,
    onOfflineReady() {
      state = 'offline-ready';
    },
    onRegisteredSW(_url, registration) {
      if (registration?.active) state = 'active';
    },
    onRegisterError() {
      state = 'failed';
    },
  });
}

/** The current state, asking the browser for the registration when one exists. */
export async function serviceWorkerState(): Promise<ServiceWorkerState> {
  if (!('serviceWorker' in navigator)) return 'unsupported';
  const registration = await navigator.serviceWorker.getRegistration();
  if (registration === undefined) return state === 'failed' ? 'failed' : 'not-registered';
  if (registration.active !== null) return state === 'offline-ready' ? 'offline-ready' : 'active';
  if (registration.waiting !== null) return 'waiting';
  return 'installing';
}
