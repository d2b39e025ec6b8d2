// Auto-update from the trust-hosted feed the profile names (`updates.feedUrl`), with electron-updater injected;
// its events become the typed `updates:status` pushed to the renderer.
import type { AppUpdater } from 'electron-updater';
import type { AppUpdaterEvents } from 'electron-updater/out/AppUpdater';
import type { UpdateStatus } from './ipc-contract';

/** The part of electron-updater's `autoUpdater` used here (its `on` returns the updater; we ignore that). */
export type UpdaterLike = Pick<
  AppUpdater,
  | 'autoDownload'
  | 'autoInstallOnAppQuit'
  | 'allowDowngrade'
  | 'allowPrerelease'
  | 'fullChangelog'
  | 'setFeedURL'
  | 'checkForUpdates'
> & {
  on<E extends keyof AppUpdaterEvents>(event: E, listener: AppUpdaterEvents[E]): unknown;
};

export interface AutoUpdateOptions {
  readonly updater: UpdaterLike;
  /** `updates.feedUrl` from the stored profile; null when the trust does not run a feed. */
  readonly feedUrl: string | null;
  readonly emit: (status: UpdateStatus) => void;
  readonly log?: (message: string) => void;
  /** How often to look for an update after the first check; a crew shift is long, so every 4 hours. */
  readonly intervalMs?: number;
  readonly setInterval?: (callback: () => void, ms: number) => { unref?: () => void };
  readonly clearInterval?: (handle: { unref?: () => void }) => void;
}

export const DEFAULT_UPDATE_INTERVAL_MS = 4 * 60 * 60 * 1000;

/**
 * Points the updater at the feed (electron-builder's "generic" provider: `latest.yml` plus installers on any
 * HTTPS server), downloads in the background and installs on quit. Never downgrades, never takes pre-releases.
 * Returns a function that stops the periodic checks.
 */
export function startAutoUpdates(options: AutoUpdateOptions): () => void {
  const { updater, emit } = options;
  const log = options.log ?? (() => undefined);
  if (options.feedUrl === null) {
    emit({ kind: 'not-configured' });
    return () => undefined;
  }
  updater.autoDownload = true;
  updater.autoInstallOnAppQuit = true;
  updater.allowDowngrade = false;
  updater.allowPrerelease = false;
  updater.fullChangelog = false;
  updater.setFeedURL({ provider: 'generic', url: options.feedUrl });

  let pendingVersion: string | null = null;
  updater.on('checking-for-update', () => {
    emit({ kind: 'checking' });
  });
  updater.on('update-not-available', (info) => {
    emit({ kind: 'up-to-date', version: info.version });
  });
  updater.on('update-available', (info) => {
    pendingVersion = info.version;
    emit({ kind: 'downloading', version: info.version, percent: 0 });
  });
  updater.on('download-progress', (progress) => {
    emit({ kind: 'downloading', version: pendingVersion, percent: Math.round(progress.percent) });
  });
  updater.on('update-downloaded', (event) => {
    emit({ kind: 'ready-to-install', version: event.version });
  });
  updater.on('error', (error) => {
    log(`update check failed: ${error.message}`);
    // The message names the feed and the HTTP status at most; it carries no secret.
    emit({ kind: 'error', message: error.message });
  });

  const check = () => {
    updater.checkForUpdates().catch((error: unknown) => {
      // electron-updater also emits 'error' for this; the catch only keeps the promise from being unhandled.
      log(`update check rejected: ${error instanceof Error ? error.message : String(error)}`);
    });
  };
  check();
  const schedule = options.setInterval ?? ((callback, ms) => setInterval(callback, ms));
  const cancel =
    options.clearInterval ??
    ((handle) => {
      clearInterval(handle as NodeJS.Timeout);
    });
  const handle = schedule(check, options.intervalMs ?? DEFAULT_UPDATE_INTERVAL_MS);
  handle.unref?.();
  return () => {
    cancel(handle);
  };
}
