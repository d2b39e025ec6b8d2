import { afterEach, describe, expect, it } from 'vitest';
import { PatientStore, StoreCorruptError, WrongKeyError } from '../../../../sync/store';
import { databaseOf } from '../../../../sync/store/patient-store';
import {
  OpenStores,
  fakeDatabase,
  keyMaterial,
  patientWrite,
  replaceStoredBody,
  storedBody,
  uniqueName,
  validNhsNumber,
} from './store-fixtures';

const stores = new OpenStores();
afterEach(() => {
  stores.closeAll();
});

const first = patientWrite({
  patientId: 'p1',
  family: 'Fairweather',
  given: 'Florence',
  nhsNumber: validNhsNumber(1),
  birthDate: '1961-07-08',
  postcode: 'LS2 7EE',
});
const second = patientWrite({
  patientId: 'p2',
  family: 'Fairbairn',
  given: 'Francis',
  nhsNumber: validNhsNumber(2),
  birthDate: '1962-01-02',
  postcode: 'LS2 7EF',
});

async function storeWithTwo(name: string): Promise<PatientStore> {
  const store = await stores.open({ name });
  await store.commit({ icb: 'QWE', upserts: [first, second], deletes: [], quarantine: [], checkpoint: 'v1' });
  return store;
}

describe('PatientStore atomic commits', () => {
  it('leaves earlier data and checkpoint untouched when a write fails inside the transaction', async () => {
    const store = await storeWithTwo(uniqueName('atomic'));
    const db = databaseOf(store);
    const failQuarantine = (): void => {
      throw new Error('injected disk failure');
    };
    db.quarantine.hook('creating', failQuarantine);
    const third = patientWrite({ patientId: 'p3', family: 'Thornton', given: 'Theo' });
    const changed = { ...first, summary: { changed: true } };
    await expect(
      store.commit({
        icb: 'QWE',
        upserts: [changed, third],
        deletes: ['p2'],
        quarantine: [{ icb: 'QWE', reason: 'bad', at: 1 }],
        checkpoint: 'v2',
      }),
    ).rejects.toThrow(/injected disk failure/);
    db.quarantine.hook('creating').unsubscribe(failQuarantine);

    expect(await store.readCheckpoint('QWE')).toBe('v1');
    expect(await store.counts()).toEqual({ patients: 2, byIcb: { QWE: 2 }, quarantined: 0 });
    const records = await store.readRecords('QWE', ['p1', 'p2', 'p3']);
    expect([...records.keys()].sort()).toEqual(['p1', 'p2']);
    expect(records.get('p1')?.summary).toEqual(first.summary);
  });

  it('writes nothing when sealing the batch fails before the transaction', async () => {
    const store = await storeWithTwo(uniqueName('atomic-prepare'));
    await expect(
      store.commit({
        icb: 'QWE',
        upserts: [{ ...first, summary: { size: 1n } }],
        deletes: ['p2'],
        quarantine: [],
        checkpoint: 'v2',
      }),
    ).rejects.toThrow();
    expect(await store.readCheckpoint('QWE')).toBe('v1');
    expect(await store.counts()).toEqual({ patients: 2, byIcb: { QWE: 2 }, quarantined: 0 });
  });
});

describe('PatientStore keys and authentication', () => {
  it('refuses the wrong key with WrongKeyError and leaves the data readable with the right one', async () => {
    const name = uniqueName('wrong-key');
    (await storeWithTwo(name)).close();
    await expect(
      PatientStore.open({ name, keyMaterial: keyMaterial(99), ...fakeDatabase }),
    ).rejects.toBeInstanceOf(WrongKeyError);
    const reopened = await stores.open({ name });
    expect((await reopened.readRecords('QWE', ['p1'])).get('p1')?.summary).toEqual(first.summary);
    expect(await reopened.readCheckpoint('QWE')).toBe('v1');
  });

  it('rejects key material that is not 32 bytes', async () => {
    await expect(
      PatientStore.open({ name: uniqueName('short-key'), keyMaterial: new Uint8Array(16), ...fakeDatabase }),
    ).rejects.toThrow(/32 bytes/);
  });

  it('reports a tampered row as StoreCorruptError and still returns the other rows', async () => {
    const reported: StoreCorruptError[] = [];
    const name = uniqueName('tamper');
    const store = await stores.open({ name, onCorruptRow: (error) => reported.push(error) });
    await store.commit({
      icb: 'QWE',
      upserts: [first, second],
      deletes: [],
      quarantine: [],
      checkpoint: null,
    });
    const db = databaseOf(store);
    const [hit] = await store.searchByNhsNumber(validNhsNumber(1));
    const key = hit?.sources[0]?.key ?? '';
    const row = await db.patients.get(key);
    if (row === undefined) throw new Error('row missing');
    const card = row.card.slice();
    card[card.length - 3] = (card[card.length - 3] ?? 0) ^ 0x01;
    const stored = await storedBody(db, key);
    if (stored === undefined) throw new Error('body missing');
    const body = stored.slice();
    body[20] = (body[20] ?? 0) ^ 0x80;
    await db.patients.put({ ...row, card });
    await replaceStoredBody(db, key, body);

    const hits = await store.searchByName('fa');
    expect(hits.map((entry) => entry.displayName)).toEqual(['Francis Fairbairn']);
    expect(reported).toHaveLength(1);
    expect(reported[0]).toBeInstanceOf(StoreCorruptError);
    expect(reported[0]?.key).toBe(key);
    expect(store.corruptRowKeys).toEqual([key]);
    expect(await store.readSummaries([key])).toEqual([]);
    await expect(store.readRecords('QWE', ['p1'])).rejects.toBeInstanceOf(StoreCorruptError);
    expect((await store.readRecords('QWE', ['p2'])).size).toBe(1);
  });

  it('rejects ciphertext swapped between rows (the AAD binds row key and field)', async () => {
    const store = await storeWithTwo(uniqueName('swap'));
    const db = databaseOf(store);
    const [one, two] = await db.patients.toArray();
    const twoBody = await storedBody(db, two?.k ?? '');
    if (one === undefined || two === undefined || twoBody === undefined) throw new Error('rows missing');
    await replaceStoredBody(db, one.k, twoBody);
    expect(await store.readSummaries([one.k, two.k])).toHaveLength(1);
    expect(store.corruptRowKeys).toEqual([one.k]);
    await db.patients.put({ ...one, card: two.card });
    expect(await store.searchByName('fairbairn')).toHaveLength(1);
    expect(await store.searchByName('fairweather')).toEqual([]);
    // A card moved into the body of its own row fails too.
    await replaceStoredBody(db, two.k, two.card);
    await expect(store.readSummaries([two.k])).resolves.toEqual([]);
    expect(store.corruptRowKeys).toEqual([one.k, two.k]);
  });
});
