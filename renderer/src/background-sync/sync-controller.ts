// Drives the sync workers from the page: one per ICB, so that ICBs are fetched, checked and sealed on
// separate cores (one worker for all three kept one core busy while the other idled: BENCHMARKS.md). It
// asks for a run after load, on "Sync now", on a timer and when the browser comes back online, pauses the
// workers while offline, and merges their runs into one for the page.
import type { Profile } from '../../../sync/provisioning-profile';
import type { FromWorker, IcbRunResult, SyncReason, ToWorker } from './worker-protocol';

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
  /** Called once per ICB in the profile, with its ODS code. */
  readonly createWorker: (odsCode: string) => WorkerPort;
  readonly profile: Profile;
  readonly keyMaterial: Uint8Array;
  readonly storeName: string;
  readonly intervalMinutes: number;
  readonly onMessage: (message: FromWorker) => void;
  readonly onConnectivity: (online: boolean) => void;
  readonly connectivity?: ConnectivitySource;
}

export const DEFAULT_SYNC_INTERVAL_MINUTES = 15;

export function createSyncWorker(odsCode: string): WorkerPort {
  return new Worker(new URL('./sync.worker.ts', import.meta.url), {
    type: 'module',
    name: `kerbside-sync-${odsCode}`,
  });
}

/** A run of the page's: from the first worker that starts until every worker that started has finished. */
interface MergedRun {
  readonly active: Set<WorkerPort>;
  readonly results: Record<string, IcbRunResult>;
  readonly purged: string[];
}

export class SyncController {
  private workers: WorkerPort[] = [];
  private ready = new Set<WorkerPort>();
  private run: MergedRun | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly connectivity: ConnectivitySource;

  constructor(private readonly options: SyncControllerOptions) {
    this.connectivity = options.connectivity ?? window;
  }

  get online(): boolean {
    return this.connectivity.navigator.onLine;
  }

  start(): void {
    if (this.workers.length > 0) return;
    const { profile } = this.options;
    for (const icb of profile.icbs) {
      const worker = this.options.createWorker(icb.odsCode);
      this.workers.push(worker);
      worker.addEventListener('message', (event: MessageEvent<FromWorker>) => {
        this.receive(worker, event.data);
      });
      worker.addEventListener('error', (event: ErrorEvent) => {
        this.receive(worker, {
          type: 'worker-error',
          message: event.message || `the sync worker for ${icb.odsCode} failed`,
        });
      });
      // Each worker pulls one ICB; the store is shared (IndexedDB serialises their commits).
      worker.postMessage({
        type: 'init',
        profile: { ...profile, icbs: [icb] },
        keyMaterial: this.options.keyMaterial,
        storeName: this.options.storeName,
      });
    }
    this.connectivity.addEventListener('online', this.handleOnline);
    this.connectivity.addEventListener('offline', this.handleOffline);
    this.timer = setInterval(() => {
      this.request('timer');
    }, this.options.intervalMinutes * 60_000);
    this.request('start');
  }

  /** The "Sync now" button: runs even if the browser thinks it is offline (it is sometimes wrong). */
  syncNow(): void {
    this.post({ type: 'run', reason: 'button' });
  }

  dispose(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.connectivity.removeEventListener('online', this.handleOnline);
    this.connectivity.removeEventListener('offline', this.handleOffline);
    for (const worker of this.workers) worker.terminate();
    this.workers = [];
    this.ready = new Set();
    this.run = undefined;
  }

  private post(message: ToWorker): void {
    for (const worker of this.workers) worker.postMessage(message);
  }

  /** Passes a worker's message on, merging the per-worker ready, run-started and run-finished into one. */
  private receive(worker: WorkerPort, message: FromWorker): void {
    const forward = this.options.onMessage;
    switch (message.type) {
      case 'ready':
        this.ready.add(worker);
        if (this.ready.size === this.workers.length) forward(message);
        return;
      case 'run-started':
        if (this.run === undefined) {
          this.run = { active: new Set([worker]), results: {}, purged: [] };
          forward(message);
        } else {
          this.run.active.add(worker);
        }
        return;
      case 'run-finished':
        if (this.run === undefined) {
          forward(message);
          return;
        }
        Object.assign(this.run.results, message.results);
        this.run.purged.push(...message.purged);
        this.finish(worker);
        return;
      case 'worker-error':
        forward(message);
        this.finish(worker);
        return;
      case 'pull-event':
        forward(message);
        return;
      default: {
        const unexpected: never = message;
        throw new Error(`unknown worker message ${JSON.stringify(unexpected)}`);
      }
    }
  }

  private finish(worker: WorkerPort): void {
    const run = this.run;
    if (run === undefined || !run.active.delete(worker) || run.active.size > 0) return;
    this.run = undefined;
    this.options.onMessage({ type: 'run-finished', results: run.results, purged: run.purged });
  }

  private request(reason: SyncReason): void {
    if (!this.online) return;
    this.post({ type: 'run', reason });
  }

  private readonly handleOnline = (): void => {
    this.options.onConnectivity(true);
    this.request('online');
  };

  private readonly handleOffline = (): void => {
    this.options.onConnectivity(false);
    this.post({ type: 'pause' });
  };
}
