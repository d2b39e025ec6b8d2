// Runtime guards for every web contents and session: navigation and new windows limited to the app, no
// <webview>, every permission denied, certificate errors never overridden.
import type { Session } from 'electron';
import { isAllowedUrl } from './window-options';

/** The documented shape of a preventable navigation event (`will-navigate`, `will-frame-navigate`, `will-redirect`). */
export interface NavigationEvent {
  readonly url: string;
  preventDefault(): void;
}

/**
 * The part of Electron's `WebContents` the guards attach to. One overload per documented event, as Electron
 * declares them: a single signature over the union of event names would not accept the real WebContents.
 */
/* eslint-disable @typescript-eslint/unified-signatures */
export interface GuardableContents {
  on(event: 'will-navigate', listener: (details: NavigationEvent) => void): unknown;
  on(event: 'will-frame-navigate', listener: (details: NavigationEvent) => void): unknown;
  on(event: 'will-redirect', listener: (details: NavigationEvent) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: { preventDefault(): void }) => void): unknown;
  setWindowOpenHandler(handler: (details: { readonly url: string }) => { action: 'deny' }): void;
}
/* eslint-enable @typescript-eslint/unified-signatures */

export type Logger = (message: string) => void;

/**
 * Navigation stays on `allowedOrigins` (the app's own); window.open and target=_blank are always denied (the
 * app has one window, and links out of it would leave the sandboxed, CSP-protected page); <webview> never
 * attaches.
 */
export function hardenWebContents(
  contents: GuardableContents,
  allowedOrigins: readonly string[],
  log: Logger = () => undefined,
): void {
  const guard = (kind: string) => (details: NavigationEvent) => {
    if (isAllowedUrl(details.url, allowedOrigins)) return;
    details.preventDefault();
    log(`refused ${kind} to ${safeForLog(details.url)}`);
  };
  contents.on('will-navigate', guard('navigation'));
  contents.on('will-frame-navigate', guard('frame navigation'));
  contents.on('will-redirect', guard('redirect'));
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    log('refused to attach a <webview>');
  });
  contents.setWindowOpenHandler((details) => {
    log(`refused to open a window for ${safeForLog(details.url)}`);
    return { action: 'deny' };
  });
}

/** The part of Electron's `Session` whose permission handlers we set. */
export type PermissionSession = Pick<
  Session,
  'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler'
>;

/**
 * Denies every permission request and check (camera, geolocation, notifications, openExternal, USB, serial…).
 * Kerbside needs none yet; a future need is added here by name, never by allowing all.
 */
export function denyAllPermissions(session: PermissionSession, log: Logger = () => undefined): void {
  session.setPermissionRequestHandler((_contents, permission, callback) => {
    log(`denied permission request: ${permission}`);
    callback(false);
  });
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
}

/** The listener for `app.on('certificate-error')`: never trust a certificate Chromium rejected. */
export function refuseCertificateError(log: Logger = () => undefined) {
  return (
    _event: unknown,
    _contents: unknown,
    url: string,
    error: string,
    _certificate: unknown,
    callback: (isTrusted: boolean) => void,
  ): void => {
    log(`certificate error ${error} for ${safeForLog(url)}: refused`);
    callback(false);
  };
}

/** Only scheme and host reach the log: paths and queries can carry tokens or patient identifiers. */
export function safeForLog(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.host === '' ? `${parsed.protocol}…` : `${parsed.protocol}//${parsed.host}`;
  } catch {
    return '(not a URL)';
  }
}
