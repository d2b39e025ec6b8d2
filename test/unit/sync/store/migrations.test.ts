import { afterEach, describe, expect, it } from 'vitest';
import type { Transaction } from 'dexie';
import { STORE_MIGRATIONS } from '../../../../sync/store';
import type { StoreMigration } from '../../../../sync/store';
import { applyMigrations, createDatabase } from '../../../../sync/store/schema';
import type { StoreDatabase } from '../../../../sync/store/schema';
import { OpenStores, fakeDatabase, patientWrite, uniqueName } from './store-fixtures';

const stores = new OpenStores();
const databases: StoreDatabase[] = [];
afterEach(() => {
  stores.closeAll();
  for (const db of databases.splice(0)) db.close();
});

/** A test-only v2: adds an index and fills it in the upgrade, the way a real migration would. */
const testVersion2: StoreMigration = {
  version: 2,
  description: 'test only: index patients by a schema tag',
  stores: { patients: 'k, icb, refreshedAt, nhs, *names, dob, *postcodes, tag' },
  upgrade: async (transaction: Transaction) => {
    await transaction
      .table('patients')
      .toCollection()
      .modify((row: Record<string, unknown>) => {
        row.tag = 'v2';
      });
  },
};

describe('store migrations', () => {
  it('upgrades a v1 store to v2, running the upgrade on existing rows and keeping the data', async () => {
    const name = uniqueName('migrate');
    const v1 = await stores.open({ name });
    await v1.commit({
      icb: 'QWE',
      upserts: [patientWrite({ patientId: 'p1', family: 'Migrant', given: 'Mia' })],
      deletes: [],
      quarantine: [],
      checkpoint: 'c1',
    });
    v1.close();

    const v2 = await stores.open({ name, migrations: [...STORE_MIGRATIONS, testVersion2] });
    expect(await v2.readCheckpoint('QWE')).toBe('c1');
    expect((await v2.searchByName('mia migrant')).map((hit) => hit.displayName)).toEqual(['Mia Migrant']);
    v2.close();

    const raw = createDatabase(name, fakeDatabase, [...STORE_MIGRATIONS, testVersion2]);
    databases.push(raw);
    await raw.open();
    expect(raw.verno).toBe(2);
    expect(await raw.patients.where('tag').equals('v2').count()).toBe(1);
  });

  it('refuses migrations out of order', () => {
    const db = createDatabase(uniqueName('order'), fakeDatabase, []);
    databases.push(db);
    expect(() => {
      applyMigrations(db, [testVersion2, ...STORE_MIGRATIONS]);
    }).toThrow(/increasing/);
  });
});
