// Name-pair terms: a two-word name search reads one short posting list, and finds exactly what the
// single-token intersection finds (the path a store filled before pair terms existed keeps using).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PatientStore, SearchHit } from '../../../../sync/store';
import { databaseOf } from '../../../../sync/store/patient-store';
import { lookupPairPrefix, namePairs, pairKey, usualPair } from '../../../../sync/store/normalise';
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
  // The same rows in a store that predates pair terms: no marker, so searches take the single-token path.
  const name = uniqueName('no-pairs');
  const old = await stores.open({ name });
  await old.commit({ icb: 'QWE', upserts, deletes: [], quarantine: [], checkpoint: null });
  await databaseOf(old).meta.delete('name-pairs');
  old.close();
  unpaired = await stores.open({ name });
});

afterAll(() => {
  stores.closeAll();
});

describe('name-pair terms', () => {
  it('pairs two tokens at 3 and 5 characters in a fixed order, skipping short and ideographic tokens', () => {
    expect(namePairs(['jonathan', 'smith'])).toEqual(
      expect.arrayContaining([pairKey('jon', 'smi'), pairKey('jonat', 'smith'), pairKey('jon', 'smith')]),
    );
    expect(namePairs(['li', 'wei'])).toEqual([]);
    expect(namePairs(['伟', '李', 'wei'])).toEqual([]);
    expect(pairKey('smith', 'john')).toBe(pairKey('john', 'smith'));
    expect(lookupPairPrefix('jo')).toBeUndefined();
    expect(lookupPairPrefix('smit')).toBe('smi');
    expect(lookupPairPrefix('smithson')).toBe('smith');
  });

  it('gives the usual name the pair term a query of its first given and family name looks up', () => {
    expect(usualPair('Oliver James', 'Smith')).toBe(pairKey('olive', 'smith'));
    expect(usualPair('Mary', "O'Brien")).toBe(pairKey('mar', 'brien'));
    expect(usualPair('Zoë', 'Lee')).toBe(pairKey('zoe', 'lee'));
    expect(usualPair('Li', 'Wei')).toBeUndefined();
    expect(usualPair('Ann', 'Annabel')).toBeUndefined();
    expect(usualPair('', 'Smith')).toBeUndefined();
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
});
