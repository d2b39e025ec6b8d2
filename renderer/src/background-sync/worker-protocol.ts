// The messages between the page and the sync worker: typed both ways, structured-clone safe.
import type { Profile } from '../../../sync/provisioning-profile';
import type { PullEvent } from '../../../sync/pull';

export type SyncReason = 'start' | 'button' | 'timer' | 'online';

export type ToWorker =
  | {
      readonly type: 'init';
      readonly profile: Profile;
      readonly keyMaterial: Uint8Array;
      readonly storeName: string;
    }
  | { readonly type: 'run'; readonly reason: SyncReason }
  | { readonly type: 'pause' };

/** How one ICB's run ended, as the worker reports it (the engine's IcbOutcome without the checkpoint). */
export interface IcbRunResult {
  readonly kind: 'completed' | 'offline' | 'unauthorized' | 'failed' | 'aborted';
  readonly message?: string;
  /** When the ICB's cache was last brought up to date (the checkpoint's lastCompletedAt). */
  readonly lastCompletedAt?: string;
}

export type FromWorker =
  | { readonly type: 'run-started'; readonly reason: SyncReason }
  | { readonly type: 'pull-event'; readonly event: PullEvent }
  | {
      readonly type: 'run-finished';
      readonly results: Readonly<Record<string, IcbRunResult>>;
      /** ICBs whose cache expired under the retention rule and was purged after the run. */
      readonly purged: readonly string[];
    }
  | { readonly type: 'worker-error'; readonly message: string };
