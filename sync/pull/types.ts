// The pull protocol's state (checkpoint per ICB) and the typed events it reports to the UI.

/** How one chunk of cohort patients is fetched in full, chosen from the server's CapabilityStatement. */
export type ChunkStrategy = 'bulk-export' | 'revinclude' | 'everything' | 'summary';

/** How later runs find what changed. */
export type ChangeStrategy = 'history' | 'last-updated';

/**
 * Durable position of the pull for one ICB. It is written in the same transaction as the data it
 * describes, so after a crash the pull resumes exactly where the last durable page left it.
 */
export type PullCheckpoint =
  | {
      readonly version: 1;
      readonly phase: 'initial';
      /** The area and practices the cohort was listed for: a re-provisioned device lists it again. */
      readonly cohortKey: string;
      readonly strategy: ChunkStrategy;
      /** Ids of the cohort's Patient resources on this server, in fetch order. */
      readonly cohort: readonly string[];
      readonly nextChunk: number;
      readonly chunkSize: number;
      /** Server time before the cohort was listed: later runs ask for changes since then. */
      readonly since: string;
      readonly startedAt: string;
      /** Set when this is a reconciliation of a cache that already holds data. */
      readonly reconciling: boolean;
      readonly lastCompletedAt?: string;
    }
  | {
      readonly version: 1;
      readonly phase: 'incremental';
      readonly cohortKey: string;
      readonly mode: ChangeStrategy;
      /** `_since` / `_lastUpdated=gt` position per stream: `*` for system history, else per resource type. */
      readonly since: Readonly<Record<string, string>>;
      readonly lastCompletedAt: string;
      readonly lastReconciledAt: string;
      readonly needsReconcile: boolean;
    };

export type PullPhase = 'cohort' | 'initial' | 'reconcile' | 'incremental';

export interface PullProgress {
  readonly icb: string;
  readonly phase: PullPhase;
  readonly patientsDone: number;
  /** Unknown while the cohort is being listed and during incremental runs. */
  readonly patientsExpected?: number;
  readonly changes: number;
  readonly bytes: number;
  readonly ratePerSecond: number;
  readonly etaSeconds?: number;
}

export type PullEvent =
  | { readonly type: 'started'; readonly icb: string; readonly phase: PullPhase; readonly strategy: string }
  | ({ readonly type: 'progress' } & PullProgress)
  | {
      readonly type: 'invalid-resource';
      readonly icb: string;
      readonly resourceType?: string;
      readonly id?: string;
      readonly reason: string;
    }
  | {
      readonly type: 'retrying';
      readonly icb: string;
      readonly attempt: number;
      readonly delayMs: number;
      readonly reason: string;
    }
  | { readonly type: 'rate-limited'; readonly icb: string; readonly retryAfterMs: number }
  | { readonly type: 'offline'; readonly icb: string; readonly message: string }
  | { readonly type: 'unauthorized'; readonly icb: string; readonly message: string }
  | {
      readonly type: 'completed';
      readonly icb: string;
      readonly phase: PullPhase;
      readonly patients: number;
      readonly changes: number;
      readonly deleted: number;
      readonly quarantined: number;
      readonly durationMs: number;
    }
  | { readonly type: 'failed'; readonly icb: string; readonly message: string }
  | { readonly type: 'paused'; readonly icb: string }
  | { readonly type: 'cancelled'; readonly icb: string };

export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`);
}
