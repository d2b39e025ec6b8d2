// Drives the sync workers from the page: one per ICB, so that ICBs are fetched, checked and sealed on
// separate cores (one worker for all three kept one core busy while the other idled: BENCHMARKS.md). It
// asks for a run shortly after load, on "Sync now", on a timer and when the browser comes back online,
// pauses the workers while offline, and merges their runs into one for the page. The workers (each parses
// the whole sync engine) start only when a run is first wanted, and the run after load waits out the app's
// start-up, so the search box is not competing with them for the device's cores.
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
  /** How long after `start()` the run after load is asked for (0: at once). */
  readonly startDelayMs?: number;
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
  private run: MergedRun | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private delayedStart: ReturnType<typeof setTimeout> | undefined;
  private started = false;
  private readonly connectivity: ConnectivitySource;

  constructor(private readonly options: SyncControllerOptions) {
    this.connectivity = options.connectivity ?? window;
  }

  get online(): boolean {
    return this.connectivity.navigator.onLine;
  }

  /** Listens for connectivity, sets the interval timer and asks for the run after load (when online). */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.connectivity.addEventListener('online', this.handleOnline);
    this.connectivity.addEventListener('offline', this.handleOffline);
    this.timer = setInterval(() => {
      this.request('timer');
    }, this.options.intervalMinutes * 60_000);
    const delay = this.options.startDelayMs ?? 0;
    if (delay <= 0) this.request('start');
    else {
      this.delayedStart = setTimeout(() => {
        this.delayedStart = undefined;
        this.request('start');
      }, delay);
    }
  }

  /** Creates the workers, once, when the first run is asked for. */
  private spawnWorkers(): void {
    if (!this.started || this.workers.length > 0) return;
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
  }

  /** The "Sync now" button: runs even if the browser thinks it is offline (it is sometimes wrong). */
  syncNow(): void {
    this.askForRun('button');
  }

  dispose(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    if (this.delayedStart !== undefined) clearTimeout(this.delayedStart);
    this.started = false;
    this.connectivity.removeEventListener('online', this.handleOnline);
    this.connectivity.removeEventListener('offline', this.handleOffline);
    for (const worker of this.workers) worker.terminate();
    this.workers = [];
    this.run = undefined;
  }

  private post(message: ToWorker): void {
    for (const worker of this.workers) worker.postMessage(message);
  }

  /** Passes a worker's message on, merging the per-worker run-started and run-finished into one. */
  private receive(worker: WorkerPort, message: FromWorker): void {
    const forward = this.options.onMessage;
    switch (message.type) {
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

  /** Asks every worker for a run, starting the workers first if this is the first run asked for. */
  private askForRun(reason: SyncReason): void {
    // This run serves as the one after load too.
    if (this.delayedStart !== undefined) clearTimeout(this.delayedStart);
    this.delayedStart = undefined;
    this.spawnWorkers();
    this.post({ type: 'run', reason });
  }

  private request(reason: SyncReason): void {
    if (!this.online) return;
    this.askForRun(reason);
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
