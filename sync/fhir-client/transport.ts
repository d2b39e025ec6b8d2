// One HTTP exchange with a FHIR server, made robust: a concurrency permit, a per-attempt timeout, the
// Authorization header (refreshed once after a 401/403), and classification of failures for the retry loop.
import type { Authorizer } from './auth';
import {
  FhirClientError,
  FhirHttpError,
  NetworkError,
  RateLimitedError,
  TimeoutError,
  UnauthorizedError,
  parseOperationOutcome,
} from './errors';
import type { FhirClientEvent } from './events';
import { parseJsonBody, readBodyLimited, type ReadTimer } from './read-body';
import {
  abortReason,
  parseRetryAfter,
  retryReasonForStatus,
  RetryLoop,
  type AttemptFailure,
  type RetryPolicy,
} from './retry';
import type { Release, Semaphore } from './semaphore';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** What to send, and how failures may be handled. `url` is absolute. */
export interface RequestSpec {
  readonly method: HttpMethod;
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | URLSearchParams;
  /** Whether sending the request twice is harmless (enables retry of network errors, timeouts and 5xx). */
  readonly idempotent: boolean;
  /** Whether to send the Authorization header. */
  readonly authenticate: boolean;
  /** Non-2xx statuses the caller handles itself (handed over as responses instead of failures). */
  readonly passStatus?: (status: number) => boolean;
}

export interface TransportConfig {
  readonly fetch: typeof fetch;
  readonly semaphore: Semaphore;
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
  readonly policy: RetryPolicy;
  readonly random: () => number;
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly now: () => number;
  readonly onEvent: (event: FhirClientEvent) => void;
}

/** An open response: its body is still to be read, inside the attempt's permit and timeout. */
export interface OpenedResponse {
  readonly response: Response;
  readonly attempt: Attempt;
}

type OpenOutcome =
  | { readonly kind: 'opened'; readonly opened: OpenedResponse }
  | { readonly kind: 'failed'; readonly failure: AttemptFailure }
  | {
      readonly kind: 'unauthorized';
      readonly error: UnauthorizedError;
      readonly authorization: string | undefined;
    };

/** Error bodies are read only to find an OperationOutcome; a bigger one is dropped. */
const errorBodyLimit = 1024 * 1024;

/**
 * One attempt: holds a concurrency permit and an AbortController that fires on timeout or caller abort.
 * The timer runs while armed: for a JSON exchange across headers and body, for a stream between chunks.
 */
export class Attempt implements ReadTimer {
  private readonly controller = new AbortController();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timedOut = false;
  private readonly onCallerAbort = (): void => {
    this.controller.abort(abortReason(this.callerSignal));
  };

  constructor(
    private readonly url: string,
    private readonly timeoutMs: number,
    private readonly callerSignal: AbortSignal | undefined,
    private readonly release: Release,
  ) {
    callerSignal?.addEventListener('abort', this.onCallerAbort, { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  arm(): void {
    this.timer ??= setTimeout(() => {
      this.timedOut = true;
      this.controller.abort(new TimeoutError(this.url, this.timeoutMs));
    }, this.timeoutMs);
  }

  disarm(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Ends the attempt: stops the timer, closes any unread body, frees the permit. Safe to call twice. */
  finish(): void {
    this.disarm();
    this.callerSignal?.removeEventListener('abort', this.onCallerAbort);
    if (!this.controller.signal.aborted)
      this.controller.abort(new DOMException('attempt finished', 'AbortError'));
    this.release();
  }

  /**
   * Classifies an error thrown while fetching or reading. The caller's own abort is rethrown as is;
   * our named errors (too large, invalid) are final; timeouts and fetch's TypeErrors are retryable when
   * repeating the request is safe.
   */
  classify(error: unknown, idempotent: boolean): AttemptFailure {
    if (this.callerSignal?.aborted) throw abortReason(this.callerSignal);
    if (this.timedOut) {
      const timeout = new TimeoutError(this.url, this.timeoutMs);
      return idempotent
        ? { kind: 'retryable', reason: 'timeout', error: timeout }
        : { kind: 'fatal', error: timeout };
    }
    if (error instanceof FhirClientError) return { kind: 'fatal', error };
    // fetch reports every network failure (refused, reset, body cut short) as a TypeError.
    if (error instanceof TypeError) {
      const network = new NetworkError(this.url, error);
      return idempotent
        ? { kind: 'retryable', reason: 'network', error: network }
        : { kind: 'fatal', error: network };
    }
    return { kind: 'fatal', error: error instanceof Error ? error : new Error(String(error)) };
  }
}

/**
 * Sends requests to one FHIR server with bounded concurrency, timeouts, auth and retries.
 * @see https://hl7.org/fhir/R4/http.html
 */
export class Transport {
  private authorizer: Authorizer | undefined;

  constructor(private readonly config: TransportConfig) {}

  /** Set once, after construction: the SMART authorizer itself posts to the token endpoint through us. */
  useAuthorizer(authorizer: Authorizer): void {
    this.authorizer = authorizer;
  }

  /** A fresh attempt counter for one logical request; retries are reported as events. */
  retryLoop(url: string, options: { readonly singleAttempt?: boolean } = {}): RetryLoop {
    const { policy, random, sleep, onEvent } = this.config;
    return new RetryLoop({
      policy: options.singleAttempt === true ? { ...policy, maxAttempts: 1 } : policy,
      random,
      sleep,
      onRetry: (attempt, delayMs, reason) => {
        onEvent({ type: 'retrying', attempt, delayMs, reason, url });
      },
    });
  }

  /** Sends the request (retrying as allowed) and lets `consume` read the response within the attempt. */
  async run<T>(
    spec: RequestSpec,
    signal: AbortSignal | undefined,
    consume: (opened: OpenedResponse) => Promise<T>,
    loop: RetryLoop = this.retryLoop(spec.url),
  ): Promise<T> {
    for (;;) {
      const opened = await this.open(spec, signal, loop);
      let failure: AttemptFailure;
      try {
        return await consume(opened);
      } catch (error) {
        failure = opened.attempt.classify(error, spec.idempotent);
      } finally {
        opened.attempt.finish();
      }
      await loop.afterFailure(failure, signal);
    }
  }

  /** Reads a whole JSON response (up to maxResponseBytes); an empty body is `undefined`. */
  async readJson(opened: OpenedResponse, url: string): Promise<{ body: unknown; bytes: number }> {
    const bytes = await readBodyLimited(opened.response, url, this.config.maxResponseBytes);
    return { body: parseJsonBody(bytes, url), bytes: bytes.byteLength };
  }

  /**
   * Retries until the server answers 2xx (or a status in `passStatus`); the attempt's timer is still armed.
   * The caller must `finish()` the returned attempt.
   */
  async open(spec: RequestSpec, signal: AbortSignal | undefined, loop: RetryLoop): Promise<OpenedResponse> {
    let refreshed = false;
    try {
      for (;;) {
        const outcome = await this.tryOpen(spec, signal);
        switch (outcome.kind) {
          case 'opened':
            return outcome.opened;
          case 'failed':
            await loop.afterFailure(outcome.failure, signal);
            break;
          case 'unauthorized':
            // A 401 usually means the token expired early or was revoked: get a new one, once.
            if (
              refreshed ||
              !spec.authenticate ||
              this.authorizer?.invalidate(outcome.authorization) !== true
            ) {
              throw outcome.error;
            }
            refreshed = true;
            break;
          default: {
            const unknown: never = outcome;
            throw new Error(`unknown outcome ${JSON.stringify(unknown)}`);
          }
        }
      }
    } catch (error) {
      if (error instanceof UnauthorizedError) this.config.onEvent({ type: 'unauthorized', url: spec.url });
      throw error;
    }
  }

  private async tryOpen(spec: RequestSpec, signal: AbortSignal | undefined): Promise<OpenOutcome> {
    if (signal?.aborted) throw abortReason(signal);
    // The token (possibly a request to the token endpoint) is fetched before taking a permit.
    const authorization = spec.authenticate ? await this.authorizer?.authorization(signal) : undefined;
    const release = await this.config.semaphore.acquire(signal);
    const attempt = new Attempt(spec.url, this.config.timeoutMs, signal, release);
    attempt.arm();
    let response: Response;
    try {
      response = await this.config.fetch(spec.url, {
        method: spec.method,
        headers: buildHeaders(spec, authorization),
        body: spec.body ?? null,
        signal: attempt.signal,
      });
    } catch (error) {
      attempt.finish();
      return { kind: 'failed', failure: attempt.classify(error, spec.idempotent) };
    }
    if (response.ok || spec.passStatus?.(response.status) === true) {
      return { kind: 'opened', opened: { response, attempt } };
    }
    try {
      return await this.statusFailure(spec, response, authorization);
    } catch (error) {
      return { kind: 'failed', failure: attempt.classify(error, spec.idempotent) };
    } finally {
      attempt.finish();
    }
  }

  /** Turns a non-2xx response into a failure, reading a small body for the server's OperationOutcome. */
  private async statusFailure(
    spec: RequestSpec,
    response: Response,
    authorization: string | undefined,
  ): Promise<OpenOutcome> {
    const { status } = response;
    const limit = Math.min(errorBodyLimit, this.config.maxResponseBytes);
    let body: unknown;
    try {
      body = parseJsonBody(await readBodyLimited(response, spec.url, limit), spec.url);
    } catch (error) {
      // An unreadable error body (HTML from a proxy, too big) still leaves the status to go on.
      if (!(error instanceof FhirClientError)) throw error;
    }
    const outcome = parseOperationOutcome(body);
    if (status === 401 || status === 403) {
      return {
        kind: 'unauthorized',
        authorization,
        error: new UnauthorizedError(spec.url, { status, outcome }),
      };
    }
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), this.config.now());
    const error =
      status === 429
        ? new RateLimitedError(spec.url, retryAfterMs)
        : new FhirHttpError(status, spec.url, outcome, retryAfterMs);
    const reason = retryReasonForStatus(status, spec.idempotent);
    if (reason === undefined) return { kind: 'failed', failure: { kind: 'fatal', error } };
    return {
      kind: 'failed',
      failure: { kind: 'retryable', reason, error, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) },
    };
  }
}

function buildHeaders(spec: RequestSpec, authorization: string | undefined): Headers {
  const headers = new Headers({ accept: 'application/fhir+json' });
  if (typeof spec.body === 'string') headers.set('content-type', 'application/fhir+json');
  for (const [name, value] of Object.entries(spec.headers ?? {})) headers.set(name, value);
  if (authorization !== undefined) headers.set('authorization', authorization);
  return headers;
}
