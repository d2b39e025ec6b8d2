// Drives the sync worker from the page: starts it, asks for a run after load, on "Sync now", on a timer and
// when the browser comes back online, and pauses it while offline.
import type { Profile } from '../../../sync/provisioning-profile';
import type { FromWorker, SyncReason, ToWorker } from './worker-protocol';

/** The part of a Worker the controller uses; tests pass a fake. */
export interface WorkerPort {
  postMessage(message: ToWorker): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<FromWorker>) => void): void;
  addEventListener(type: 'error', listener: (event: ErrorEvent) => void): void;
  terminate(): void;
}

/** The part of the window the controller listens to; tests pass a fake. */
export interface ConnectivitySource {
  readonly navigator: { readonly onLine: boolean };
  addEventListener(type: 'online' | 'offline', listener: () => void): void;
  removeEventListener(type: 'online' | 'offline', listener: () => void): void;
}

export interface SyncControllerOptions {
  readonly createWorker: () => WorkerPort;
  readonly profile: Profile;
  readonly keyMaterial: Uint8Array;
  readonly storeName: string;
  readonly intervalMinutes: number;
  readonly onMessage: (message: FromWorker) => void;
  readonly onConnectivity: (online: boolean) => void;
  readonly connectivity?: ConnectivitySource;
}

export const DEFAULT_SYNC_INTERVAL_MINUTES = 15;

export function createSyncWorker(): WorkerPort {
  return new Worker(new URL('./sync.worker.ts', import.meta.url), {
    type: 'module',
    name: 'kerbside-sync',
  });
}

export class SyncController {
  private worker: WorkerPort | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly connectivity: ConnectivitySource;

  constructor(private readonly options: SyncControllerOptions) {
    this.connectivity = options.connectivity ?? window;
  }

  get online(): boolean {
    return this.connectivity.navigator.onLine;
  }

  start(): void {
    if (this.worker !== undefined) return;
    const worker = this.options.createWorker();
    this.worker = worker;
    worker.addEventListener('message', (event: MessageEvent<FromWorker>) => {
      this.options.onMessage(event.data);
    });
    worker.addEventListener('error', (event: ErrorEvent) => {
      this.options.onMessage({ type: 'worker-error', message: event.message || 'the sync worker failed' });
    });
    worker.postMessage({
      type: 'init',
      profile: this.options.profile,
      keyMaterial: this.options.keyMaterial,
      storeName: this.options.storeName,
    });
    this.connectivity.addEventListener('online', this.handleOnline);
    this.connectivity.addEventListener('offline', this.handleOffline);
    this.timer = setInterval(() => {
      this.request('timer');
    }, this.options.intervalMinutes * 60_000);
    this.request('start');
  }

  /** The "Sync now" button: runs even if the browser thinks it is offline (it is sometimes wrong). */
  syncNow(): void {
    this.worker?.postMessage({ type: 'run', reason: 'button' });
  }

  dispose(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.connectivity.removeEventListener('online', this.handleOnline);
    this.connectivity.removeEventListener('offline', this.handleOffline);
    this.worker?.terminate();
    this.worker = undefined;
  }

  private request(reason: SyncReason): void {
    if (!this.online) return;
    this.worker?.postMessage({ type: 'run', reason });
  }

  private readonly handleOnline = (): void => {
    this.options.onConnectivity(true);
    this.request('online');
  };

  private readonly handleOffline = (): void => {
    this.options.onConnectivity(false);
    this.worker?.postMessage({ type: 'pause' });
  };
}
