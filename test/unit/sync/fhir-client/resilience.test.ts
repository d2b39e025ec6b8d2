import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import {
  FhirClient,
  InvalidResponseError,
  NetworkError,
  ResponseTooLargeError,
  TimeoutError,
  type FhirClientEvent,
} from '../../../../sync/fhir-client/index';
import { noAuth, recordingSleep, sendJson, startServer, type TestServer } from './support';

let servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((server) => server.close()));
  servers = [];
});

async function serve(handler: Parameters<typeof startServer>[0]): Promise<TestServer> {
  const server = await startServer(handler);
  servers.push(server);
  return server;
}

const bundle = {
  resourceType: 'Bundle',
  type: 'searchset',
  entry: [{ resource: { resourceType: 'Patient', id: 'p1' } }],
};

/** Writes `total` bytes of JSON-ish filler in 64 KiB chunks, respecting backpressure; resolves with bytes written. */
async function writeFiller(response: ServerResponse, total: number): Promise<number> {
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  let written = 0;
  while (written < total && !response.destroyed) {
    const ok = response.write(chunk);
    written += chunk.byteLength;
    if (!ok) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          response.off('drain', done);
          response.off('close', done);
          resolve();
        };
        response.on('drain', done);
        response.on('close', done);
      });
    }
  }
  if (!response.destroyed) response.end();
  return written;
}

describe('FhirClient under faults', () => {
  it('never has more than maxConcurrency requests in flight at the server', async () => {
    let inFlight = 0;
    let peak = 0;
    const server = await serve(async (_request, response) => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 20));
      inFlight -= 1;
      sendJson(response, 200, bundle);
    });
    const client = new FhirClient({ baseUrl: server.baseUrl, auth: noAuth, maxConcurrency: 3 });

    await Promise.all(Array.from({ length: 15 }, (_, index) => client.getJson(`Patient?page=${index}`)));

    expect(server.requests).toHaveLength(15);
    expect(peak).toBe(3);
  });

  it('times out a server that never answers, retries, then throws TimeoutError', async () => {
    const server = await serve(() => {
      // Never answers.
    });
    const { sleep } = recordingSleep();
    const events: FhirClientEvent[] = [];
    const client = new FhirClient({
      baseUrl: server.baseUrl,
      auth: noAuth,
      timeoutMs: 100,
      retry: { maxAttempts: 2 },
      sleep,
      onEvent: (event) => events.push(event),
    });

    const started = Date.now();
    const error = await client.getJson('metadata').catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).timeoutMs).toBe(100);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(server.requests).toHaveLength(2);
    expect(events).toMatchObject([{ type: 'retrying', reason: 'timeout', attempt: 1 }]);
  });

  it('counts the body read in the timeout: headers then a stalled body still time out', async () => {
    const server = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/fhir+json', 'content-length': '1000' });
      response.write('{"resourceType":"Bundle",');
    });
    const client = new FhirClient({
      baseUrl: server.baseUrl,
      auth: noAuth,
      timeoutMs: 150,
      retry: { maxAttempts: 1 },
    });

    await expect(client.getJson('Patient')).rejects.toBeInstanceOf(TimeoutError);
  });

  it('retries when the connection drops half-way through the body', async () => {
    const text = JSON.stringify(bundle);
    let count = 0;
    const server = await serve((_request, response) => {
      count += 1;
      response.writeHead(200, {
        'content-type': 'application/fhir+json',
        'content-length': String(text.length),
      });
      if (count === 1) {
        response.write(text.slice(0, text.length / 2), () => response.socket?.destroy());
      } else {
        response.end(text);
      }
    });
    const { sleep, delays } = recordingSleep();
    const events: FhirClientEvent[] = [];
    const client = new FhirClient({
      baseUrl: server.baseUrl,
      auth: noAuth,
      sleep,
      onEvent: (event) => events.push(event),
    });

    const response = await client.getJson('Patient');

    expect(response.body).toEqual(bundle);
    expect(server.requests).toHaveLength(2);
    expect(delays).toHaveLength(1);
    expect(events).toMatchObject([{ type: 'retrying', reason: 'network' }]);
  });

  it('throws NetworkError once the attempts are used up against a refused connection', async () => {
    const server = await serve(() => undefined);
    const baseUrl = server.baseUrl;
    await server.close();
    servers = [];
    const client = new FhirClient({
      baseUrl,
      auth: noAuth,
      sleep: recordingSleep().sleep,
      retry: { maxAttempts: 3 },
    });

    await expect(client.getJson('metadata')).rejects.toBeInstanceOf(NetworkError);
  });

  it('refuses a 30 MB response with ResponseTooLargeError, reading no more than the 25 MiB limit', async () => {
    const server = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/fhir+json' }); // chunked: no Content-Length
      void writeFiller(response, 30 * 1024 * 1024);
    });
    const body = { pulled: 0, cancelled: false };
    // Wraps fetch to count the bytes the client actually pulls out of the body.
    const countingFetch: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      const source = response.body?.getReader();
      if (source === undefined) return response;
      const counted = new ReadableStream<Uint8Array>({
        async pull(controller) {
          const { done, value } = await source.read();
          if (done) controller.close();
          else {
            body.pulled += value.byteLength;
            controller.enqueue(value);
          }
        },
        async cancel(reason) {
          body.cancelled = true;
          await source.cancel(reason);
        },
      });
      return new Response(counted, { status: response.status, headers: response.headers });
    };
    const client = new FhirClient({
      baseUrl: server.baseUrl,
      auth: noAuth,
      fetch: countingFetch,
      sleep: recordingSleep().sleep,
    });

    const error = await client.getJson('Patient?_count=100000').catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ResponseTooLargeError);
    expect((error as ResponseTooLargeError).limit).toBe(25 * 1024 * 1024);
    expect((error as ResponseTooLargeError).url).toBe(`${server.baseUrl}/Patient?_count=100000`);
    expect(server.requests).toHaveLength(1); // not retried
    // Stopped reading just past the limit (one chunk over at most) and hung up: the 30 MB were never held.
    expect(body.pulled).toBeGreaterThan(25 * 1024 * 1024);
    expect(body.pulled).toBeLessThan(25 * 1024 * 1024 + 1024 * 1024);
    expect(body.cancelled).toBe(true);
  });

  it('refuses at once a response whose Content-Length is over the limit', async () => {
    const server = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/fhir+json', 'content-length': String(2048) });
      response.end(' '.repeat(2048));
    });
    const client = new FhirClient({ baseUrl: server.baseUrl, auth: noAuth, maxResponseBytes: 1024 });

    await expect(client.getJson('Patient')).rejects.toBeInstanceOf(ResponseTooLargeError);
  });

  it('reports a body that is not JSON as InvalidResponseError without quoting it', async () => {
    const server = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end('<html>Siân Jones, NHS 943 476 5919</html>');
    });
    const client = new FhirClient({ baseUrl: server.baseUrl, auth: noAuth });

    const error = await client.getJson('Patient').catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(InvalidResponseError);
    expect((error as InvalidResponseError).reason).toBe('body is not JSON');
    expect((error as Error).message).not.toContain('943');
    expect(server.requests).toHaveLength(1);
  });

  it('stops at once, without retrying, when the caller aborts', async () => {
    const server = await serve(() => undefined);
    const client = new FhirClient({ baseUrl: server.baseUrl, auth: noAuth, sleep: recordingSleep().sleep });
    const controller = new AbortController();

    const pending = client.getJson('Patient', { signal: controller.signal });
    setTimeout(() => {
      controller.abort();
    }, 50);

    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(server.requests).toHaveLength(1);
  });

  it('refuses to send credentials to an absolute URL on another origin', () => {
    const client = new FhirClient({
      baseUrl: 'https://scr.example.nhs.uk/fhir/',
      auth: { type: 'bearer', token: 't' },
    });
    expect(client.baseUrl).toBe('https://scr.example.nhs.uk/fhir');
    expect(() => client.getJson('https://elsewhere.example.com/fhir/Patient')).toThrow(/another origin/);
  });
});
