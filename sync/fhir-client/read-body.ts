// Reading response bodies as streams: counting bytes against a limit (never buffering an oversized body),
// decoding UTF-8 strictly and parsing JSON defensively.
import { InvalidResponseError, ResponseTooLargeError } from './errors';
import { joinBytes } from '../bytes';

/** Starts and stops the idle timer around each read of a streamed body. */
export interface ReadTimer {
  arm(): void;
  disarm(): void;
  /** Aborts on timeout or caller abort; a pending read is abandoned at once when it fires. */
  readonly signal: AbortSignal;
}

/**
 * Settles with the read, or rejects as soon as the signal aborts. fetch implementations do not always
 * reject a pending body read when their request is aborted mid-body; waiting on one would hang the pull.
 */
function abortable<T>(read: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted)
    return Promise.reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => {
      reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    read.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/**
 * Reads the whole body, refusing it with ResponseTooLargeError as soon as it passes `limit` bytes
 * (or at once when Content-Length says it will), so at most `limit` bytes are ever held.
 */
export async function readBodyLimited(response: Response, url: string, limit: number): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > limit) {
    await cancelQuietly(response.body);
    throw new ResponseTooLargeError(url, limit);
  }
  if (response.body === null) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > limit) {
        chunks.length = 0;
        await reader.cancel().catch(() => undefined);
        throw new ResponseTooLargeError(url, limit);
      }
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  return concatBytes(chunks, total);
}

/** Yields the body's chunks, arming the timer only while waiting for the next one (not while the caller works). */
export async function* bodyChunks(
  body: ReadableStream<Uint8Array>,
  timer: ReadTimer,
): AsyncGenerator<Uint8Array> {
  const reader = body.getReader();
  let finished = false;
  try {
    for (;;) {
      timer.arm();
      const { done, value } = await abortable(reader.read(), timer.signal);
      timer.disarm();
      if (done) {
        finished = true;
        return;
      }
      yield value;
    }
  } finally {
    timer.disarm();
    // Stopping early (the caller broke out, or an error): close the connection rather than drain it.
    // Not awaited: after an abort the cancel itself may never settle.
    if (!finished) void reader.cancel().catch(() => undefined);
    try {
      reader.releaseLock();
    } catch {
      // A read still pending after an abort keeps the lock in older stream implementations; the stream is cancelled anyway.
    }
  }
}

/** Concatenates chunks into one array (returning the only chunk as is). */
export function concatBytes(chunks: readonly Uint8Array[], total?: number): Uint8Array {
  if (chunks.length === 1 && chunks[0] !== undefined) return chunks[0];
  return joinBytes(chunks, total);
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Parses a JSON body; an empty body is `undefined`. Invalid UTF-8 or JSON throws InvalidResponseError.
 * JSON.parse makes `__proto__`, `constructor` and `prototype` ordinary own properties, so parsing cannot
 * pollute prototypes; callers must not Object.assign or deep-merge parsed resources into other objects.
 * @see https://hl7.org/fhir/R4/json.html
 */
export function parseJsonBody(bytes: Uint8Array, url: string): unknown {
  const text = decodeUtf8(bytes, url);
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // Not the parser's message: it quotes the body, which may hold patient data, into logs.
    throw new InvalidResponseError(url, 'body is not JSON');
  }
}

/** Strict UTF-8 decoding (a leading byte-order mark is dropped). */
export function decodeUtf8(bytes: Uint8Array, url: string): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    throw new InvalidResponseError(url, 'body is not valid UTF-8');
  }
}

/** True for a JSON object (not an array, not null). */
export function isJsonObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Cancels a body we will not read so the connection is freed; errors doing so are irrelevant. */
export async function cancelQuietly(body: ReadableStream<Uint8Array> | null): Promise<void> {
  if (body === null || body.locked) return;
  await body.cancel().catch(() => undefined);
}
