// Retry policy: which failures are retried, how long to wait (exponential backoff with full jitter, or the
// server's Retry-After), and the loop state shared by the attempts of one logical request.
import type { RetryReason } from './errors';

export interface RetryPolicy {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** A Retry-After beyond this is not waited for: the request gives up at once. */
  readonly maxRetryAfterMs: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  maxAttempts: 6,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 5 * 60_000,
};

/** One failed attempt, classified. `error` is what the caller gets if no retry follows. */
export type AttemptFailure =
  | {
      readonly kind: 'retryable';
      readonly reason: RetryReason;
      readonly error: Error;
      readonly retryAfterMs?: number;
    }
  | { readonly kind: 'fatal'; readonly error: Error };

/**
 * Full-jitter exponential backoff: a uniform wait in [0, min(maxDelay, base * 2^(attempt-1))).
 * @see https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/
 */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

/**
 * Parses `Retry-After` as delay-seconds or an HTTP-date; undefined when absent or unreadable.
 * @see https://www.rfc-editor.org/rfc/rfc9110#field.retry-after
 * @see https://hl7.org/fhir/uv/bulkdata/export.html#response---in-progress-status
 */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // All three HTTP-date formats start with the day name; Date.parse alone would accept '-5' as a year.
  const date = /^[A-Za-z]{3}/.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/**
 * How a non-2xx status is handled: retried (and why) or returned to the caller at once.
 * 429 means the server did not process the request, so it is retried even for a non-idempotent POST;
 * 503 and other 5xx only when repeating the request is safe.
 * @see https://hl7.org/fhir/R4/http.html#Status-Codes
 */
export function retryReasonForStatus(status: number, idempotent: boolean): RetryReason | undefined {
  if (status === 429) return 'rate-limited';
  if (!idempotent) return undefined;
  if (status === 503) return 'unavailable';
  if (status === 500 || status === 502 || status === 504) return 'server-error';
  return undefined;
}

/** A sleep that ends early, rejecting with the signal's reason, when the signal aborts. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortReason(signal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The reason an aborted signal carries, as an Error (DOMException AbortError when none was given). */
export function abortReason(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  if (reason instanceof Error) return reason;
  return new DOMException('The operation was aborted', 'AbortError');
}

/** Waits for a shared promise, giving up (for this caller only) if its own signal aborts. */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => {
      reject(abortReason(signal));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    void promise.then(resolve, reject).finally(() => {
      signal.removeEventListener('abort', onAbort);
    });
  });
}

export interface RetryLoopDependencies {
  readonly policy: RetryPolicy;
  readonly random: () => number;
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly onRetry: (attempt: number, delayMs: number, reason: RetryReason) => void;
}

/** The attempt counter of one logical request; `afterFailure` waits before the next attempt or throws. */
export class RetryLoop {
  private attempts = 0;

  constructor(private readonly deps: RetryLoopDependencies) {}

  /** Counts the attempt that just failed; sleeps before the next one, or throws the failure's error. */
  async afterFailure(failure: AttemptFailure, signal: AbortSignal | undefined): Promise<void> {
    this.attempts += 1;
    if (failure.kind === 'fatal') throw failure.error;
    const { policy } = this.deps;
    if (this.attempts >= policy.maxAttempts) throw failure.error;
    if (failure.retryAfterMs !== undefined && failure.retryAfterMs > policy.maxRetryAfterMs)
      throw failure.error;
    const delayMs =
      failure.retryAfterMs === undefined
        ? backoffDelay(this.attempts, policy, this.deps.random)
        : Math.min(failure.retryAfterMs, policy.maxDelayMs);
    this.deps.onRetry(this.attempts, delayMs, failure.reason);
    await this.deps.sleep(delayMs, signal);
    if (signal?.aborted) throw abortReason(signal);
  }
}
