// Name-pair terms: a two-word name search reads the rows' `pairs` index and, for short names, one short
// posting list, and finds exactly what the single-token intersection finds (the path a store filled before
// pair terms existed keeps using).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PatientStore, SearchHit } from '../../../../sync/store';
import { databaseOf } from '../../../../sync/store/patient-store';
import { indexPairs, lookupPairPrefix, namePairs, pairKey } from '../../../../sync/store/normalise';
import { OpenStores, patientWrite, uniqueName, validNhsNumber } from './store-fixtures';

const GIVEN = ['John', 'Johnny', 'Jonathan', 'Joan', 'Mary', 'Marianne', 'Siân', 'Li', 'Anne', 'Ann'];
const FAMILY = ['Smith', 'Smithson', 'Smyth', "O'Brien", 'Hughes-Jones', 'Brien', 'Wei', 'Annesley'];

const stores = new OpenStores();
let paired: PatientStore;
let unpaired: PatientStore;

const ids = (hits: readonly SearchHit[]): string[] => hits.map((hit) => hit.nhsNumber ?? '').sort();

beforeAll(async () => {
  const upserts = GIVEN.flatMap((given, g) =>
    FAMILY.map((family, f) =>
      patientWrite({
        patientId: `p${g}-${f}`,
        given,
        family,
        nhsNumber: validNhsNumber(g * FAMILY.length + f),
      }),
    ),
  );
  paired = await stores.open({ name: uniqueName('pairs') });
  await paired.commit({ icb: 'QWE', upserts, deletes: [], quarantine: [], checkpoint: null });
  // The same rows in a store that predates pair terms: no markers and no `pairs` on the rows, so searches
  // take the single-token path.
  const name = uniqueName('no-pairs');
  const old = await stores.open({ name });
  await old.commit({ icb: 'QWE', upserts, deletes: [], quarantine: [], checkpoint: null });
  const db = databaseOf(old);
  await db.meta.bulkDelete(['name-pairs', 'pair-index']);
  await db.patients.toCollection().modify((row: { pairs?: string[] }) => {
    delete row.pairs;
  });
  old.close();
  unpaired = await stores.open({ name });
});

afterAll(() => {
  stores.closeAll();
});

describe('name-pair terms', () => {
  it('keeps in the postings the pairs a 3- or 4-character query token looks up, in a fixed order', () => {
    expect(namePairs(['jonathan', 'smith']).sort()).toEqual(
      [pairKey('jon', 'smi'), pairKey('jon', 'smith'), pairKey('jonat', 'smi')].sort(),
    );
    // A 4-letter name is looked up by its first 3 letters ("john" as "joh").
    expect(namePairs(['john', 'smith']).sort()).toEqual(
      [pairKey('joh', 'smi'), pairKey('joh', 'smith')].sort(),
    );
    expect(namePairs(['li', 'wei'])).toEqual([]);
    expect(namePairs(['伟', '李', 'wei'])).toEqual([]);
    expect(pairKey('smith', 'john')).toBe(pairKey('john', 'smith'));
    expect(lookupPairPrefix('jo')).toBeUndefined();
    expect(lookupPairPrefix('smit')).toBe('smi');
    expect(lookupPairPrefix('smithson')).toBe('smith');
  });

  it('indexes on the row every two name tokens cut to 5 characters', () => {
    expect(indexPairs(['oliver', 'james', 'smith']).sort()).toEqual(
      [pairKey('olive', 'james'), pairKey('olive', 'smith'), pairKey('james', 'smith')].sort(),
    );
    expect(indexPairs(['john', 'smithson'])).toEqual([pairKey('john', 'smith')]);
    expect(indexPairs(['li', 'wei'])).toEqual([]);
    expect(indexPairs(['zoe', 'lee'])).toEqual([pairKey('zoe', 'lee')]);
  });

  it('finds John Smith by "smith john", "john smi" and "jon smith" as the token intersection does', async () => {
    for (const query of [
      'smith john',
      'john smi',
      'jon smith',
      'mary hughes-jones',
      "ann o'brien",
      'li wei',
    ]) {
      const viaPairs = await paired.searchByName(query, undefined, 200);
      expect(viaPairs.length, query).toBeGreaterThan(0);
      expect(ids(viaPairs), query).toEqual(ids(await unpaired.searchByName(query, undefined, 200)));
    }
  });

  it('answers a page of exact matches from the row index alone, the same page as the full search', async () => {
    // Eight Johns called Smith exactly, and one Johnny Smith: with a limit of 5, the page is the exact matches.
    const store = await stores.open({ name: uniqueName('exact-page') });
    const smiths = Array.from({ length: 8 }, (_, index) =>
      patientWrite({
        patientId: `s${index}`,
        given: 'John',
        family: 'Smith',
        birthDate: `1950-01-0${index + 1}`,
        nhsNumber: validNhsNumber(500 + index),
      }),
    );
    const johnny = patientWrite({
      patientId: 'j',
      given: 'Johnny',
      family: 'Smith',
      nhsNumber: validNhsNumber(600),
    });
    await store.commit({
      icb: 'QWE',
      upserts: [...smiths, johnny],
      deletes: [],
      quarantine: [],
      checkpoint: null,
    });
    const page = await store.searchByName('john smith', undefined, 5);
    expect(page.map((hit) => hit.birthDate)).toEqual([
      '1950-01-01',
      '1950-01-02',
      '1950-01-03',
      '1950-01-04',
      '1950-01-05',
    ]);
    // The postings are not needed for that page; a longer page needs them for the prefix match.
    await databaseOf(store).postings.clear();
    expect(await store.searchByName('john smith', undefined, 5)).toEqual(page);
    expect(
      (await store.searchByName('john smith', undefined, 20)).map((hit) => hit.displayName),
    ).not.toContain('Johnny Smith');
  });

  it('returns the same patients as the single-token path for any query built from name prefixes', async () => {
    const token = fc
      .constantFrom(...GIVEN, ...FAMILY)
      .chain((word) => fc.integer({ min: 1, max: word.length }).map((length) => word.slice(0, length)));
    await fc.assert(
      fc.asyncProperty(fc.array(token, { minLength: 2, maxLength: 3 }), async (words) => {
        const query = words.join(' ');
        expect(ids(await paired.searchByName(query, undefined, 200)), query).toEqual(
          ids(await unpaired.searchByName(query, undefined, 200)),
        );
      }),
      { numRuns: 150, seed: 20261201 },
    );
  });

  it('returns the same first page as the single-token path, whichever path answers it', async () => {
    const token = fc
      .constantFrom(...GIVEN, ...FAMILY)
      .chain((word) =>
        fc
          .integer({ min: Math.min(3, word.length), max: word.length })
          .map((length) => word.slice(0, length)),
      );
    await fc.assert(
      fc.asyncProperty(
        fc.array(token, { minLength: 2, maxLength: 2 }),
        fc.integer({ min: 1, max: 6 }),
        async (words, limit) => {
          const query = words.join(' ');
          expect(ids(await paired.searchByName(query, undefined, limit)), query).toEqual(
            ids(await unpaired.searchByName(query, undefined, limit)),
          );
        },
      ),
      { numRuns: 150, seed: 20261202 },
    );
  });
});
