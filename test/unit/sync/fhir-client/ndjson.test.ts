import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { FhirClient, ndjsonLines, type NdjsonLine } from '../../../../sync/fhir-client/index';
import { collect, noAuth, recordingSleep, startServer, type TestServer } from './support';

let servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((server) => server.close()));
  servers = [];
});

const encoder = new TextEncoder();
const sian = { resourceType: 'Patient', id: 'p1', name: [{ given: ['Siân'], family: 'Llŷr' }] };
const li = { resourceType: 'Patient', id: 'p2', name: [{ text: '李伟' }], note: '🚑' };
const condition = { resourceType: 'Condition', id: 'c1', subject: { reference: 'Patient/p1' } };

/** Lines 1, 2 blank, 3 invalid JSON, 4 Siân, 5 blank (CRLF), 6 李伟, 7 Condition (no trailing newline). */
const file = [
  JSON.stringify(sian).replace('"p1"', '"p0"'),
  '',
  '{"resourceType":"Patient","id":',
  JSON.stringify(sian),
  '\r',
  JSON.stringify(li),
  JSON.stringify(condition),
].join('\n');
const fileBytes = encoder.encode(file);

/** A resource line as read: the parsed value and the line's own bytes. */
const resourceLine = (
  value: Readonly<Record<string, unknown>>,
  line: number,
  text = JSON.stringify(value),
): NdjsonLine => ({
  kind: 'resource',
  value,
  line,
  bytes: encoder.encode(text).byteLength,
  json: encoder.encode(text),
});

const expected: readonly NdjsonLine[] = [
  resourceLine({ ...sian, id: 'p0' }, 1),
  { kind: 'invalid', reason: 'line is not valid JSON', line: 3, bytes: 31 },
  resourceLine(sian, 4),
  resourceLine(li, 6),
  resourceLine(condition, 7),
];

async function* chunked(bytes: Uint8Array, cuts: readonly number[]): AsyncGenerator<Uint8Array> {
  let start = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    await Promise.resolve(); // each chunk arrives in its own turn, as from a socket
    yield bytes.slice(start, cut);
    start = cut;
  }
  yield bytes.slice(start);
}

describe('ndjsonLines', () => {
  it('decodes Siân and 李伟 whole when a chunk boundary falls inside their UTF-8 bytes', async () => {
    const sianAt = file.indexOf('Siân');
    const liAt = file.indexOf('李伟');
    // Byte offsets just inside the two-byte â and the three-byte 李.
    const cutInA = encoder.encode(file.slice(0, sianAt + 'Si'.length)).byteLength + 1;
    const cutInLi = encoder.encode(file.slice(0, liAt)).byteLength + 1;
    expect(fileBytes[cutInA - 1]).toBe(0xc3); // first byte of â
    expect(fileBytes[cutInLi - 1]).toBe(0xe6); // first byte of 李
    const lines = await collect(
      ndjsonLines(chunked(fileBytes, [cutInA, cutInLi, cutInLi + 1]), { maxLineBytes: 10_000 }),
    );
    expect(lines).toEqual(expected);
  });

  it('gives the same lines however the stream is cut into chunks', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.integer({ min: 1, max: fileBytes.byteLength - 1 }), { maxLength: 40 }),
        async (cuts) => {
          const lines = await collect(ndjsonLines(chunked(fileBytes, cuts), { maxLineBytes: 10_000 }));
          expect(lines).toEqual(expected);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('reports a line over maxLineBytes as invalid, with its size, and carries on', async () => {
    const long = JSON.stringify({ resourceType: 'Binary', id: 'b1', data: 'A'.repeat(500) });
    const text = `${JSON.stringify(condition)}\n${long}\n${JSON.stringify(li)}\n`;
    const lines = await collect(
      ndjsonLines(chunked(encoder.encode(text), [10, 100, 300]), { maxLineBytes: 200 }),
    );
    expect(lines.map((line) => [line.kind, line.line])).toEqual([
      ['resource', 1],
      ['invalid', 2],
      ['resource', 3],
    ]);
    expect(lines[1]).toEqual({
      kind: 'invalid',
      reason: 'line is longer than 200 bytes',
      line: 2,
      bytes: long.length,
    });
  });

  it('reports JSON that is not an object, and bytes that are not UTF-8, as invalid lines', async () => {
    const bytes = new Uint8Array([
      ...encoder.encode('[1,2]\n"text"\n'),
      0xff,
      0xfe,
      0x0a,
      ...encoder.encode('{}'),
    ]);
    const lines = await collect(ndjsonLines(chunked(bytes, []), { maxLineBytes: 100 }));
    expect(lines.map((line) => (line.kind === 'invalid' ? line.reason : 'resource'))).toEqual([
      'line is not a JSON object',
      'line is not a JSON object',
      'line is not valid UTF-8',
      'resource',
    ]);
  });
});

describe('FhirClient.streamNdjson', () => {
  it('streams an export file with the access token, in small chunks, without holding the whole file', async () => {
    const server = await startServer(async (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/fhir+ndjson' });
      for (let offset = 0; offset < fileBytes.byteLength; offset += 7) {
        response.write(fileBytes.subarray(offset, offset + 7));
        await new Promise((resolve) => setImmediate(resolve));
      }
      response.end();
    });
    servers.push(server);
    const client = new FhirClient({ baseUrl: server.baseUrl, auth: { type: 'bearer', token: 'tok' } });

    const lines = await collect(client.streamNdjson(`${server.origin}/files/Patient.ndjson`));

    expect(lines).toEqual(expected);
    expect(server.requests[0]?.headers.authorization).toBe('Bearer tok');
    expect(server.requests[0]?.headers.accept).toBe('application/fhir+ndjson');
  });

  it('resumes after the connection drops mid-file without delivering any line twice', async () => {
    let count = 0;
    const server = await startServer((_request, response) => {
      count += 1;
      response.writeHead(200, {
        'content-type': 'application/fhir+ndjson',
        'content-length': String(fileBytes.byteLength),
      });
      if (count === 1) {
        const cut = encoder.encode(file.slice(0, file.indexOf('李伟'))).byteLength;
        response.write(fileBytes.subarray(0, cut), () => response.socket?.destroy());
      } else {
        response.end(fileBytes);
      }
    });
    servers.push(server);
    const { sleep, delays } = recordingSleep();
    const client = new FhirClient({ baseUrl: server.baseUrl, auth: noAuth, sleep });

    const lines = await collect(client.streamNdjson(`${server.baseUrl}/files/1.ndjson`));

    expect(lines).toEqual(expected);
    expect(server.requests).toHaveLength(2);
    expect(delays).toHaveLength(1);
  });

  it('does not send the token, and allows another origin, when the manifest says no token is required', async () => {
    const storage = await startServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/fhir+ndjson' });
      response.end(`${JSON.stringify(condition)}\n`);
    });
    servers.push(storage);
    const client = new FhirClient({
      baseUrl: 'https://scr.example.nhs.uk/fhir',
      auth: { type: 'bearer', token: 'tok' },
    });

    const lines = await collect(
      client.streamNdjson(`${storage.origin}/bucket/1.ndjson`, { requiresAccessToken: false }),
    );

    expect(lines).toHaveLength(1);
    expect(storage.requests[0]?.headers.authorization).toBeUndefined();
    await expect(collect(client.streamNdjson(`${storage.origin}/bucket/1.ndjson`))).rejects.toThrow(
      /another origin/,
    );
  });

  it('releases its concurrency permit when the caller stops reading early', async () => {
    const server = await startServer((request, response) => {
      if (request.url?.endsWith('.ndjson') === true) {
        response.writeHead(200, { 'content-type': 'application/fhir+ndjson' });
        response.write(`${JSON.stringify(condition)}\n`); // and never ends
        return;
      }
      response.writeHead(200, { 'content-type': 'application/fhir+json' });
      response.end(JSON.stringify(condition));
    });
    servers.push(server);
    const client = new FhirClient({ baseUrl: server.baseUrl, auth: noAuth, maxConcurrency: 1 });

    for await (const line of client.streamNdjson('files/endless.ndjson')) {
      expect(line.kind).toBe('resource');
      break;
    }
    const response = await client.getJson('Condition/c1');
    expect(response.status).toBe(200);
  });
});
