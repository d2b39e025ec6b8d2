import { afterEach, describe, expect, it } from 'vitest';
import {
  FhirClient,
  FhirHttpError,
  InvalidResponseError,
  type FhirClientEvent,
} from '../../../../sync/fhir-client/index';
import { noAuth, operationOutcome, recordingSleep, sendJson, startServer, type TestServer } from './support';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

type StatusAnswer =
  { status: 202; retryAfter?: string; progress?: string } | { status: 200; manifest: unknown };

/** A bulk-data server: kick-off at Patient/$export, status at /fhir/bulkstatus/1 answering `answers` in turn. */
async function exportServer(
  answers: readonly StatusAnswer[] | ((baseUrl: string) => readonly StatusAnswer[]),
  kickoff?: { status: number; body: unknown },
) {
  let polls = 0;
  server = await startServer((request, response) => {
    const self = server;
    if (self === undefined) throw new Error('not ready');
    const path = request.url ?? '';
    if (path.startsWith('/fhir/Patient/$export')) {
      if (kickoff !== undefined) {
        sendJson(response, kickoff.status, kickoff.body);
        return;
      }
      response.writeHead(202, { 'content-location': `${self.baseUrl}/bulkstatus/1` });
      response.end();
      return;
    }
    if (path === '/fhir/bulkstatus/1' && request.method === 'DELETE') {
      response.writeHead(202);
      response.end();
      return;
    }
    if (path === '/fhir/bulkstatus/1') {
      const script = typeof answers === 'function' ? answers(self.baseUrl) : answers;
      const answer = script[Math.min(polls, script.length - 1)];
      polls += 1;
      if (answer === undefined || answer.status === 200) {
        sendJson(response, 200, answer?.manifest ?? {});
        return;
      }
      const headers: Record<string, string> = {};
      if (answer.retryAfter !== undefined) headers['retry-after'] = answer.retryAfter;
      if (answer.progress !== undefined) headers['x-progress'] = answer.progress;
      response.writeHead(202, headers);
      response.end();
      return;
    }
    sendJson(response, 404, operationOutcome('not-found', path));
  });
  return server;
}

function manifestFor(base: string) {
  return {
    transactionTime: '2025-03-01T10:00:00.000Z',
    request: `${base}/Patient/$export?_type=Patient,Condition`,
    requiresAccessToken: true,
    output: [
      { type: 'Patient', url: `${base}/files/Patient-1.ndjson`, count: 120 },
      { type: 'Condition', url: `${base}/files/Condition-1.ndjson` },
    ],
    deleted: [{ type: 'Bundle', url: `${base}/files/deleted-1.ndjson` }],
    error: [],
  };
}

const params = new URLSearchParams({ _type: 'Patient,Condition', _since: '2025-02-28T00:00:00Z' });

describe('FhirClient.bulkExport', () => {
  it('kicks off with Prefer: respond-async, polls honouring Retry-After and X-Progress, and returns the manifest', async () => {
    server = await exportServer((baseUrl) => [
      { status: 202, retryAfter: '3', progress: 'Patient: 40%' },
      { status: 202, retryAfter: '3', progress: 'Patient: 90%' },
      { status: 202 },
      { status: 200, manifest: manifestFor(baseUrl) },
    ]);
    const { sleep, delays } = recordingSleep();
    const progress: (string | undefined)[] = [];
    const events: FhirClientEvent[] = [];
    const client = new FhirClient({
      baseUrl: server.baseUrl,
      auth: noAuth,
      sleep,
      onEvent: (event) => events.push(event),
    });

    const result = await client.bulkExport(
      { path: 'Patient/$export', params },
      { onProgress: (text) => progress.push(text) },
    );

    const kickoff = server.requests[0];
    expect(kickoff?.path).toBe(`/fhir/Patient/$export?${params.toString()}`);
    expect(kickoff?.headers.prefer).toBe('respond-async');
    expect(kickoff?.headers.accept).toBe('application/fhir+json');
    expect(progress).toEqual(['Patient: 40%', 'Patient: 90%', undefined]);
    expect(delays).toEqual([3000, 3000, 2000]); // Retry-After twice, then exponential backoff (third poll)
    expect(events.filter((event) => event.type === 'bulk-export-pending')).toHaveLength(3);
    expect(result).toEqual({ ...manifestFor(server.baseUrl), statusUrl: `${server.baseUrl}/bulkstatus/1` });
  });

  it('kicks off with a POST carrying a Parameters resource when one is given', async () => {
    const target = await exportServer((baseUrl) => [{ status: 200, manifest: manifestFor(baseUrl) }]);
    const client = new FhirClient({ baseUrl: target.baseUrl, auth: noAuth });
    const parameters = {
      resourceType: 'Parameters',
      parameter: [{ name: '_typeFilter', valueString: 'Condition?clinical-status=active' }],
    };

    await client.bulkExport({ path: 'Patient/$export', params: new URLSearchParams(), body: parameters });

    expect(target.requests[0]?.method).toBe('POST');
    expect(target.requests[0]?.path).toBe('/fhir/Patient/$export');
    expect(target.requests[0]?.headers.prefer).toBe('respond-async');
    expect(JSON.parse(target.requests[0]?.body ?? '')).toEqual(parameters);
  });

  it('throws FhirHttpError with the OperationOutcome when the kick-off is refused', async () => {
    const target = await exportServer([], {
      status: 400,
      body: operationOutcome('not-supported', '_typeFilter is not supported'),
    });
    const client = new FhirClient({ baseUrl: target.baseUrl, auth: noAuth });

    const error = await client
      .bulkExport({ path: 'Patient/$export', params })
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(FhirHttpError);
    expect((error as FhirHttpError).status).toBe(400);
    expect((error as FhirHttpError).outcome?.issue[0]?.diagnostics).toBe('_typeFilter is not supported');
    expect(target.requests).toHaveLength(1);
  });

  it('sends DELETE to the status URL when the caller aborts while the export runs', async () => {
    const target = await exportServer([{ status: 202, retryAfter: '5', progress: 'Patient: 10%' }]);
    const controller = new AbortController();
    const client = new FhirClient({ baseUrl: target.baseUrl, auth: noAuth, sleep: recordingSleep().sleep });

    const pending = client.bulkExport(
      { path: 'Patient/$export', params },
      {
        signal: controller.signal,
        onProgress: () => {
          controller.abort();
        },
      },
    );

    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(target.requests.map((request) => `${request.method} ${request.path.split('?')[0] ?? ''}`)).toEqual(
      ['GET /fhir/Patient/$export', 'GET /fhir/bulkstatus/1', 'DELETE /fhir/bulkstatus/1'],
    );
  });

  it('rejects a manifest missing required fields with InvalidResponseError', async () => {
    const target = await exportServer([
      { status: 200, manifest: { transactionTime: 'yesterday', output: 'none' } },
    ]);
    const client = new FhirClient({ baseUrl: target.baseUrl, auth: noAuth });

    const error = await client
      .bulkExport({ path: 'Patient/$export', params })
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(InvalidResponseError);
    expect((error as InvalidResponseError).reason).toMatch(/not a valid export manifest/);
  });

  it('refuses a status URL on another origin (it would be polled with our token)', async () => {
    server = await startServer((_request, response) => {
      response.writeHead(202, { 'content-location': 'https://elsewhere.example.com/status/1' });
      response.end();
    });
    const client = new FhirClient({ baseUrl: server.baseUrl, auth: noAuth });

    await expect(client.bulkExport({ path: 'Group/g1/$export', params })).rejects.toThrow(
      /not on the FHIR server/,
    );
    expect(server.requests[0]?.path).toMatch(/^\/fhir\/Group\/g1\/\$export\?/);
  });
});
