import { afterEach, describe, expect, it } from 'vitest';
import type { Transaction } from 'dexie';
import { STORE_MIGRATIONS } from '../../../../sync/store';
import type { StoreMigration } from '../../../../sync/store';
import { BlindIndexer } from '../../../../sync/store/blind-index';
import { deriveStoreKeys } from '../../../../sync/store/data-key';
import { encodePatient } from '../../../../sync/store/row-codec';
import { applyMigrations, createDatabase } from '../../../../sync/store/schema';
import type { StoreDatabase } from '../../../../sync/store/schema';
import { OpenStores, fakeDatabase, keyMaterial, patientWrite, uniqueName } from './store-fixtures';

const stores = new OpenStores();
const databases: StoreDatabase[] = [];
afterEach(() => {
  stores.closeAll();
  for (const db of databases.splice(0)) db.close();
});

const latest = STORE_MIGRATIONS.at(-1)?.version ?? 0;

/** A test-only next version: adds an index and fills it in the upgrade, the way a real migration would. */
const testNextVersion: StoreMigration = {
  version: latest + 1,
  description: 'test only: index patients by a schema tag',
  stores: { patients: 'k, icb, refreshedAt, nhs, dob, *postcodes, *pairs, tag' },
  upgrade: async (transaction: Transaction) => {
    await transaction
      .table('patients')
      .toCollection()
      .modify((row: Record<string, unknown>) => {
        row.tag = 'next';
      });
  },
};

describe('store migrations', () => {
  it('upgrades to a next version, running its upgrade on existing rows and keeping the data', async () => {
    const name = uniqueName('migrate');
    const current = await stores.open({ name });
    await current.commit({
      icb: 'QWE',
      upserts: [patientWrite({ patientId: 'p1', family: 'Migrant', given: 'Mia' })],
      deletes: [],
      quarantine: [],
      checkpoint: 'c1',
    });
    current.close();

    const next = await stores.open({ name, migrations: [...STORE_MIGRATIONS, testNextVersion] });
    expect(await next.readCheckpoint('QWE')).toBe('c1');
    expect((await next.searchByName('mia migrant')).map((hit) => hit.displayName)).toEqual(['Mia Migrant']);
    next.close();

    const raw = createDatabase(name, fakeDatabase, [...STORE_MIGRATIONS, testNextVersion]);
    databases.push(raw);
    await raw.open();
    expect(raw.verno).toBe(latest + 1);
    expect(await raw.patients.where('tag').equals('next').count()).toBe(1);
  });

  it('moves the name terms of a v1 store (multiEntry index) into postings, and searches still find them', async () => {
    const name = uniqueName('v1');
    // A v1 store as that version opened it (key check and name-pair marker written), then v1 rows.
    (await stores.open({ name, migrations: STORE_MIGRATIONS.slice(0, 1) })).close();
    const v1 = createDatabase(name, fakeDatabase, STORE_MIGRATIONS.slice(0, 1));
    databases.push(v1);
    await v1.open();
    const keys = await deriveStoreKeys(keyMaterial());
    const indexer = new BlindIndexer(keys.index);
    for (const person of [
      { patientId: 'p1', family: 'Migrant', given: 'Mia' },
      { patientId: 'p2', family: 'Mitchell', given: 'Mia' },
      { patientId: 'p3', family: 'Stayer', given: 'Sam' },
    ]) {
      const encoded = await encodePatient(keys.data, indexer, patientWrite(person));
      // The v1 row shape: name terms in `names`, no postings segment.
      await v1.table('patients').put({ ...encoded.row, names: [...encoded.nameTerms] });
      await v1.bodies.put(encoded.body);
    }
    v1.close();

    const store = await stores.open({ name });
    const found = async (query: string): Promise<string[]> =>
      (await store.searchByName(query)).map((hit) => hit.displayName).sort();
    expect(await found('mia')).toEqual(['Mia Migrant', 'Mia Mitchell']);
    expect(await found('mia migr')).toEqual(['Mia Migrant']);
    expect(await found('sam st')).toEqual(['Sam Stayer']);

    const raw = createDatabase(name, fakeDatabase);
    databases.push(raw);
    await raw.open();
    expect(raw.verno).toBe(latest);
    const rows = await raw.patients.toArray();
    expect(rows.map((row) => [row.s, 'names' in row])).toEqual([
      [1, false],
      [1, false],
      [1, false],
    ]);
    expect(await raw.postings.count()).toBeGreaterThan(0);
  });

  it('refuses migrations out of order', () => {
    const db = createDatabase(uniqueName('order'), fakeDatabase, []);
    databases.push(db);
    expect(() => {
      applyMigrations(db, [testNextVersion, ...STORE_MIGRATIONS]);
    }).toThrow(/increasing/);
  });
});
