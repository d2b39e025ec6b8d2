import { afterEach, describe, expect, it } from 'vitest';
import {
  FhirClient,
  FhirHttpError,
  RateLimitedError,
  type FhirClientEvent,
} from '../../../../sync/fhir-client/index';
import { backoffDelay, defaultRetryPolicy, parseRetryAfter } from '../../../../sync/fhir-client/retry';
import {
  noAuth,
  operationOutcome,
  recordingSleep,
  seededRandom,
  sendJson,
  startServer,
  type Handler,
  type TestServer,
} from './support';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const patient = { resourceType: 'Patient', id: 'p1' };

/** A server whose n-th request (0-based) is answered by `answers[n]`, the last one repeating. */
async function scripted(answers: readonly Handler[]): Promise<TestServer> {
  let count = 0;
  server = await startServer((request, response) => {
    const answer = answers[Math.min(count, answers.length - 1)];
    count += 1;
    return answer?.(request, response);
  });
  return server;
}

function clientFor(target: TestServer, extra: Partial<ConstructorParameters<typeof FhirClient>[0]> = {}) {
  const { sleep, delays } = recordingSleep();
  const events: FhirClientEvent[] = [];
  const client = new FhirClient({
    baseUrl: target.baseUrl,
    auth: noAuth,
    sleep,
    random: seededRandom(42),
    onEvent: (event) => events.push(event),
    ...extra,
  });
  return { client, delays, events };
}

const status =
  (code: number, headers: Record<string, string> = {}): Handler =>
  (_request, response) => {
    sendJson(response, code, operationOutcome('transient', `status ${code}`), headers);
  };
const ok: Handler = (_request, response) => {
  sendJson(response, 200, patient);
};

describe('FhirClient retries', () => {
  it('rides out a 503 storm with full-jitter exponential backoff, then returns the resource', async () => {
    const target = await scripted([status(503), status(503), status(503), status(503), ok]);
    const { client, delays, events } = clientFor(target);

    const response = await client.getJson('Patient/p1');

    expect(response.body).toEqual(patient);
    expect(target.requests).toHaveLength(5);
    const expectedRandom = seededRandom(42);
    const expected = [1, 2, 3, 4].map((attempt) => backoffDelay(attempt, defaultRetryPolicy, expectedRandom));
    expect(delays).toEqual(expected);
    delays.forEach((delay, index) => {
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(500 * 2 ** index);
    });
    expect(events.filter((event) => event.type === 'retrying')).toEqual(
      expected.map((delayMs, index) => ({
        type: 'retrying',
        attempt: index + 1,
        delayMs,
        reason: 'unavailable',
        url: `${target.baseUrl}/Patient/p1`,
      })),
    );
  });

  it('honours a 429 Retry-After given in seconds', async () => {
    const target = await scripted([status(429, { 'retry-after': '7' }), ok]);
    const { client, delays, events } = clientFor(target);

    await client.getJson('Patient/p1');

    expect(delays).toEqual([7000]);
    expect(events[0]).toMatchObject({ type: 'retrying', reason: 'rate-limited', delayMs: 7000 });
  });

  it('honours a 429 Retry-After given as an HTTP-date', async () => {
    const now = Date.parse('2025-03-01T10:00:00Z');
    const later = new Date(now + 12_000).toUTCString();
    const target = await scripted([status(429, { 'retry-after': later }), ok]);
    const { client, delays } = clientFor(target, { now: () => now });

    await client.getJson('Patient/p1');

    expect(delays).toEqual([12_000]);
  });

  it('caps a Retry-After longer than maxDelayMs at maxDelayMs', async () => {
    const target = await scripted([status(503, { 'retry-after': '120' }), ok]);
    const { client, delays } = clientFor(target);

    await client.getJson('Patient/p1');

    expect(delays).toEqual([30_000]);
  });

  it('gives up at once with RateLimitedError when Retry-After exceeds the 5-minute hard cap', async () => {
    const target = await scripted([status(429, { 'retry-after': '3600' })]);
    const { client, delays } = clientFor(target);

    const error = await client.getJson('Patient/p1').catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterMs).toBe(3_600_000);
    expect(target.requests).toHaveLength(1);
    expect(delays).toEqual([]);
  });

  it('gives up after maxAttempts with RateLimitedError for 429 and FhirHttpError for 503', async () => {
    const limited = await scripted([status(429, { 'retry-after': '1' })]);
    const first = clientFor(limited, { retry: { maxAttempts: 3 } });
    const rateError = await first.client.getJson('Patient/p1').catch((caught: unknown) => caught);
    expect(rateError).toBeInstanceOf(RateLimitedError);
    expect(limited.requests).toHaveLength(3);
    expect(first.delays).toEqual([1000, 1000]);
    await limited.close();

    const unavailable = await scripted([status(503)]);
    const second = clientFor(unavailable);
    const httpError = await second.client.getJson('Patient/p1').catch((caught: unknown) => caught);
    expect(httpError).toBeInstanceOf(FhirHttpError);
    expect((httpError as FhirHttpError).status).toBe(503);
    expect((httpError as FhirHttpError).outcome?.issue[0]?.diagnostics).toBe('status 503');
    expect(unavailable.requests).toHaveLength(6);
    expect(second.delays).toHaveLength(5);
  });

  it('retries 500, 502 and 504 on a GET', async () => {
    const target = await scripted([status(500), status(502), status(504), ok]);
    const { client, events } = clientFor(target);

    await client.getJson('Patient/p1');

    expect(events.map((event) => (event.type === 'retrying' ? event.reason : event.type))).toEqual([
      'server-error',
      'server-error',
      'server-error',
    ]);
  });

  it('does not retry other 4xx, and carries the OperationOutcome', async () => {
    const target = await scripted([
      (_request, response) => {
        sendJson(response, 404, operationOutcome('not-found', 'Patient/p9 is not known'));
      },
    ]);
    const { client, delays } = clientFor(target);

    const error = await client.getJson('Patient/p9').catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(FhirHttpError);
    expect((error as FhirHttpError).status).toBe(404);
    expect((error as FhirHttpError).url).toBe(`${target.baseUrl}/Patient/p9`);
    expect((error as FhirHttpError).outcome?.issue[0]?.code).toBe('not-found');
    expect(target.requests).toHaveLength(1);
    expect(delays).toEqual([]);
  });

  it('never repeats a plain POST after a 503, so nothing is created twice', async () => {
    const target = await scripted([status(503), ok]);
    const { client } = clientFor(target);

    await expect(
      client.request('POST', 'Encounter', { body: { resourceType: 'Encounter' } }),
    ).rejects.toBeInstanceOf(FhirHttpError);
    expect(target.requests).toHaveLength(1);
  });

  it('repeats a POST marked retryable, and any POST refused with 429', async () => {
    const target = await scripted([status(503), status(429, { 'retry-after': '1' }), ok]);
    const { client } = clientFor(target);

    const response = await client.request('POST', 'Encounter', {
      body: { resourceType: 'Encounter' },
      retryable: true,
    });

    expect(response.status).toBe(200);
    expect(target.requests.map((request) => request.method)).toEqual(['POST', 'POST', 'POST']);
    expect(target.requests[0]?.headers['content-type']).toBe('application/fhir+json');
    expect(JSON.parse(target.requests[2]?.body ?? '')).toEqual({ resourceType: 'Encounter' });
  });
});

describe('Retry-After parsing and backoff', () => {
  it('reads delay-seconds and HTTP-dates, and ignores garbage', () => {
    const now = Date.parse('2025-03-01T10:00:00Z');
    expect(parseRetryAfter('0', now)).toBe(0);
    expect(parseRetryAfter(' 30 ', now)).toBe(30_000);
    expect(parseRetryAfter('Sat, 01 Mar 2025 10:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Sat, 01 Mar 2025 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it('never waits longer than maxDelayMs however many attempts have failed', () => {
    const alwaysTop = () => 0.999999;
    expect(backoffDelay(1, defaultRetryPolicy, alwaysTop)).toBeLessThan(500);
    expect(backoffDelay(20, defaultRetryPolicy, alwaysTop)).toBeLessThan(30_000);
    expect(backoffDelay(20, defaultRetryPolicy, alwaysTop)).toBeGreaterThan(29_000);
  });
});
