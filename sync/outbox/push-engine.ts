// The push engine: one pusher per database (a lease row with expiry), per-patient FIFO with parallelism
// across patients, capped exponential backoff with jitter, parking and pausing; all scheduling lives here.
import type { Bundle } from '@medplum/fhirtypes';
import type { FhirClient } from '../fhir-client';
import type { Outbox } from './outbox';
import type { EntryRow } from './outbox-store';
import { outcomeForError, outcomeForResponse } from './push-outcome';
import type { PushOutcome } from './push-outcome';
import type { RouteTarget } from './routing';
import { toTransaction } from './to-transaction';

/** The remote side of push: POST one transaction Bundle to a target's FHIR base URL. */
export interface OutboxRemote {
  transaction(
    target: RouteTarget,
    bundle: Bundle,
    signal: AbortSignal,
  ): Promise<{ status: number; body: unknown }>;
}

/**
 * A remote over `FhirClient`s. The POST is declared retryable: every entry is conditional, so it is safe to
 * repeat. Give the clients few attempts of their own (e.g. 2); the engine backs off between notes' attempts.
 * @see https://hl7.org/fhir/R4/http.html#transaction
 */
export function fhirClientRemote(clientFor: (target: RouteTarget) => FhirClient): OutboxRemote {
  return {
    transaction: async (target, bundle, signal) => {
      const client = clientFor(target);
      const response = await client.request('POST', client.baseUrl, {
        body: bundle,
        retryable: true,
        signal,
      });
      return { status: response.status, body: response.body };
    },
  };
}

export interface BackoffPolicy {
  /** First retry waits between base/2 and base. Default 1 s. */
  readonly baseMs: number;
  /** The cap. Default 60 s. */
  readonly maxMs: number;
}

/** Capped exponential backoff with "equal jitter": a uniform wait in [cap/2, cap), cap = min(max, base*2^(n-1)). */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number): number {
  const cap = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(cap / 2 + random() * (cap / 2));
}

export interface PushEngineOptions {
  readonly outbox: Outbox;
  readonly remote: OutboxRemote;
  readonly trust: { readonly odsCode: string; readonly name: string };
  /** Identifies this pusher in the lease; default a random UUID. */
  readonly holderId?: string;
  /** Notes in flight at once (never two of one patient). Default 4. */
  readonly concurrency?: number;
  /** Lease and claim lifetime; renewed every `pollMs`. Default 15 s. */
  readonly leaseMs?: number;
  /** Longest wait between looks at the queue. Default 1 s. */
  readonly pollMs?: number;
  readonly backoff?: Partial<BackoffPolicy>;
  readonly random?: () => number;
  readonly now?: () => number;
  /** The note-to-Bundle conversion; tests replace it to make a note invalid on purpose. */
  readonly buildTransaction?: typeof toTransaction;
}

export class PushEngine {
  readonly holderId: string;
  private readonly options: PushEngineOptions;
  private readonly backoff: BackoffPolicy;
  private readonly now: () => number;
  private readonly inFlight = new Map<string, { controller: AbortController; done: Promise<void> }>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  private running = false;
  private ticking: Promise<void> | undefined;
  private tickAgain = false;
  private drainedReported = false;
  private stopping: Promise<void> | undefined;
  private unsubscribe: (() => void) | undefined;
  /** The last error a tick hit (IndexedDB failure); the next tick retries. */
  lastError: unknown;

  constructor(options: PushEngineOptions) {
    this.options = options;
    this.holderId = options.holderId ?? crypto.randomUUID();
    this.backoff = { baseMs: options.backoff?.baseMs ?? 1000, maxMs: options.backoff?.maxMs ?? 60_000 };
    this.now = options.now ?? (() => Date.now());
  }

  private stopped(): boolean {
    return !this.running;
  }

  private get leaseMs(): number {
    return this.options.leaseMs ?? 15_000;
  }

  /** Starts pushing; a newly queued note in this window is picked up at once, others within `pollMs`. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.stopping = undefined;
    this.unsubscribe = this.options.outbox.on((event) => {
      if (event.type === 'queued') this.kick();
    });
    this.kick();
  }

  /** Stops: aborts requests in flight (their notes return to the queue) and gives up the lease. */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    this.running = false;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
    for (const { controller } of this.inFlight.values()) controller.abort();
    await this.ticking;
    await Promise.all([...this.inFlight.values()].map(({ done }) => done));
    await this.options.outbox.store.releaseLease(this.holderId);
  }

  /** Looks at the queue as soon as possible. */
  kick(): void {
    this.schedule(0);
  }

  private schedule(delayMs: number): void {
    if (!this.running) return;
    const at = this.now() + delayMs;
    if (this.timer !== undefined && this.timerAt <= at) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Number.POSITIVE_INFINITY;
      this.runTick();
    }, delayMs);
  }

  private runTick(): void {
    if (this.ticking !== undefined) {
      this.tickAgain = true;
      return;
    }
    this.ticking = this.tick()
      .catch((error: unknown) => {
        this.lastError = error;
      })
      .finally(() => {
        this.ticking = undefined;
        const again = this.tickAgain;
        this.tickAgain = false;
        if (again) this.kick();
        else this.schedule(this.options.pollMs ?? 1000);
      });
  }

  private async tick(): Promise<void> {
    if (!this.running) return;
    const { outbox } = this.options;
    const { store } = outbox;
    const now = this.now();
    const lease = await store.acquireLease(this.holderId, now, this.leaseMs);
    if (lease === 'held-elsewhere') return;
    if (lease === 'acquired') await store.releaseStaleClaims(now);
    if (this.inFlight.size > 0) await store.extendClaims(this.holderId, now + this.leaseMs);
    await outbox.purge();
    const { eligible, wakeAt, pending } = await this.plan(
      now,
      (this.options.concurrency ?? 4) - this.inFlight.size,
    );
    for (const row of eligible) {
      // `stop()` may have run while this tick awaited IndexedDB.
      if (this.stopped() || this.inFlight.size >= (this.options.concurrency ?? 4)) break;
      const claimed = await store.claim(row.key, this.holderId, now, this.leaseMs);
      if (claimed === undefined) continue;
      const controller = new AbortController();
      const done = this.send(claimed, controller.signal);
      this.inFlight.set(claimed.key, { controller, done });
    }
    if (pending || this.inFlight.size > 0) this.drainedReported = false;
    else if (!this.drainedReported) {
      this.drainedReported = true;
      outbox.events.emit({ type: 'drained' });
    }
    if (wakeAt !== undefined) this.schedule(Math.max(0, wakeAt - this.now()));
  }

  /**
   * Which queued rows may go now: the first unfinished row of each patient, not paused, due, not in flight.
   * Reads the queue in seq order and stops once `wanted` rows are eligible, so each tick costs a few rows
   * however long the queue. Paused targets are known before the scan: paused rows are read whole first.
   */
  private async plan(
    now: number,
    wanted: number,
  ): Promise<{ eligible: EntryRow[]; wakeAt: number | undefined; pending: boolean }> {
    const { store } = this.options.outbox;
    const pausedTargets = new Set(
      (await store.db.entries.where('state').equals('paused').toArray()).map((row) => row.target),
    );
    const blockedPatients = new Set<string>();
    const blockedNotes = new Set<string>();
    const eligible: EntryRow[] = [];
    let wakeAt: number | undefined;
    let pending = false;
    if (wanted <= 0) return { eligible, wakeAt, pending: this.inFlight.size > 0 };
    await store.scanUnfinished((row) => {
      // A parked note does not hold back the patient's other notes, only later versions of itself.
      if (row.state === 'needs-attention') {
        blockedNotes.add(row.noteId);
        return true;
      }
      const blocked = blockedPatients.has(row.patient) || blockedNotes.has(row.noteId);
      blockedPatients.add(row.patient);
      blockedNotes.add(row.noteId);
      if (row.state === 'sending' || row.state === 'queued') pending = true;
      if (blocked || row.state !== 'queued' || pausedTargets.has(row.target) || this.inFlight.has(row.key))
        return true;
      if (row.nextAttemptAt > now) wakeAt = Math.min(wakeAt ?? row.nextAttemptAt, row.nextAttemptAt);
      else eligible.push(row);
      return eligible.length < wanted;
    });
    return { eligible, wakeAt, pending };
  }

  private async send(row: EntryRow, signal: AbortSignal): Promise<void> {
    const { outbox } = this.options;
    try {
      outbox.events.emit({
        type: 'sending',
        noteId: row.noteId,
        version: row.version,
        attempt: row.attempts,
        target: row.target,
      });
      let outcome: PushOutcome;
      try {
        outcome = await this.attempt(row, signal);
      } catch (error) {
        if (signal.aborted) {
          await outbox.store.release(
            row.key,
            this.holderId,
            { state: 'queued', nextAttemptAt: this.now() },
            this.now(),
          );
          return;
        }
        outcome = {
          kind: 'park',
          status: undefined,
          text: `Kerbside could not prepare or send this note: ${error instanceof Error ? error.message : String(error)}`,
        };
      }
      await this.apply(row, outcome);
    } catch (error) {
      this.lastError = error;
    } finally {
      this.inFlight.delete(row.key);
      this.kick();
    }
  }

  private async attempt(row: EntryRow, signal: AbortSignal): Promise<PushOutcome> {
    const { outbox, remote, trust } = this.options;
    const { note, route } = await outbox.decode(row);
    if (!route.routable) return { kind: 'park', status: undefined, text: route.reason };
    const previous = note.version > 1 ? (await outbox.store.receipt(note.id))?.records : undefined;
    const build = this.options.buildTransaction ?? toTransaction;
    const transaction = build(note, { trust, route, ...(previous === undefined ? {} : { previous }) });
    try {
      const response = await remote.transaction(route.target, transaction.bundle, signal);
      return outcomeForResponse(response.status, response.body, transaction.items);
    } catch (error) {
      if (signal.aborted) throw error;
      return outcomeForError(error);
    }
  }

  private async apply(row: EntryRow, outcome: PushOutcome): Promise<void> {
    const { outbox } = this.options;
    const { store, events } = outbox;
    const now = this.now();
    const ref = { noteId: row.noteId, version: row.version };
    switch (outcome.kind) {
      case 'sent':
        await store.markSent(row.key, outcome.receipt, now);
        events.emit({ type: 'sent', ...ref, serverIds: outcome.receipt, acknowledgedAt: now });
        return;
      case 'retry': {
        const delay = Math.max(
          backoffDelay(row.attempts, this.backoff, this.options.random ?? Math.random),
          outcome.retryAfterMs ?? 0,
        );
        if (
          !(await store.release(row.key, this.holderId, { state: 'queued', nextAttemptAt: now + delay }, now))
        )
          return;
        if (outcome.offline) events.emit({ type: 'offline', target: row.target, message: outcome.message });
        events.emit({ type: 'retry-scheduled', ...ref, delayMs: delay, message: outcome.message });
        return;
      }
      case 'park': {
        const detail = await store.sealDetail(row.key, { status: outcome.status, text: outcome.text });
        if (!(await store.release(row.key, this.holderId, { state: 'needs-attention', detail }, now))) return;
        events.emit({ type: 'needs-attention', ...ref, status: outcome.status, outcomeText: outcome.text });
        return;
      }
      case 'pause': {
        const detail = await store.sealDetail(row.key, { status: undefined, text: outcome.message });
        const change = { state: 'paused' as const, pauseReason: outcome.reason, detail };
        if (!(await store.release(row.key, this.holderId, change, now))) return;
        events.emit({
          type: 'paused',
          ...ref,
          reason: outcome.reason,
          target: row.target,
          message: outcome.message,
        });
        return;
      }
    }
  }
}
