// The FHIR client of the sync engine: one instance per server, platform-neutral (fetch injected), with bounded
// concurrency, timeouts, retries, auth and size limits applied to every read, page, write, export and file.
import type { Auth } from '../provisioning-profile';
import { createAuthorizer } from './auth';
import {
  cancelExport,
  runBulkExport,
  type BulkExportHost,
  type BulkExportInit,
  type BulkExportKickoff,
  type ExportManifest,
  type JsonResponse,
} from './bulk-export';
import { nextLink, parseBundle, type ValidatedBundle } from './bundle';
import { parseCapabilityStatement, type ServerCapabilities } from './capabilities';
import { InvalidResponseError } from './errors';
import type { FhirClientEvent } from './events';
import { defaultMaxLineBytes, ndjsonLines, type NdjsonLine } from './ndjson';
import { bodyChunks, cancelQuietly, parseJsonBody, readBodyLimited } from './read-body';
import {
  abortableSleep,
  defaultRetryPolicy,
  raceAbort,
  type AttemptFailure,
  type RetryPolicy,
} from './retry';
import { Semaphore } from './semaphore';
import { Transport, type HttpMethod, type RequestSpec } from './transport';
import { isSameOrigin, normaliseBaseUrl, parseUrl, resolveRequestUrl } from './urls';

export interface FhirClientOptions {
  /** The FHIR base URL (a trailing slash is dropped). */
  readonly baseUrl: string;
  readonly auth: Auth;
  readonly fetch?: typeof fetch;
  /** Requests in flight to this server at once; default 4. */
  readonly maxConcurrency?: number;
  /** Per attempt, covering headers and body; for streamed files, the longest wait for the next chunk. Default 30 s. */
  readonly timeoutMs?: number;
  /** Defaults: 6 attempts, 500 ms base delay, 30 s max delay, give up when Retry-After exceeds 5 min. */
  readonly retry?: {
    readonly maxAttempts?: number;
    readonly baseDelayMs?: number;
    readonly maxDelayMs?: number;
    readonly maxRetryAfterMs?: number;
  };
  /** A bigger JSON response is refused with ResponseTooLargeError; default 25 MiB. */
  readonly maxResponseBytes?: number;
  /** Source of jitter, in [0, 1). */
  readonly random?: () => number;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Clock, for Retry-After dates and token expiry. */
  readonly now?: () => number;
  readonly onEvent?: (event: FhirClientEvent) => void;
}

export interface GetInit {
  readonly signal?: AbortSignal;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface WriteInit extends GetInit {
  /** The request body, sent as application/fhir+json. */
  readonly body?: unknown;
  /** Declares a POST safe to repeat (e.g. a conditional create); PUT and DELETE always are. */
  readonly retryable?: boolean;
}

export interface NdjsonInit {
  readonly signal?: AbortSignal;
  readonly maxLineBytes?: number;
  /** From the export manifest; when false the file is fetched without our token (and may be on another origin). */
  readonly requiresAccessToken?: boolean;
}

export interface BundlePage {
  readonly bundle: ValidatedBundle;
  readonly bytes: number;
  readonly url: string;
}

/**
 * A client for one FHIR R4 server.
 * @see https://hl7.org/fhir/R4/http.html
 */
export class FhirClient {
  readonly baseUrl: string;
  private readonly transport: Transport;
  private readonly exportHost: BulkExportHost;
  private capabilitiesRequest: Promise<ServerCapabilities> | undefined;

  constructor(options: FhirClientOptions) {
    this.baseUrl = normaliseBaseUrl(options.baseUrl);
    const policy: RetryPolicy = {
      maxAttempts: positive(options.retry?.maxAttempts, defaultRetryPolicy.maxAttempts, 'retry.maxAttempts'),
      baseDelayMs: positive(options.retry?.baseDelayMs, defaultRetryPolicy.baseDelayMs, 'retry.baseDelayMs'),
      maxDelayMs: positive(options.retry?.maxDelayMs, defaultRetryPolicy.maxDelayMs, 'retry.maxDelayMs'),
      maxRetryAfterMs: positive(
        options.retry?.maxRetryAfterMs,
        defaultRetryPolicy.maxRetryAfterMs,
        'retry.maxRetryAfterMs',
      ),
    };
    const onEvent = options.onEvent ?? (() => undefined);
    const now = options.now ?? (() => Date.now());
    const sleep = options.sleep ?? abortableSleep;
    this.transport = new Transport({
      fetch: options.fetch ?? ((input, init) => fetch(input, init)),
      semaphore: new Semaphore(positive(options.maxConcurrency, 4, 'maxConcurrency')),
      timeoutMs: positive(options.timeoutMs, 30_000, 'timeoutMs'),
      maxResponseBytes: positive(options.maxResponseBytes, 25 * 1024 * 1024, 'maxResponseBytes'),
      policy,
      random: options.random ?? Math.random,
      sleep,
      now,
      onEvent,
    });
    this.transport.useAuthorizer(
      createAuthorizer(options.auth, {
        post: (url, form) => this.postTokenRequest(url, form),
        now,
        onTokenRefreshed: () => {
          onEvent({ type: 'token-refreshed' });
        },
      }),
    );
    this.exportHost = {
      baseUrl: this.baseUrl,
      exchange: (method, url, { headers, body, signal, singleAttempt }) =>
        this.exchange(
          {
            method,
            url,
            headers,
            ...(body === undefined ? {} : { body: JSON.stringify(body) }),
            idempotent: true,
            authenticate: true,
          },
          signal,
          singleAttempt,
        ),
      policy,
      now,
      sleep,
      onEvent,
    };
  }

  /**
   * The server's capabilities from `GET [base]/metadata`, fetched once and cached (a failure is not cached).
   * @see https://hl7.org/fhir/R4/http.html#capabilities
   */
  capabilities(signal?: AbortSignal): Promise<ServerCapabilities> {
    // Shared by all callers, so it runs without any one caller's signal; each caller may still stop waiting.
    this.capabilitiesRequest ??= this.getJson('metadata')
      .then((response) => parseCapabilityStatement(response.body, `${this.baseUrl}/metadata`))
      .catch((error: unknown) => {
        this.capabilitiesRequest = undefined;
        throw error;
      });
    return raceAbort(this.capabilitiesRequest, signal);
  }

  /**
   * `GET` a JSON resource or Bundle (a path relative to the base URL, or an absolute URL on the same origin).
   * @see https://hl7.org/fhir/R4/http.html#read
   */
  getJson(pathOrUrl: string, init: GetInit = {}): Promise<JsonResponse> {
    const url = resolveRequestUrl(this.baseUrl, pathOrUrl);
    return this.exchange(
      { method: 'GET', url, headers: init.headers, idempotent: true, authenticate: true },
      init.signal,
    );
  }

  /**
   * `GET` a Bundle (search, history, operation result) and check its structure.
   * @see https://hl7.org/fhir/R4/bundle.html
   */
  async getBundle(
    pathOrUrl: string,
    init: GetInit = {},
  ): Promise<{ bundle: ValidatedBundle; bytes: number }> {
    const url = resolveRequestUrl(this.baseUrl, pathOrUrl);
    const response = await this.getJson(url, init);
    return { bundle: parseBundle(response.body, url), bytes: response.bytes };
  }

  /**
   * Every page of a search or history, following `next` links; refuses a link to another origin or back
   * to a page already read.
   * @see https://hl7.org/fhir/R4/search.html#paging
   * @see https://hl7.org/fhir/R4/http.html#history
   */
  async *pages(pathOrUrl: string, init: GetInit = {}): AsyncGenerator<BundlePage> {
    let url = resolveRequestUrl(this.baseUrl, pathOrUrl);
    const visited = new Set<string>([url]);
    for (;;) {
      const { bundle, bytes } = await this.getBundle(url, init);
      yield { bundle, bytes, url };
      const next = nextLink(bundle);
      if (next === undefined) return;
      const resolved = parseUrl(next, url);
      if (resolved === undefined) throw new InvalidResponseError(url, 'next link is not a URL');
      if (!isSameOrigin(resolved.href, this.baseUrl)) {
        throw new InvalidResponseError(url, `next link points to another origin (${resolved.origin})`);
      }
      if (visited.has(resolved.href))
        throw new InvalidResponseError(url, 'next link points back to a page already read');
      visited.add(resolved.href);
      url = resolved.href;
    }
  }

  /**
   * Any interaction, chiefly writes from the outbox. A POST is retried only after a 429, unless `retryable`.
   * @see https://hl7.org/fhir/R4/http.html#create
   * @see https://hl7.org/fhir/R4/http.html#update
   */
  request(method: HttpMethod, pathOrUrl: string, init: WriteInit = {}): Promise<JsonResponse> {
    const url = resolveRequestUrl(this.baseUrl, pathOrUrl);
    return this.exchange(
      {
        method,
        url,
        headers: init.headers,
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
        idempotent: method !== 'POST' || init.retryable === true,
        authenticate: true,
      },
      init.signal,
    );
  }

  /**
   * Streams a Bulk Data NDJSON file line by line. If the connection drops mid-file the download restarts
   * (export files do not change) and the lines already delivered are skipped, so none is delivered twice.
   * The concurrency permit is held while the caller iterates; break out of the loop to release it.
   * @see https://hl7.org/fhir/uv/bulkdata/export.html#file-request
   */
  async *streamNdjson(url: string, init: NdjsonInit = {}): AsyncGenerator<NdjsonLine> {
    const authenticate = init.requiresAccessToken !== false;
    const target = authenticate ? resolveRequestUrl(this.baseUrl, url) : parseUrl(url)?.href;
    if (target === undefined) throw new TypeError(`not a URL: ${url}`);
    const spec: RequestSpec = {
      method: 'GET',
      url: target,
      headers: { accept: 'application/fhir+ndjson' },
      idempotent: true,
      authenticate,
    };
    const { signal } = init;
    const maxLineBytes = init.maxLineBytes ?? defaultMaxLineBytes;
    const loop = this.transport.retryLoop(target);
    let delivered = 0;
    for (;;) {
      const { response, attempt } = await this.transport.open(spec, signal, loop);
      let failure: AttemptFailure;
      try {
        attempt.disarm();
        if (response.body === null) return;
        const lines = ndjsonLines(bodyChunks(response.body, attempt), {
          maxLineBytes,
          skipThrough: delivered,
        });
        for await (const line of lines) {
          delivered = line.line;
          yield line;
        }
        return;
      } catch (error) {
        failure = attempt.classify(error, true);
      } finally {
        void cancelQuietly(response.body);
        attempt.finish();
      }
      await loop.afterFailure(failure, signal);
    }
  }

  /**
   * Runs a Bulk Data export (kick-off, polling, manifest); on abort the export is cancelled on the server.
   * @see https://hl7.org/fhir/uv/bulkdata/export.html
   */
  bulkExport(kickoff: BulkExportKickoff, init: BulkExportInit = {}): Promise<ExportManifest> {
    return runBulkExport(this.exportHost, kickoff, init);
  }

  /**
   * Tells the server the export's files are no longer needed (or cancels it), in one attempt.
   * @see https://hl7.org/fhir/uv/bulkdata/export.html#bulk-data-delete-request
   */
  deleteExport(statusUrl: string): Promise<void> {
    return cancelExport(this.exportHost, resolveRequestUrl(this.baseUrl, statusUrl));
  }

  private exchange(
    spec: RequestSpec,
    signal: AbortSignal | undefined,
    singleAttempt?: boolean,
  ): Promise<JsonResponse> {
    const loop = this.transport.retryLoop(spec.url, { singleAttempt: singleAttempt === true });
    return this.transport.run(
      spec,
      signal,
      async (opened) => {
        const { body, bytes } = await this.transport.readJson(opened, spec.url);
        return { status: opened.response.status, body, bytes, headers: opened.response.headers };
      },
      loop,
    );
  }

  /** The SMART token request: safe to repeat, sent without a token, OAuth errors (4xx) handed back to auth. */
  private postTokenRequest(url: string, form: URLSearchParams): Promise<{ status: number; body: unknown }> {
    const spec: RequestSpec = {
      method: 'POST',
      url,
      headers: { accept: 'application/json' },
      body: form,
      idempotent: true,
      authenticate: false,
      passStatus: (status) => status >= 400 && status < 500 && status !== 429,
    };
    return this.transport.run(spec, undefined, async ({ response }) => {
      const bytes = await readBodyLimited(response, url, 1024 * 1024);
      if (response.ok) return { status: response.status, body: parseJsonBody(bytes, url) };
      let body: unknown;
      try {
        body = parseJsonBody(bytes, url);
      } catch (error) {
        if (!(error instanceof InvalidResponseError)) throw error;
      }
      return { status: response.status, body };
    });
  }
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number`);
  return value;
}
