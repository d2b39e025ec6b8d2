// What one push attempt means for the note: acknowledged (with the server's ids), retry later, park with the
// server's OperationOutcome, or pause the target. Reads transaction-responses entry by entry, since a server
// may answer 200 while an entry failed.
import type { OperationOutcome } from '@medplum/fhirtypes';
import {
  FhirHttpError,
  InvalidResponseError,
  NetworkError,
  RateLimitedError,
  ResponseTooLargeError,
  TimeoutError,
  UnauthorizedError,
  parseOperationOutcome,
} from '../fhir-client';
import type { PauseReason } from './outbox-events';
import type { ServerReceipt, ServerRecord, TransactionItem } from './to-transaction';

export type PushOutcome =
  | { readonly kind: 'sent'; readonly receipt: ServerReceipt }
  | {
      readonly kind: 'retry';
      readonly offline: boolean;
      readonly message: string;
      readonly retryAfterMs?: number;
    }
  | { readonly kind: 'park'; readonly status: number | undefined; readonly text: string }
  | { readonly kind: 'pause'; readonly reason: PauseReason; readonly message: string };

/** Statuses that cannot succeed by repeating the same request. */
const PERMANENT = new Set([400, 404, 405, 409, 410, 412, 415, 422]);

/** The text a crew member is shown for an OperationOutcome: every issue's diagnostics, details or code. */
export function outcomeText(outcome: OperationOutcome | undefined, fallback: string): string {
  const texts = (outcome?.issue ?? [])
    .filter((issue) => issue.severity === 'error' || issue.severity === 'fatal')
    .map((issue) => {
      const where = issue.expression?.[0] === undefined ? '' : ` (${issue.expression[0]})`;
      return `${issue.diagnostics ?? issue.details?.text ?? issue.code}${where}`;
    });
  return texts.length === 0 ? fallback : texts.join('; ');
}

/**
 * How a status is handled: 401/403 pause (credentials), 413/507 pause (quota), 408/429/5xx retry,
 * 400/404/409/412/422 and similar park the note with the server's outcome.
 * @see https://hl7.org/fhir/R4/http.html#Status-Codes
 */
export function outcomeForStatus(
  status: number,
  outcome: OperationOutcome | undefined,
  retryAfterMs?: number,
): PushOutcome {
  const text = outcomeText(outcome, `HTTP ${status}`);
  if (status === 401 || status === 403) return { kind: 'pause', reason: 'unauthorized', message: text };
  if (status === 413 || status === 507) return { kind: 'pause', reason: 'quota', message: text };
  if (status === 408 || status === 429 || status >= 500)
    return {
      kind: 'retry',
      offline: false,
      message: text,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    };
  if (PERMANENT.has(status) || (status >= 400 && status < 500)) return { kind: 'park', status, text };
  return { kind: 'retry', offline: false, message: text };
}

/** Classifies an error thrown by the remote port (the FHIR client's named errors). */
export function outcomeForError(error: unknown): PushOutcome {
  if (error instanceof UnauthorizedError)
    return { kind: 'pause', reason: 'unauthorized', message: error.message };
  if (error instanceof FhirHttpError)
    return outcomeForStatus(error.status, error.outcome, error.retryAfterMs);
  if (error instanceof RateLimitedError)
    return {
      kind: 'retry',
      offline: false,
      message: error.message,
      ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
    };
  if (error instanceof NetworkError || error instanceof TimeoutError)
    return { kind: 'retry', offline: true, message: error.message };
  // The request may or may not have been applied; replaying is safe because every entry is conditional.
  if (error instanceof InvalidResponseError || error instanceof ResponseTooLargeError)
    return { kind: 'retry', offline: false, message: error.message };
  throw error;
}

interface ResponseEntry {
  readonly response?: {
    readonly status?: unknown;
    readonly location?: unknown;
    readonly etag?: unknown;
    readonly outcome?: unknown;
  };
  readonly resource?: {
    readonly resourceType?: unknown;
    readonly id?: unknown;
    readonly meta?: { readonly versionId?: unknown };
  };
}

function statusCode(value: unknown): number | undefined {
  const match = typeof value === 'string' ? /^\s*(\d{3})/.exec(value) : null;
  return match === null ? undefined : Number(match[1]);
}

function recordOf(item: TransactionItem, entry: ResponseEntry): ServerRecord | undefined {
  const { resource, response } = entry;
  const location = typeof response?.location === 'string' ? response.location : '';
  const fromLocation =
    /(?:^|\/)([A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/([A-Za-z0-9\-.]{1,64}))?$/.exec(location);
  const id = typeof resource?.id === 'string' ? resource.id : fromLocation?.[2];
  if (id === undefined) return undefined;
  const etag =
    typeof response?.etag === 'string' ? /^(?:W\/)?"([^"]+)"$/.exec(response.etag)?.[1] : undefined;
  const versionId =
    typeof resource?.meta?.versionId === 'string' ? resource.meta.versionId : (etag ?? fromLocation?.[3]);
  return { resourceType: item.resourceType, id, ...(versionId === undefined ? {} : { versionId }) };
}

/**
 * Reads a transaction-response: one entry per request entry, in order. Any entry with a 4xx/5xx status
 * decides the outcome (the worst wins); otherwise the note is acknowledged with each entry's id and version.
 * @see https://hl7.org/fhir/R4/http.html#transaction-response
 */
export function outcomeForResponse(
  status: number,
  body: unknown,
  items: readonly TransactionItem[],
): PushOutcome {
  if (status >= 300) return outcomeForStatus(status, parseOperationOutcome(body));
  const bundle = body as { resourceType?: unknown; type?: unknown; entry?: unknown } | null;
  if (
    bundle?.resourceType !== 'Bundle' ||
    bundle.type !== 'transaction-response' ||
    !Array.isArray(bundle.entry)
  )
    return {
      kind: 'retry',
      offline: false,
      message: 'The server did not answer with a transaction-response Bundle',
    };
  const entries = bundle.entry as ResponseEntry[];
  if (entries.length !== items.length)
    return {
      kind: 'retry',
      offline: false,
      message: `The transaction-response has ${entries.length} entries for ${items.length} requests`,
    };
  const failures: PushOutcome[] = [];
  const receipt: Record<string, ServerRecord> = {};
  entries.forEach((entry, index) => {
    const item = items[index];
    const code = statusCode(entry.response?.status);
    if (item === undefined || code === undefined) {
      failures.push({
        kind: 'retry',
        offline: false,
        message: `Entry ${index} of the transaction-response has no status`,
      });
      return;
    }
    if (code >= 400) {
      const outcome = outcomeForStatus(code, parseOperationOutcome(entry.response?.outcome));
      failures.push(
        outcome.kind === 'park'
          ? { ...outcome, text: `${item.resourceType} ${item.identifier}: ${outcome.text}` }
          : outcome,
      );
      return;
    }
    const record = recordOf(item, entry);
    if (record === undefined)
      failures.push({ kind: 'retry', offline: false, message: `Entry ${index} has no resource id` });
    else receipt[item.identifier] = record;
  });
  const rank = (outcome: PushOutcome): number => ({ pause: 3, park: 2, retry: 1, sent: 0 })[outcome.kind];
  const worst = failures.sort((a, b) => rank(b) - rank(a))[0];
  return worst ?? { kind: 'sent', receipt };
}
