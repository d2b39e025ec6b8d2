import { afterEach, describe, expect, it } from 'vitest';
import { FhirClient, InvalidResponseError, parseBundle } from '../../../../sync/fhir-client/index';
import { collect, noAuth, sendJson, startServer, type TestServer } from './support';

let servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((server) => server.close()));
  servers = [];
});

function page(id: number, next: string | undefined) {
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    total: 3,
    link: [
      { relation: 'self', url: `page-${id}` },
      ...(next === undefined ? [] : [{ relation: 'next', url: next }]),
    ],
    entry: [
      {
        fullUrl: `urn:uuid:p${id}`,
        resource: { resourceType: 'Patient', id: `p${id}` },
        search: { mode: 'match' },
      },
    ],
  };
}

/** Serves pages from a map of request path -> Bundle (as a function of the server, for absolute links). */
async function pagedServer(pages: (server: TestServer) => Record<string, unknown>): Promise<TestServer> {
  const ready: { server?: TestServer } = {};
  const server = await startServer((request, response) => {
    if (ready.server === undefined) throw new Error('server not ready');
    const body = pages(ready.server)[request.url ?? ''];
    if (body === undefined) sendJson(response, 404, {});
    else sendJson(response, 200, body);
  });
  ready.server = server;
  servers.push(server);
  return server;
}

describe('FhirClient paging', () => {
  it('follows next links, absolute and relative, until the last page', async () => {
    const server = await pagedServer((self) => ({
      '/fhir/Patient?address-postalcode=NG7&_count=1': page(1, `${self.baseUrl}/Patient?_page=2`),
      '/fhir/Patient?_page=2': page(2, 'Patient?_page=3'),
      '/fhir/Patient?_page=3': page(3, undefined),
    }));
    const client = new FhirClient({ baseUrl: server.baseUrl, auth: noAuth });

    const pages = await collect(client.pages('Patient?address-postalcode=NG7&_count=1'));

    expect(pages.map((item) => item.bundle.entry[0]?.resource?.id)).toEqual(['p1', 'p2', 'p3']);
    expect(pages.map((item) => item.url)).toEqual([
      `${server.baseUrl}/Patient?address-postalcode=NG7&_count=1`,
      `${server.baseUrl}/Patient?_page=2`,
      `${server.baseUrl}/Patient?_page=3`,
    ]);
    expect(pages.every((item) => item.bytes > 0)).toBe(true);
  });

  it('refuses a next link to another origin, after yielding the page that carried it', async () => {
    const other = await startServer((_request, response) => {
      sendJson(response, 200, page(9, undefined));
    });
    servers.push(other);
    const server = await pagedServer(() => ({
      '/fhir/Patient': page(1, `${other.baseUrl}/Patient?_page=2`),
    }));
    const client = new FhirClient({ baseUrl: server.baseUrl, auth: { type: 'bearer', token: 'secret' } });
    const seen: string[] = [];

    const error = await (async () => {
      for await (const item of client.pages('Patient')) seen.push(String(item.bundle.entry[0]?.resource?.id));
    })().catch((caught: unknown) => caught);

    expect(seen).toEqual(['p1']);
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect((error as InvalidResponseError).reason).toMatch(/another origin/);
    expect(other.requests).toHaveLength(0); // the token never left the server's origin
  });

  it('refuses a next link that loops back to a page already read', async () => {
    const server = await pagedServer(() => ({
      '/fhir/Patient': page(1, 'Patient?_page=2'),
      '/fhir/Patient?_page=2': page(2, 'Patient'),
    }));
    const client = new FhirClient({ baseUrl: server.baseUrl, auth: noAuth });

    await expect(collect(client.pages('Patient'))).rejects.toThrow(/page already read/);
    expect(server.requests).toHaveLength(2);
  });

  it('rejects a page that is not a Bundle with InvalidResponseError naming the problem', async () => {
    const server = await pagedServer(() => ({
      '/fhir/Patient': { resourceType: 'Bundle', type: 'searchset', entry: [{ resource: 'Patient/p1' }] },
      '/fhir/Condition': { resourceType: 'Patient', id: 'p1' },
    }));
    const client = new FhirClient({ baseUrl: server.baseUrl, auth: noAuth });

    await expect(client.getBundle('Patient')).rejects.toThrow(/entry\[0\]\.resource is not an object/);
    await expect(client.getBundle('Condition')).rejects.toThrow(/resourceType is not "Bundle"/);
  });
});

describe('parseBundle', () => {
  it('keeps history entries without a resource (deletions) and their request/response', () => {
    const bundle = parseBundle(
      {
        resourceType: 'Bundle',
        type: 'history',
        entry: [
          {
            fullUrl: 'https://scr.example/fhir/Patient/p1',
            request: { method: 'DELETE', url: 'Patient/p1' },
            response: { status: '204 No Content', lastModified: '2025-03-01T10:00:00Z' },
          },
        ],
      },
      'https://scr.example/fhir/_history',
    );
    expect(bundle.entry[0]).toEqual({
      fullUrl: 'https://scr.example/fhir/Patient/p1',
      request: { method: 'DELETE', url: 'Patient/p1' },
      response: { status: '204 No Content', lastModified: '2025-03-01T10:00:00Z' },
    });
    expect(bundle.link).toEqual([]);
  });

  it('treats __proto__, constructor and prototype keys in a resource as inert data (no prototype pollution)', () => {
    // JSON.parse creates these as own properties; parseBundle passes resources on by reference and never merges.
    const text =
      '{"resourceType":"Bundle","type":"searchset","__proto__":{"polluted":"bundle"},"entry":[{"resource":' +
      '{"resourceType":"Patient","id":"p1","__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},' +
      '"prototype":{"polluted":"yes"}}}]}';
    const bundle = parseBundle(JSON.parse(text), 'https://scr.example/fhir/Patient');
    const resource = bundle.entry[0]?.resource;

    expect(resource?.id).toBe('p1');
    expect(Object.hasOwn(resource ?? {}, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(resource)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(bundle)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((bundle as unknown as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.hasOwn(bundle, '__proto__')).toBe(false);
  });
});
