// The few named errors the FHIR client throws, each carrying what the sync engine needs to decide what to do
// next (status, URL, the server's OperationOutcome, how long to back off).
import type { OperationOutcome } from '@medplum/fhirtypes';
import { z } from '../zod';

/** Why a request is retried or, after the last attempt, why it failed. */
export type RetryReason = 'rate-limited' | 'unavailable' | 'network' | 'timeout' | 'server-error';

/** Base class of every error the client throws, so a caller can tell them from programming errors. */
export abstract class FhirClientError extends Error {
  /** The request URL (absolute). */
  readonly url: string;

  protected constructor(message: string, url: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.url = url;
  }
}

/**
 * A response with a non-2xx status that was not retried, or still failed after the last retry.
 * `outcome` is the OperationOutcome the server returned in the body, when it sent one.
 * @see https://hl7.org/fhir/R4/http.html#Status-Codes
 * @see https://hl7.org/fhir/R4/operationoutcome.html
 */
export class FhirHttpError extends FhirClientError {
  readonly status: number;
  readonly outcome: OperationOutcome | undefined;
  /** From `Retry-After`, when the server sent one (e.g. a 503 asking for a wait beyond the hard cap). */
  readonly retryAfterMs: number | undefined;

  constructor(status: number, url: string, outcome?: OperationOutcome, retryAfterMs?: number) {
    super(`HTTP ${status} from ${url}${describeOutcome(outcome)}`, url);
    this.status = status;
    this.outcome = outcome;
    this.retryAfterMs = retryAfterMs;
  }
}

/**
 * The server (or the token endpoint) refused our credentials: 401/403 even after one token refresh,
 * or a SMART token request that failed. `description` is the server's `error_description` when given.
 * @see https://hl7.org/fhir/smart-app-launch/backend-services.html#obtaining-an-access-token
 */
export class UnauthorizedError extends FhirClientError {
  readonly status: number | undefined;
  readonly description: string | undefined;
  readonly outcome: OperationOutcome | undefined;

  constructor(
    url: string,
    details: { status?: number; description?: string; outcome?: OperationOutcome },
    options?: ErrorOptions,
  ) {
    const reason = details.description ?? describeOutcome(details.outcome).replace(/^: /, '');
    const status = details.status === undefined ? '' : ` (HTTP ${details.status})`;
    super(`Unauthorized${status} at ${url}${reason === '' ? '' : `: ${reason}`}`, url, options);
    this.status = details.status;
    this.description = details.description;
    this.outcome = details.outcome;
  }
}

/**
 * 429 Too Many Requests still returned after the last retry, or a `Retry-After` longer than we will wait.
 * @see https://hl7.org/fhir/R4/http.html#Status-Codes
 */
export class RateLimitedError extends FhirClientError {
  readonly retryAfterMs: number | undefined;

  constructor(url: string, retryAfterMs: number | undefined) {
    const wait =
      retryAfterMs === undefined ? '' : ` (server asks to wait ${Math.ceil(retryAfterMs / 1000)} s)`;
    super(`Rate limited by ${url}${wait}`, url);
    this.retryAfterMs = retryAfterMs;
  }
}

/** The connection failed or dropped (DNS, refused, reset, body cut short). `cause` is the fetch error. */
export class NetworkError extends FhirClientError {
  constructor(url: string, cause: unknown) {
    super(`Network error talking to ${url}: ${cause instanceof Error ? cause.message : String(cause)}`, url, {
      cause,
    });
  }
}

/** An attempt took longer than `timeoutMs` (headers and body together; for streams, between chunks). */
export class TimeoutError extends FhirClientError {
  readonly timeoutMs: number;

  constructor(url: string, timeoutMs: number) {
    super(`No complete response from ${url} within ${timeoutMs} ms`, url);
    this.timeoutMs = timeoutMs;
  }
}

/** The response body was bigger than the client accepts; it was refused without being buffered whole. */
export class ResponseTooLargeError extends FhirClientError {
  readonly limit: number;

  constructor(url: string, limit: number) {
    super(`Response from ${url} is larger than the limit of ${limit} bytes`, url);
    this.limit = limit;
  }
}

/**
 * The response was not what FHIR says it should be: not JSON, the wrong shape, or a link we will not follow.
 * @see https://hl7.org/fhir/R4/http.html
 */
export class InvalidResponseError extends FhirClientError {
  readonly reason: string;

  constructor(url: string, reason: string, options?: ErrorOptions) {
    super(`Invalid response from ${url}: ${reason}`, url, options);
    this.reason = reason;
  }
}

const issueSchema = z.object({
  severity: z.enum(['fatal', 'error', 'warning', 'information']),
  code: z.string().min(1),
  diagnostics: z.string().optional(),
  details: z.object({ text: z.string().optional() }).optional(),
  expression: z.array(z.string()).optional(),
});
const outcomeSchema = z.object({
  resourceType: z.literal('OperationOutcome'),
  id: z.string().optional(),
  issue: z.array(issueSchema).min(1),
});

/**
 * Returns the body as an OperationOutcome when it is one (keeping only the fields we understand), else undefined.
 * @see https://hl7.org/fhir/R4/operationoutcome.html
 */
export function parseOperationOutcome(body: unknown): OperationOutcome | undefined {
  const result = outcomeSchema.safeParse(body);
  // The issue code is a FHIR code; the spec's value set is open-ended in practice, so we keep the string.
  return result.success ? (result.data as OperationOutcome) : undefined;
}

function describeOutcome(outcome: OperationOutcome | undefined): string {
  const issue = outcome?.issue[0];
  if (issue === undefined) return '';
  const text = issue.diagnostics ?? issue.details?.text ?? issue.code;
  return `: ${text}`;
}
