import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { startAutoUpdates, type UpdaterLike } from '../../../main/auto-update';
import type { UpdateStatus } from '../../../main/ipc-contract';

/** electron-updater's AppUpdater as documented: settable flags, setFeedURL, checkForUpdates, typed events. */
class FakeUpdater extends EventEmitter implements UpdaterLike {
  autoDownload = false;
  autoInstallOnAppQuit = false;
  allowDowngrade = true;
  allowPrerelease = true;
  fullChangelog = true;
  feeds: unknown[] = [];
  checks = 0;
  setFeedURL(options: unknown): void {
    this.feeds.push(options);
  }
  checkForUpdates(): Promise<null> {
    this.checks++;
    return Promise.resolve(null);
  }
}

describe('auto-update', () => {
  it('does nothing but say so when the profile names no feed', () => {
    const updater = new FakeUpdater();
    const statuses: UpdateStatus[] = [];
    startAutoUpdates({ updater, feedUrl: null, emit: (status) => statuses.push(status) });
    expect(statuses).toEqual([{ kind: 'not-configured' }]);
    expect(updater.checks).toBe(0);
    expect(updater.feeds).toEqual([]);
  });

  it('uses the trust feed from the profile, never downgrades or takes pre-releases, and checks periodically', () => {
    const updater = new FakeUpdater();
    const scheduled: { callback: () => void; ms: number }[] = [];
    let cleared = 0;
    const stop = startAutoUpdates({
      updater,
      feedUrl: 'https://updates.rx9.example.nhs.uk/kerbside',
      emit: () => undefined,
      setInterval: (callback, ms) => {
        scheduled.push({ callback, ms });
        return {};
      },
      clearInterval: () => {
        cleared++;
      },
    });
    expect(updater.feeds).toEqual([
      { provider: 'generic', url: 'https://updates.rx9.example.nhs.uk/kerbside' },
    ]);
    expect(updater).toMatchObject({
      autoDownload: true,
      autoInstallOnAppQuit: true,
      allowDowngrade: false,
      allowPrerelease: false,
    });
    expect(updater.checks).toBe(1);
    expect(scheduled[0]?.ms).toBe(4 * 60 * 60 * 1000);
    scheduled[0]?.callback();
    expect(updater.checks).toBe(2);
    stop();
    expect(cleared).toBe(1);
  });

  it('turns updater events into the typed updates:status union', () => {
    const updater = new FakeUpdater();
    const statuses: UpdateStatus[] = [];
    startAutoUpdates({
      updater,
      feedUrl: 'https://updates.example.nhs.uk/',
      emit: (status) => statuses.push(status),
      setInterval: () => ({}),
      clearInterval: () => undefined,
    });
    updater.emit('checking-for-update');
    updater.emit('update-available', { version: '0.2.0', files: [], path: '', sha512: '', releaseDate: '' });
    updater.emit('download-progress', {
      percent: 41.6,
      total: 100,
      transferred: 41,
      delta: 1,
      bytesPerSecond: 1,
    });
    updater.emit('update-downloaded', { version: '0.2.0', downloadedFile: '/tmp/x' });
    updater.emit('error', new Error('HttpError: 404 Not Found'));
    expect(statuses).toEqual([
      { kind: 'checking' },
      { kind: 'downloading', version: '0.2.0', percent: 0 },
      { kind: 'downloading', version: '0.2.0', percent: 42 },
      { kind: 'ready-to-install', version: '0.2.0' },
      { kind: 'error', message: 'HttpError: 404 Not Found' },
    ]);
  });
});
