// The demo FHIR server's `_history` change feed: ascending order with `_since`, tombstones for deletes,
// cursor paging that stays stable under concurrent writes, and switching history off.
import type { Bundle, BundleEntry, CapabilityStatement, OperationOutcome } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoFhirServer } from '../../../demo/fhir-server/index';
import { startDemoFhirServer } from '../../../demo/fhir-server/index';
import { fhir, population, sleep } from './fhir-server-fixtures';

let server: DemoFhirServer;
let base: string;

beforeAll(async () => {
  server = await startDemoFhirServer({ name: 'History ICB' });
  base = server.baseUrl;
  await server.load(population(20));
});

afterAll(async () => {
  await server.close();
});

function key(entry: BundleEntry): string {
  return `${entry.request?.method ?? ''} ${entry.fullUrl ?? ''} ${entry.response?.etag ?? ''}`;
}

describe('demo FHIR server _history', () => {
  it('lists changes since an instant, oldest first, with deletions as tombstones', async () => {
    await sleep(5);
    const since = new Date().toISOString();
    await fhir(base, 'Flag/p1-flag', {
      method: 'PUT',
      body: JSON.stringify({
        resourceType: 'Flag',
        id: 'p1-flag',
        status: 'inactive',
        code: { text: 'x' },
        subject: { reference: 'Patient/p1' },
      }),
    });
    await fhir(base, 'Condition/p2-condition', { method: 'DELETE' });
    const page = await fhir<Bundle>(base, `_history?_since=${encodeURIComponent(since)}&_sort=_lastUpdated`);
    expect(page.status).toBe(200);
    expect(page.body.type).toBe('history');
    const entries = page.body.entry ?? [];
    expect(entries.map((entry) => entry.fullUrl)).toEqual([
      `${base}/Flag/p1-flag`,
      `${base}/Condition/p2-condition`,
    ]);
    const [update, tombstone] = entries;
    expect(update?.request).toEqual({ method: 'PUT', url: 'Flag/p1-flag' });
    expect(update?.response?.status).toBe('200 OK');
    expect(update?.resource?.meta?.versionId).toBeDefined();
    expect(tombstone?.resource).toBeUndefined();
    expect(tombstone?.request).toEqual({ method: 'DELETE', url: 'Condition/p2-condition' });
    expect(tombstone?.response?.status).toBe('204 No Content');
    expect(tombstone?.response?.lastModified).toBeDefined();
    const typed = await fhir<Bundle>(
      base,
      `Condition/_history?_since=${encodeURIComponent(since)}&_sort=_lastUpdated`,
    );
    expect(typed.body.entry?.map((entry) => entry.request?.method)).toEqual(['DELETE']);
    const newestFirst = await fhir<Bundle>(base, `_history?_since=${encodeURIComponent(since)}`);
    expect(newestFirst.body.entry?.map((entry) => entry.request?.method)).toEqual(['DELETE', 'PUT']);
  });

  it('pages with a cursor that neither skips nor repeats entries while writes happen between pages', async () => {
    const seen: string[] = [];
    let next: string | undefined = '_history?_sort=_lastUpdated&_count=25';
    let written = 0;
    while (next !== undefined) {
      const page: { body: Bundle } = await fhir<Bundle>(base, next);
      seen.push(...(page.body.entry ?? []).map(key));
      next = page.body.link?.find((link) => link.relation === 'next')?.url;
      if (written < 5) {
        written++;
        await fhir(base, 'Patient', {
          method: 'POST',
          body: JSON.stringify({ resourceType: 'Patient', name: [{ family: `W${written}` }] }),
        });
        await fhir(base, `Observation/p${written}-pulse`, { method: 'DELETE' });
      }
    }
    expect(new Set(seen).size).toBe(seen.length);
    // 20 patients x 9 + 2 practices seeded, 2 changes from the first test, 10 written while paging.
    expect(seen).toHaveLength(182 + 2 + 10);
    expect(seen.filter((entry) => entry.startsWith('DELETE'))).toHaveLength(6);
  });

  it('answers history with a clear error, and leaves it out of the CapabilityStatement, when switched off', async () => {
    server.setHistoryEnabled(false);
    try {
      const system = await fhir<OperationOutcome>(base, '_history');
      expect(system.status).toBe(405);
      expect(system.body.issue[0]?.diagnostics).toContain('history not supported');
      expect((await fhir(base, 'Patient/_history')).status).toBe(405);
      const statement = await fhir<CapabilityStatement>(base, 'metadata');
      const text = JSON.stringify(statement.body);
      expect(text).not.toContain('history-system');
      expect(text).not.toContain('history-type');
      expect((await fhir(base, 'Patient/p3/_history')).status).toBe(200);
    } finally {
      server.setHistoryEnabled(true);
    }
    expect((await fhir(base, '_history?_count=1')).status).toBe(200);
    expect(JSON.stringify((await fhir(base, 'metadata')).body)).toContain('history-system');
  });
  it('keeps the instance history of a deleted resource, so a client can tell whose record held it', async () => {
    await fhir(base, 'Flag/p3-flag', {
      method: 'PUT',
      body: JSON.stringify({
        resourceType: 'Flag',
        id: 'p3-flag',
        status: 'active',
        code: { text: 'y' },
        subject: { reference: 'Patient/p3' },
      }),
    });
    await fhir(base, 'Flag/p3-flag', { method: 'DELETE' });
    expect((await fhir(base, 'Flag/p3-flag')).status).toBe(410);
    const page = await fhir<Bundle>(base, 'Flag/p3-flag/_history');
    expect(page.status).toBe(200);
    const [deletion, last] = page.body.entry ?? [];
    expect(deletion?.request?.method).toBe('DELETE');
    expect(deletion?.resource).toBeUndefined();
    expect(last?.resource).toMatchObject({ resourceType: 'Flag', subject: { reference: 'Patient/p3' } });
  });
});
