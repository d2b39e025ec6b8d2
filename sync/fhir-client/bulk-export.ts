// FHIR Bulk Data export, client side: kick-off with `Prefer: respond-async`, polling the status URL as the
// server asks (Retry-After, X-Progress), the completion manifest validated, and DELETE when abandoned.
import { z } from '../zod';
import { InvalidResponseError } from './errors';
import type { FhirClientEvent } from './events';
import { abortReason, parseRetryAfter, type RetryPolicy } from './retry';
import { isSameOrigin, parseUrl } from './urls';

/** A response with any 2xx status: `body` is parsed JSON, or undefined when the body was empty. */
export interface JsonResponse {
  readonly status: number;
  readonly body: unknown;
  readonly bytes: number;
  readonly headers: Headers;
}

export interface ExportFile {
  readonly type: string;
  readonly url: string;
  readonly count?: number;
}

/** The completion manifest, plus the status URL to DELETE once the files have been downloaded. */
export interface ExportManifest {
  readonly transactionTime: string;
  readonly request: string;
  /** When true the files must be fetched with the access token (only ever sent to the FHIR server's origin). */
  readonly requiresAccessToken: boolean;
  readonly output: readonly ExportFile[];
  /** Bulk Data 2.0: resources deleted since `_since`, as Bundles of DELETE entries. */
  readonly deleted: readonly ExportFile[];
  /** OperationOutcome files describing resources the server could not export. */
  readonly error: readonly ExportFile[];
  readonly statusUrl: string;
}

export interface BulkExportKickoff {
  /** Relative to the base URL, e.g. `Patient/$export` or `Group/abc/$export`. */
  readonly path: string;
  readonly params: URLSearchParams;
  /**
   * A `Parameters` resource: when given, the kick-off is a POST carrying it (the form for long `_typeFilter`s).
   * Like the GET form it may be retried; at worst the server holds an orphan job until it expires.
   */
  readonly body?: unknown;
}

export interface BulkExportInit {
  readonly signal?: AbortSignal;
  /** Called after each "in progress" poll with the server's X-Progress text. */
  readonly onProgress?: (progress: string | undefined) => void;
}

/** What the export needs from the client: one exchange that hands back 202s rather than treating them as done. */
export interface BulkExportHost {
  readonly baseUrl: string;
  exchange(
    method: 'GET' | 'POST' | 'DELETE',
    url: string,
    options: {
      readonly headers: Readonly<Record<string, string>>;
      readonly body?: unknown;
      readonly signal?: AbortSignal;
      readonly singleAttempt?: boolean;
    },
  ): Promise<JsonResponse>;
  readonly policy: RetryPolicy;
  readonly now: () => number;
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly onEvent: (event: FhirClientEvent) => void;
}

const absoluteUrl = z.string().refine((value) => parseUrl(value) !== undefined, 'must be an absolute URL');
const file = z.object({
  type: z.string().min(1),
  url: absoluteUrl,
  count: z.number().int().nonnegative().optional(),
});
const manifestSchema = z.object({
  transactionTime: z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'must be an instant'),
  request: z.string(),
  requiresAccessToken: z.boolean(),
  output: z.array(file),
  deleted: z.array(file).default([]),
  error: z.array(file).default([]),
});

/**
 * Runs a Bulk Data export to completion and returns its manifest. If the signal aborts after kick-off, the
 * export is cancelled on the server (DELETE on the status URL) before the abort is rethrown.
 * @see https://hl7.org/fhir/uv/bulkdata/export.html
 */
export async function runBulkExport(
  host: BulkExportHost,
  kickoff: BulkExportKickoff,
  init: BulkExportInit = {},
): Promise<ExportManifest> {
  const { signal } = init;
  const query = kickoff.params.toString();
  const kickoffUrl = `${host.baseUrl}/${kickoff.path.replace(/^\/+/, '')}${query === '' ? '' : `?${query}`}`;
  const started = await host.exchange(kickoff.body === undefined ? 'GET' : 'POST', kickoffUrl, {
    headers: { accept: 'application/fhir+json', prefer: 'respond-async' },
    ...(kickoff.body === undefined ? {} : { body: kickoff.body }),
    ...(signal === undefined ? {} : { signal }),
  });
  if (started.status !== 202) {
    throw new InvalidResponseError(
      kickoffUrl,
      `export kick-off answered ${started.status}, not 202 Accepted`,
    );
  }
  const statusUrl = statusUrlOf(started.headers.get('content-location'), kickoffUrl, host.baseUrl);
  try {
    return await poll(host, statusUrl, init);
  } catch (error) {
    if (signal?.aborted === true) {
      await cancelExport(host, statusUrl);
      throw abortReason(signal);
    }
    throw error;
  }
}

/**
 * Asks the server to cancel an export or delete its files (`DELETE` on the status URL), in one attempt;
 * a failure is reported as an event since the server expires exports on its own.
 * @see https://hl7.org/fhir/uv/bulkdata/export.html#bulk-data-delete-request
 */
export async function cancelExport(host: BulkExportHost, statusUrl: string): Promise<void> {
  try {
    await host.exchange('DELETE', statusUrl, { headers: {}, singleAttempt: true });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    host.onEvent({ type: 'bulk-export-cancel-failed', url: statusUrl, message });
  }
}

/**
 * Validates a completion manifest.
 * @see https://hl7.org/fhir/uv/bulkdata/export.html#response---complete-status
 */
export function parseExportManifest(value: unknown, statusUrl: string): ExportManifest {
  const parsed = manifestSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue === undefined ? '' : ` at ${issue.path.join('.') || '(root)'}: ${issue.message}`;
    throw new InvalidResponseError(statusUrl, `not a valid export manifest${where}`);
  }
  return { ...parsed.data, statusUrl };
}

/** @see https://hl7.org/fhir/uv/bulkdata/export.html#bulk-data-status-request */
async function poll(host: BulkExportHost, statusUrl: string, init: BulkExportInit): Promise<ExportManifest> {
  const { signal } = init;
  const { policy } = host;
  for (let polls = 0; ; polls += 1) {
    const response = await host.exchange('GET', statusUrl, {
      headers: { accept: 'application/json' },
      ...(signal === undefined ? {} : { signal }),
    });
    if (response.status === 200) return parseExportManifest(response.body, statusUrl);
    if (response.status !== 202) {
      throw new InvalidResponseError(statusUrl, `export status answered ${response.status}, not 200 or 202`);
    }
    const progress = response.headers.get('x-progress') ?? undefined;
    init.onProgress?.(progress);
    // The spec asks clients to honour Retry-After, else to back off exponentially; both are capped.
    const retryAfter = parseRetryAfter(response.headers.get('retry-after'), host.now());
    const nextPollMs =
      retryAfter === undefined
        ? Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** polls)
        : Math.min(retryAfter, policy.maxRetryAfterMs);
    host.onEvent({ type: 'bulk-export-pending', url: statusUrl, progress, nextPollMs });
    await host.sleep(nextPollMs, signal);
    if (signal?.aborted === true) throw abortReason(signal);
  }
}

/** The status URL from Content-Location; it must be on the FHIR server's origin, as we poll it with our token. */
function statusUrlOf(location: string | null, kickoffUrl: string, baseUrl: string): string {
  if (location === null || location.trim() === '') {
    throw new InvalidResponseError(kickoffUrl, 'export kick-off gave no Content-Location status URL');
  }
  const url = parseUrl(location.trim(), kickoffUrl);
  if (url === undefined || !isSameOrigin(url.href, baseUrl)) {
    throw new InvalidResponseError(kickoffUrl, 'export status URL is not on the FHIR server');
  }
  return url.href;
}
