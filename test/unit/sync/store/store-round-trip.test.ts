import { afterEach, describe, expect, it } from 'vitest';
import { OpenStores, patientWrite, uniqueName, validNhsNumber } from './store-fixtures';

const stores = new OpenStores();
afterEach(() => {
  stores.closeAll();
});

const alice = patientWrite({
  patientId: 'p1',
  family: 'Ashworth',
  given: 'Alice',
  nhsNumber: validNhsNumber(0),
  birthDate: '1950-03-04',
  postcode: 'LS1 4AP',
  clinical: 'Type 2 diabetes',
});

describe('PatientStore round trip', () => {
  it('reads back records, summaries and the checkpoint exactly as committed', async () => {
    const store = await stores.open({ name: uniqueName('round-trip') });
    await store.commit({
      icb: 'QWE',
      upserts: [alice],
      deletes: [],
      quarantine: [],
      checkpoint: { since: '2024-01-01T00:00:00Z', page: 3 },
    });

    const records = await store.readRecords('QWE', ['p1', 'missing']);
    expect([...records.keys()]).toEqual(['p1']);
    expect(records.get('p1')).toEqual({
      raw: alice.raw,
      summary: alice.summary,
      refreshedAt: alice.refreshedAt,
    });
    expect(await store.readCheckpoint('QWE')).toEqual({ since: '2024-01-01T00:00:00Z', page: 3 });
    expect(await store.readCheckpoint('QXX')).toBeUndefined();

    const [hit] = await store.searchByNhsNumber(alice.card.nhsNumber ?? '');
    const key = hit?.sources[0]?.key ?? '';
    expect(await store.readSummaries([key, 'no-such-key'])).toEqual([
      { icb: 'QWE', key, summary: alice.summary, raw: alice.raw, refreshedAt: alice.refreshedAt },
    ]);
    expect(await store.patientIdsFor('QWE')).toEqual(new Set(['p1']));
    expect(await store.estimateBytes()).toBeGreaterThan(200);
  });

  it('keeps the same patient from two ICBs as two rows, and an upsert replaces its row', async () => {
    const store = await stores.open({ name: uniqueName('two-icbs') });
    await store.commit({ icb: 'QWE', upserts: [alice], deletes: [], quarantine: [], checkpoint: 1 });
    const other = { ...alice, icb: 'QXX', card: { ...alice.card, icb: 'QXX' } };
    await store.commit({ icb: 'QXX', upserts: [other], deletes: [], quarantine: [], checkpoint: 1 });
    const updated = { ...alice, summary: { updated: true }, refreshedAt: alice.refreshedAt + 1 };
    await store.commit({ icb: 'QWE', upserts: [updated], deletes: [], quarantine: [], checkpoint: 2 });

    expect(await store.counts()).toEqual({ patients: 2, byIcb: { QWE: 1, QXX: 1 }, quarantined: 0 });
    expect((await store.readRecords('QWE', ['p1'])).get('p1')?.summary).toEqual({ updated: true });
    expect((await store.readRecords('QXX', ['p1'])).get('p1')?.summary).toEqual(alice.summary);
  });

  it('deletes patients with their quarantine entries, and a null checkpoint removes the checkpoint', async () => {
    const store = await stores.open({ name: uniqueName('deletes') });
    await store.commit({
      icb: 'QWE',
      upserts: [alice],
      deletes: [],
      quarantine: [
        { icb: 'QWE', resourceType: 'Observation', resourceId: 'o1', patientId: 'p1', reason: 'bad', at: 5 },
        { icb: 'QWE', resourceType: 'Patient', resourceId: 'p1', reason: 'odd name', at: 6 },
        { icb: 'QWE', resourceType: 'Patient', resourceId: 'p9', reason: 'no id', snippet: '{}', at: 7 },
      ],
      checkpoint: 'c1',
    });
    expect(await store.quarantineList()).toEqual([
      { icb: 'QWE', resourceType: 'Patient', resourceId: 'p9', reason: 'no id', snippet: '{}', at: 7 },
      { icb: 'QWE', resourceType: 'Patient', resourceId: 'p1', reason: 'odd name', at: 6 },
      { icb: 'QWE', resourceType: 'Observation', resourceId: 'o1', reason: 'bad', at: 5 },
    ]);

    await store.commit({ icb: 'QWE', upserts: [], deletes: ['p1'], quarantine: [], checkpoint: null });
    expect(await store.counts()).toEqual({ patients: 0, byIcb: {}, quarantined: 1 });
    expect(await store.readRecords('QWE', ['p1'])).toEqual(new Map());
    expect(await store.readCheckpoint('QWE')).toBeUndefined();
  });

  it('refuses a batch whose rows belong to another ICB or cannot be purged', async () => {
    const store = await stores.open({ name: uniqueName('wrong-icb') });
    await expect(
      store.commit({ icb: 'QXX', upserts: [alice], deletes: [], quarantine: [], checkpoint: null }),
    ).rejects.toThrow(/not from QXX/);
    await expect(
      store.commit({
        icb: 'QWE',
        upserts: [{ ...alice, refreshedAt: Number.NaN }],
        deletes: [],
        quarantine: [],
        checkpoint: null,
      }),
    ).rejects.toThrow(/refreshedAt/);
    expect((await store.counts()).patients).toBe(0);
  });
});
