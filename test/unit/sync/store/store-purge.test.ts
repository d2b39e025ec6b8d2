import { afterEach, describe, expect, it } from 'vitest';
import { InvalidQueryError } from '../../../../sync/store';
import type { PatientStore } from '../../../../sync/store';
import { databaseOf } from '../../../../sync/store/patient-store';
import { OpenStores, patientWrite, uniqueName } from './store-fixtures';

const stores = new OpenStores();
afterEach(() => {
  stores.closeAll();
});

const DAY = 86_400_000;
const NOW = 1_750_000_000_000;

async function seeded(): Promise<PatientStore> {
  const store = await stores.open({ name: uniqueName('purge') });
  await store.commit({
    icb: 'QWE',
    upserts: [
      patientWrite({
        patientId: 'old',
        family: 'Oldfield',
        given: 'Olive',
        postcode: 'LS1 4AP',
        refreshedAt: NOW - 40 * DAY,
      }),
      patientWrite({
        patientId: 'new',
        family: 'Newman',
        given: 'Nora',
        postcode: 'LS2 7EE',
        refreshedAt: NOW - DAY,
      }),
      patientWrite({
        patientId: 'far',
        family: 'Farrow',
        given: 'Fay',
        postcode: 'M1 1AE',
        refreshedAt: NOW,
      }),
      patientWrite({ patientId: 'none', family: 'Nomad', given: 'Ned', refreshedAt: NOW }),
    ],
    deletes: [],
    quarantine: [
      { icb: 'QWE', resourceType: 'Patient', resourceId: 'old', reason: 'x', at: NOW - DAY },
      { icb: 'QWE', resourceType: 'Observation', resourceId: 'o1', patientId: 'far', reason: 'x', at: NOW },
      { icb: 'QWE', resourceType: 'Bundle', reason: 'stale', at: NOW - 50 * DAY },
    ],
    checkpoint: 'qwe',
  });
  await store.commit({
    icb: 'QXX',
    upserts: [
      patientWrite({
        icb: 'QXX',
        patientId: 'x1',
        family: 'Xavier',
        given: 'Xena',
        postcode: 'LS1 5AB',
        refreshedAt: NOW,
      }),
    ],
    deletes: [],
    quarantine: [{ icb: 'QXX', reason: 'x', at: NOW }],
    checkpoint: 'qxx',
  });
  return store;
}

async function indexEntries(store: PatientStore): Promise<number> {
  const db = databaseOf(store);
  // Name, NHS number, birth date and postcode terms live in postings rows (32 bytes of row key per entry),
  // name pairs in the rows' own index.
  const [postings, pairs] = await Promise.all([db.postings.toArray(), db.patients.orderBy('pairs').keys()]);
  return postings.reduce((sum, row) => sum + Math.floor(row.data.byteLength / 32), 0) + pairs.length;
}

describe('PatientStore retention purges', () => {
  it('purgeExpired removes rows refreshed too long ago, their index entries and old quarantine', async () => {
    const store = await seeded();
    const before = await indexEntries(store);
    expect(await store.purgeExpired(NOW, 30 * DAY)).toBe(1);
    expect(await store.searchByName('olive')).toEqual([]);
    expect(await store.counts()).toEqual({ patients: 4, byIcb: { QWE: 3, QXX: 1 }, quarantined: 2 });
    expect(await indexEntries(store)).toBeLessThan(before);
    expect(await store.purgeExpired(NOW, 30 * DAY)).toBe(0);
  });

  it('purgeOutsideArea keeps only patients with a postcode in the districts, and drops their quarantine', async () => {
    const store = await seeded();
    expect(await store.purgeOutsideArea(['ls1', 'LS2'])).toBe(2);
    expect(await store.counts()).toEqual({ patients: 3, byIcb: { QWE: 2, QXX: 1 }, quarantined: 3 });
    expect((await store.searchByPostcode('M1')).length).toBe(0);
    expect((await store.searchByName('ned')).length).toBe(0);
    expect((await store.searchByPostcode('LS1')).map((hit) => hit.displayName)).toEqual([
      'Olive Oldfield',
      'Xena Xavier',
    ]);
  });

  it('purgeOutsideArea refuses an empty list or a full postcode', async () => {
    const store = await seeded();
    await expect(store.purgeOutsideArea([])).rejects.toBeInstanceOf(InvalidQueryError);
    await expect(store.purgeOutsideArea(['LS1 4AP'])).rejects.toBeInstanceOf(InvalidQueryError);
    expect((await store.counts()).patients).toBe(5);
  });

  it('purgeIcb removes the rows, checkpoint and quarantine of one ICB only', async () => {
    const store = await seeded();
    await store.purgeIcb('QWE');
    expect(await store.counts()).toEqual({ patients: 1, byIcb: { QXX: 1 }, quarantined: 1 });
    expect(await store.readCheckpoint('QWE')).toBeUndefined();
    expect(await store.readCheckpoint('QXX')).toBe('qxx');
    expect((await store.searchByPostcode('LS1')).map((hit) => hit.displayName)).toEqual(['Xena Xavier']);
    expect(await store.patientIdsFor('QWE')).toEqual(new Set());
  });
});
