// Runs the pull for every provisioned ICB: one at a time per server, ICBs side by side; retries whole
// runs with backoff when a server is unreachable; reports typed events; pause and cancel by abort.
import type { Resource } from '@medplum/fhirtypes';
import { NetworkError, RateLimitedError, TimeoutError, UnauthorizedError } from '../fhir-client';
import type { IcbConfig, Profile } from '../provisioning-profile';
import { ProgressTracker, type IcbPullContext } from './context';
import type { LocalStore, RemoteFhir } from './ports';
import { pullIcb } from './pull-icb';
import type { ChangeStrategy, ChunkStrategy, PullCheckpoint, PullEvent } from './types';

export interface PullEngineOptions {
  readonly profile: Pick<Profile, 'area' | 'icbs' | 'retention'>;
  readonly store: LocalStore;
  readonly remoteFor: (icb: IcbConfig) => RemoteFhir;
  readonly onEvent?: (event: PullEvent) => void;
  readonly now?: () => Date;
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly chunkSize?: number;
  readonly pageSize?: number;
  readonly maxResourceBytes?: number;
  /** Whole-run attempts per ICB when its server is unreachable or failing (the client retries each request too). */
  readonly maxAttempts?: number;
  readonly retryDelayMs?: number;
  readonly reconcileEveryMs?: number;
  readonly forceChunkStrategy?: ChunkStrategy;
  readonly forceChangeStrategy?: ChangeStrategy;
}

export type IcbOutcome =
  | { readonly kind: 'completed'; readonly checkpoint: Extract<PullCheckpoint, { phase: 'incremental' }> }
  | { readonly kind: 'offline' | 'unauthorized' | 'failed' | 'aborted'; readonly message: string };

export type RunOutcome = ReadonlyMap<string, IcbOutcome>;

function defaultSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
      },
      { once: true },
    );
  });
}

function classify(error: unknown): Exclude<IcbOutcome['kind'], 'completed' | 'aborted'> {
  if (error instanceof UnauthorizedError) return 'unauthorized';
  if (error instanceof NetworkError || error instanceof TimeoutError || error instanceof RateLimitedError)
    return 'offline';
  return 'failed';
}

export class PullEngine {
  private controller: AbortController | undefined;
  private pausedByUser = false;

  constructor(private readonly options: PullEngineOptions) {}

  get running(): boolean {
    return this.controller !== undefined;
  }

  /** Pulls every ICB in the profile to up to date. Resolves when each has completed or given up. */
  async run(): Promise<RunOutcome> {
    if (this.controller !== undefined) throw new Error('a pull is already running');
    const controller = new AbortController();
    this.controller = controller;
    this.pausedByUser = false;
    try {
      const outcomes = await Promise.all(
        this.options.profile.icbs.map(
          async (icb) => [icb.odsCode, await this.runIcb(icb, controller.signal)] as const,
        ),
      );
      // The run's commits each added a postings segment; merging them now keeps name searches to a few
      // reads without holding up the commits while they ran. Not after a pause or cancel (or a wipe,
      // which cancels first): the next run's end merges them.
      if (!controller.signal.aborted) await this.options.store.mergePostings();
      return new Map(outcomes);
    } finally {
      this.controller = undefined;
    }
  }

  /**
   * Retention (DESIGN.md section 8): an ICB's cached summaries live only while that ICB has synced within
   * `retention.summaryDays`; past that they are purged (records, indexes, quarantine, checkpoint).
   * Returns the ODS codes purged.
   */
  async purgeExpired(): Promise<string[]> {
    const now = (this.options.now ?? (() => new Date()))().getTime();
    const maxAgeMs = this.options.profile.retention.summaryDays * 24 * 60 * 60 * 1000;
    const purged: string[] = [];
    for (const icb of this.options.profile.icbs) {
      const checkpoint = await this.options.store.readCheckpoint<PullCheckpoint>(icb.odsCode);
      if (checkpoint === undefined) continue;
      // A first run that never finished is as old as when it started.
      const freshAt =
        checkpoint.lastCompletedAt ?? (checkpoint.phase === 'initial' ? checkpoint.startedAt : undefined);
      if (freshAt === undefined || now - Date.parse(freshAt) <= maxAgeMs) continue;
      await this.options.store.purgeIcb(icb.odsCode);
      purged.push(icb.odsCode);
    }
    return purged;
  }

  /** Stops at once; everything committed so far is kept and the next run resumes from it. */
  pause(): void {
    this.pausedByUser = true;
    this.controller?.abort(new Error('paused'));
  }

  cancel(): void {
    this.pausedByUser = false;
    this.controller?.abort(new Error('cancelled'));
  }

  private emit(event: PullEvent): void {
    this.options.onEvent?.(event);
  }

  private async runIcb(icb: IcbConfig, signal: AbortSignal): Promise<IcbOutcome> {
    const now = this.options.now ?? (() => new Date());
    const sleep = this.options.sleep ?? defaultSleep;
    const maxAttempts = this.options.maxAttempts ?? 3;
    const sharedCache = new Map<string, Resource>();
    const remote = this.options.remoteFor(icb);
    let lastError: unknown;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const startedAt = Date.now();
      const progress = new ProgressTracker(
        icb.odsCode,
        () => Date.now(),
        (event) => {
          this.emit(event);
        },
      );
      const context: IcbPullContext = {
        icb,
        remote,
        store: this.options.store,
        now,
        signal,
        emit: (event) => {
          this.emit(event);
        },
        chunkSize: this.options.chunkSize ?? 1000,
        pageSize: this.options.pageSize ?? 1000,
        maxResourceBytes: this.options.maxResourceBytes ?? 1024 * 1024,
        sharedCache,
        progress,
      };
      try {
        const checkpoint = await pullIcb(context, {
          areaDistricts: this.options.profile.area.postcodeDistricts,
          reconcileEveryMs: this.options.reconcileEveryMs ?? 24 * 60 * 60 * 1000,
          forceChunkStrategy: this.options.forceChunkStrategy,
          forceChangeStrategy: this.options.forceChangeStrategy,
        });
        this.emit({
          type: 'completed',
          icb: icb.odsCode,
          phase: progress.phase,
          patients: progress.patientsDone,
          changes: progress.changes,
          deleted: progress.deleted,
          quarantined: progress.quarantined,
          durationMs: Date.now() - startedAt,
        });
        return { kind: 'completed', checkpoint };
      } catch (error) {
        if (signal.aborted) {
          this.emit(
            this.pausedByUser
              ? { type: 'paused', icb: icb.odsCode }
              : { type: 'cancelled', icb: icb.odsCode },
          );
          return { kind: 'aborted', message: this.pausedByUser ? 'paused' : 'cancelled' };
        }
        lastError = error;
        const kind = classify(error);
        const message = error instanceof Error ? error.message : String(error);
        if (kind === 'unauthorized') {
          this.emit({ type: 'unauthorized', icb: icb.odsCode, message });
          return { kind, message };
        }
        if (error instanceof RateLimitedError)
          this.emit({ type: 'rate-limited', icb: icb.odsCode, retryAfterMs: error.retryAfterMs ?? 0 });
        if (attempt === maxAttempts) break;
        const delayMs = (this.options.retryDelayMs ?? 5_000) * 2 ** (attempt - 1);
        this.emit({ type: 'retrying', icb: icb.odsCode, attempt, delayMs, reason: message });
        try {
          await sleep(delayMs, signal);
        } catch {
          this.emit(
            this.pausedByUser
              ? { type: 'paused', icb: icb.odsCode }
              : { type: 'cancelled', icb: icb.odsCode },
          );
          return { kind: 'aborted', message: this.pausedByUser ? 'paused' : 'cancelled' };
        }
      }
    }
    const kind = classify(lastError);
    const message = lastError instanceof Error ? lastError.message : String(lastError);
    this.emit(
      kind === 'offline'
        ? { type: 'offline', icb: icb.odsCode, message }
        : { type: 'failed', icb: icb.odsCode, message },
    );
    return { kind, message };
  }
}
