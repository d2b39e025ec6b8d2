import { afterEach, describe, expect, it } from 'vitest';
import type { Transaction } from 'dexie';
import { STORE_MIGRATIONS } from '../../../../sync/store';
import type { StoreMigration } from '../../../../sync/store';
import { BlindIndexer } from '../../../../sync/store/blind-index';
import { deriveStoreKeys } from '../../../../sync/store/data-key';
import { encodePatient } from '../../../../sync/store/row-codec';
import { applyMigrations, createDatabase, exactTerms } from '../../../../sync/store/schema';
import type { PatientRow } from '../../../../sync/store/schema';
import { postingsStateRow, SegmentBuilder } from '../../../../sync/store/postings';
import type { StoreDatabase } from '../../../../sync/store/schema';
import {
  OpenStores,
  fakeDatabase,
  keyMaterial,
  patientWrite,
  uniqueName,
  validNhsNumber,
} from './store-fixtures';

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
  stores: { patients: 'k, [icb+refreshedAt], *pairs, tag' },
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
      const exact = exactTerms(encoded.row);
      const names = encoded.postingTerms.filter((term) => !exact.includes(term));
      await v1.table('patients').put({ ...encoded.row, names });
      await v1.table('bodies').put(encoded.body);
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

  it('migrates a v4 store: exact terms from indexes into postings, bodies into groups of eight', async () => {
    const name = uniqueName('v4');
    const v4Migrations = STORE_MIGRATIONS.filter((migration) => migration.version <= 4);
    const people = [
      { patientId: 'p1', family: 'Indexed', given: 'Ivy', nhsNumber: validNhsNumber(1), postcode: 'NG7 2UH' },
      {
        patientId: 'p2',
        family: 'Indexed',
        given: 'Isla',
        nhsNumber: validNhsNumber(2),
        postcode: 'NG7 2UH',
      },
      { patientId: 'p3', family: 'Other', given: 'Otto', birthDate: '1950-03-04', postcode: 'DE1 1AA' },
      // Enough more to fill two groups of the one commit.
      ...Array.from({ length: 8 }, (_, index) => ({
        patientId: `q${index}`,
        family: 'Filler',
        given: `Fay${String.fromCharCode(97 + index)}`,
      })),
    ];
    // A v4 store as that version opened it (key check written), then rows as a v4 commit wrote them: the
    // exact terms in indexes, a body row each, the postings holding name terms only.
    (await stores.open({ name, migrations: v4Migrations })).close();
    const v4 = createDatabase(name, fakeDatabase, v4Migrations);
    databases.push(v4);
    await v4.open();
    const keys = await deriveStoreKeys(keyMaterial());
    const indexer = new BlindIndexer(keys.index);
    const postings = new SegmentBuilder();
    for (const [index, person] of people.entries()) {
      const encoded = await encodePatient(
        keys.data,
        indexer,
        patientWrite({ ...person, refreshedAt: 1_000 * (index + 1) }),
      );
      const exact = exactTerms(encoded.row);
      postings.add(
        encoded.row.k,
        encoded.postingTerms.filter((term) => !exact.includes(term)),
      );
      await v4.patients.put({ ...encoded.row, s: 1 } as PatientRow);
      await v4.table('bodies').put(encoded.body);
    }
    await v4.postings.bulkAdd(postings.rows(1));
    await v4.meta.put(postingsStateRow({ next: 2, sinceCompaction: 1, segments: [[1, 0]] }));
    const nhsTerm = (await v4.patients.toArray()).find((row) => row.nhs !== undefined)?.nhs ?? '';
    expect(await v4.patients.where('nhs').equals(nhsTerm).count()).toBe(1);
    v4.close();

    const store = await stores.open({ name });
    const names = (hits: readonly { displayName: string }[]): string[] =>
      hits.map((hit) => hit.displayName).sort();
    expect(names(await store.searchByNhsNumber(validNhsNumber(2)))).toEqual(['Isla Indexed']);
    expect(names(await store.searchByPostcode('ng72uh'))).toEqual(['Isla Indexed', 'Ivy Indexed']);
    expect(names(await store.searchByPostcode('DE1'))).toEqual(['Otto Other']);
    expect(names(await store.search('4/3/1950'))).toEqual(['Otto Other']);
    expect(names(await store.searchByName('ivy'))).toEqual(['Ivy Indexed']);
    expect((await store.counts()).byIcb).toEqual({ QWE: 11 });
    const records = await store.readRecords('QWE', ['p1', 'p2', 'p3', 'q7']);
    expect([...records.keys()].sort()).toEqual(['p1', 'p2', 'p3', 'q7']);
    expect(records.get('q7')?.raw[0]).toMatchObject({ resourceType: 'Patient', id: 'q7' });
    expect(await store.purgeExpired(2_500, 1_000)).toBe(1);
    expect(names(await store.searchByPostcode('ng72uh'))).toEqual(['Isla Indexed']);
    store.close();

    const after = createDatabase(name, fakeDatabase);
    databases.push(after);
    await after.open();
    expect(after.verno).toBe(latest);
    expect(after.patients.schema.indexes.map((index) => index.name).sort()).toEqual([
      '[icb+refreshedAt]',
      'pairs',
    ]);
    expect(after.tables.map((table) => table.name)).not.toContain('bodies');
    // Eleven rows of one commit in groups of 8 and 3; the purge cut the oldest out of the first.
    const groups = await after.bodyGroups.toArray();
    expect(groups.map((group) => [group.s, group.g, group.keys.length])).toEqual([
      [1, 0, 7],
      [1, 1, 3],
    ]);
    const rows = await after.patients.toArray();
    expect(rows.map((row) => row.b).sort()).toEqual([0, 0, 0, 0, 0, 0, 0, 1, 1, 1]);
  });

  it('refuses migrations out of order', () => {
    const db = createDatabase(uniqueName('order'), fakeDatabase, []);
    databases.push(db);
    expect(() => {
      applyMigrations(db, [testNextVersion, ...STORE_MIGRATIONS]);
    }).toThrow(/increasing/);
  });
});
