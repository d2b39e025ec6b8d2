// Hardened BrowserWindow options and the origin check behind every navigation decision, as plain data and pure
// functions so Node tests can check them against Electron's security checklist.
import type { BrowserWindowConstructorOptions } from 'electron';

export interface WindowChoices {
  readonly preloadPath: string;
  /** Rugged tablets run full-screen with no window chrome (`--kiosk`, `KERBSIDE_KIOSK=1`). */
  readonly kiosk: boolean;
  /** DevTools only in development; a packaged build never opens them. */
  readonly devTools: boolean;
}

export function secureWindowOptions(choices: WindowChoices): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 800,
    minWidth: 800,
    minHeight: 600,
    backgroundColor: '#f0f4f5',
    show: false,
    kiosk: choices.kiosk,
    fullscreen: choices.kiosk,
    autoHideMenuBar: true,
    webPreferences: {
      preload: choices.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
      devTools: choices.devTools,
    },
  };
}

/**
 * `scheme://host[:port]` of a URL that has a real network origin, lower-cased; null for URLs without one
 * (`data:`, `javascript:`, `blob:`, `about:`, `file:`) and for URLs carrying credentials (`https://a@b`).
 * Node gives custom schemes such as `app:` an opaque origin (`"null"`), so comparing `.origin` would let every
 * opaque URL match every other: compare scheme and host instead.
 */
export function originKey(candidate: string): string | null {
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return null;
  }
  if (url.host === '' || url.username !== '' || url.password !== '') return null;
  if (!['https:', 'http:', 'app:'].includes(url.protocol)) return null;
  return `${url.protocol}//${url.host.toLowerCase()}`;
}

/** True only when `candidate` is exactly on one of `allowedOrigins` (no suffix, prefix or userinfo tricks). */
export function isAllowedUrl(candidate: string, allowedOrigins: readonly string[]): boolean {
  const key = originKey(candidate);
  return key !== null && allowedOrigins.some((origin) => originKey(origin) === key);
}

/** True only for a URL on the app's own origin; anything else is refused navigation. */
export function isAppUrl(candidate: string, appOrigin: string): boolean {
  return isAllowedUrl(candidate, [appOrigin]);
}
