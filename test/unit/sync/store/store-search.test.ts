import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidQueryError } from '../../../../sync/store';
import type { PatientStore, SearchHit } from '../../../../sync/store';
import { OpenStores, patientWrite, uniqueName, validNhsNumber } from './store-fixtures';

const stores = new OpenStores();
let store: PatientStore;

const SIAN_NHS = validNhsNumber(10);
const OBRIEN_NHS = validNhsNumber(11);
const LI_NHS = validNhsNumber(12);

const names = (hits: readonly SearchHit[]): string[] => hits.map((hit) => hit.displayName);

beforeAll(async () => {
  store = await stores.open({ name: uniqueName('search') });
  await store.commit({
    icb: 'QWE',
    upserts: [
      {
        patientId: 's1',
        family: 'Hughes-Jones',
        given: 'Siân',
        nhsNumber: SIAN_NHS,
        birthDate: '1980-02-01',
        postcode: 'CF10 1AA',
        refreshedAt: 10,
      },
      {
        patientId: 'o1',
        family: "O'Brien",
        given: 'Patrick',
        nhsNumber: OBRIEN_NHS,
        birthDate: '1975-12-25',
        postcode: 'LS1 4AP',
      },
      {
        patientId: 'l1',
        family: '李',
        given: '伟',
        extraNames: ['李伟'],
        nhsNumber: LI_NHS,
        birthDate: '1990-06-15',
        postcode: 'M1 1AE',
      },
      { patientId: 'j1', family: 'Smith', given: 'John', birthDate: '1990-05-06', postcode: 'LS1 5AB' },
      { patientId: 'j2', family: 'Smithson', given: 'John', birthDate: '1985-01-01', postcode: 'LS2 7EE' },
      { patientId: 'j3', family: 'Smith', given: 'Johnny', birthDate: '1990-05-06', postcode: 'LS1 4AP' },
      { patientId: 'j4', family: 'Smith', given: 'Jane', birthDate: '1970-03-03', postcode: 'LS12 3AB' },
    ].map(patientWrite),
    deletes: [],
    quarantine: [],
    checkpoint: null,
  });
  await store.commit({
    icb: 'QXX',
    upserts: [
      patientWrite({
        icb: 'QXX',
        patientId: 'other-s1',
        family: 'Hughes-Jones',
        given: 'Sian',
        nhsNumber: SIAN_NHS,
        birthDate: '1980-02-01',
        postcode: 'CF10 1AA',
        refreshedAt: 20,
        restricted: true,
      }),
    ],
    deletes: [],
    quarantine: [],
    checkpoint: null,
  });
});
afterAll(() => {
  stores.closeAll();
});

describe('PatientStore search by NHS number', () => {
  it('finds a patient whatever spaces or dashes are typed', async () => {
    for (const typed of [
      OBRIEN_NHS,
      `${OBRIEN_NHS.slice(0, 3)} ${OBRIEN_NHS.slice(3, 6)} ${OBRIEN_NHS.slice(6)}`,
      `${OBRIEN_NHS.slice(0, 3)}-${OBRIEN_NHS.slice(3, 6)}-${OBRIEN_NHS.slice(6)}`,
    ]) {
      expect(names(await store.searchByNhsNumber(typed))).toEqual(["Patrick O'Brien"]);
      expect(names(await store.search(typed))).toEqual(["Patrick O'Brien"]);
    }
  });

  it('rejects a number whose check digit is wrong', async () => {
    const wrong = `${OBRIEN_NHS.slice(0, 9)}${(Number(OBRIEN_NHS[9]) + 1) % 10}`;
    await expect(store.searchByNhsNumber(wrong)).rejects.toBeInstanceOf(InvalidQueryError);
    await expect(store.search(wrong)).rejects.toThrow(/check digit/);
  });

  it('merges the same NHS number from two ICBs into one hit with two sources', async () => {
    const hits = await store.searchByNhsNumber(SIAN_NHS);
    expect(hits).toHaveLength(1);
    const [hit] = hits;
    expect(hit?.sources.map((source) => source.icb)).toEqual(['QXX', 'QWE']);
    expect(hit?.restricted).toBe(true);
    expect(hit?.displayName).toBe('Sian Hughes-Jones');
    const summaries = await store.readSummaries(hit?.sources.map((source) => source.key) ?? []);
    expect(summaries.map((summary) => summary.icb)).toEqual(['QXX', 'QWE']);
  });

  it("opens every ICB's record of a hit's NHS number, also one its name search did not match", async () => {
    const own = await stores.open({ name: uniqueName('other-name') });
    const nhsNumber = validNhsNumber(77);
    const write = (icb: string, family: string) =>
      patientWrite({ icb, patientId: `${icb}-1`, given: 'Harriet', family, nhsNumber });
    for (const [icb, family] of [
      ['QWE', 'Lindqvist'],
      ['QXX', 'Marsh'],
    ] as const) {
      await own.commit({ icb, upserts: [write(icb, family)], deletes: [], quarantine: [], checkpoint: null });
    }
    // Known by her earlier name in one ICB: the search finds that ICB's row alone.
    const [hit] = await own.searchByName('harriet lindqvist');
    expect(hit?.sources.map((source) => source.icb)).toEqual(['QWE']);
    const keys = hit?.sources.map((source) => source.key) ?? [];
    expect((await own.readSummaries(keys)).map((summary) => summary.icb)).toEqual(['QWE']);
    const opened = await own.readSummaries(keys, hit?.nhsNumber);
    expect(opened.map((summary) => summary.icb).sort()).toEqual(['QWE', 'QXX']);
    // An NHS number that is not valid adds nothing (and is not an error: the keys still open).
    expect(await own.readSummaries(keys, '1234567890')).toHaveLength(1);
  });
});

describe('PatientStore search by name', () => {
  it('matches names regardless of case, diacritics and Unicode normal form', async () => {
    for (const typed of ['Siân', 'SIAN', 'Sia\u0302n', 'sian hughes', 'Si\u00e2n HUGHES-JONES']) {
      const hits = await store.searchByName(typed);
      expect(hits.map((hit) => hit.nhsNumber)).toEqual([SIAN_NHS]);
      expect(hits[0]?.sources).toHaveLength(2);
    }
  });

  it('matches apostrophe and hyphen names written any of the usual ways', async () => {
    for (const typed of ["O'Brien", 'obrien', 'o brien', 'OBRIEN', 'brien', 'O\u2019Brien patrick']) {
      expect(names(await store.searchByName(typed))).toEqual(["Patrick O'Brien"]);
    }
    for (const typed of ['Hughes-Jones', 'hughes jones', 'hughesjones', 'jones', 'hughes']) {
      expect((await store.searchByName(typed)).map((hit) => hit.nhsNumber)).toEqual([SIAN_NHS]);
    }
  });

  it('finds names in non-Latin scripts, by the whole name or its first character', async () => {
    for (const typed of ['李伟', '李', '李 伟', '伟']) {
      expect((await store.searchByName(typed)).map((hit) => hit.nhsNumber)).toEqual([LI_NHS]);
    }
  });

  it('narrows as the user types: every token is a prefix and all must match', async () => {
    // "jo" is also the start of Hughes-Jones.
    expect(names(await store.searchByName('jo'))).toEqual([
      'John Smith',
      'John Smithson',
      'Johnny Smith',
      'Sian Hughes-Jones',
    ]);
    expect(names(await store.searchByName('jo smi'))).toEqual([
      'John Smith',
      'John Smithson',
      'Johnny Smith',
    ]);
    expect(names(await store.searchByName('johnn smit'))).toEqual(['Johnny Smith']);
    expect(names(await store.searchByName('j smith'))).toEqual([
      'Jane Smith',
      'John Smith',
      'Johnny Smith',
      'John Smithson',
    ]);
    expect(names(await store.searchByName('smithsonian'))).toEqual([]);
    expect(names(await store.searchByName('x'))).toEqual([]);
  });

  it('ranks exact token matches before prefix matches, then by name', async () => {
    expect(names(await store.searchByName('john smith'))).toEqual([
      'John Smith',
      'John Smithson',
      'Johnny Smith',
    ]);
    expect(names(await store.searchByName('smith'))).toEqual([
      'Jane Smith',
      'John Smith',
      'Johnny Smith',
      'John Smithson',
    ]);
  });

  it('narrows by date of birth in the formats crews type', async () => {
    for (const date of ['06/05/1990', '6/5/1990', '1990-05-06', '6.5.90', '06-05-1990', '06051990']) {
      expect(names(await store.searchByName('smith', date))).toEqual(['John Smith', 'Johnny Smith']);
      expect(names(await store.search(`smith ${date}`))).toEqual(['John Smith', 'Johnny Smith']);
      expect(names(await store.search(`${date} john`))).toEqual(['John Smith', 'Johnny Smith']);
    }
    expect(names(await store.search('06/05/1990'))).toEqual(['John Smith', 'Johnny Smith']);
    await expect(store.searchByName('smith', '31/02/1990')).rejects.toBeInstanceOf(InvalidQueryError);
  });

  it('honours the limit', async () => {
    expect(await store.search('smith', 2)).toHaveLength(2);
  });
});

describe('PatientStore search by postcode', () => {
  it('finds full postcodes and districts in any case, with or without the space', async () => {
    for (const typed of ['LS1 4AP', 'ls14ap', ' ls1  4ap ']) {
      expect(names(await store.searchByPostcode(typed))).toEqual(['Johnny Smith', "Patrick O'Brien"]);
      expect(names(await store.search(typed))).toEqual(['Johnny Smith', "Patrick O'Brien"]);
    }
    expect(names(await store.search('ls1'))).toEqual(['John Smith', 'Johnny Smith', "Patrick O'Brien"]);
    expect(names(await store.search('LS12'))).toEqual(['Jane Smith']);
    expect((await store.search('cf10')).map((hit) => hit.sources.length)).toEqual([2]);
  });

  it('rejects text that is no postcode', async () => {
    await expect(store.searchByPostcode('LS')).rejects.toBeInstanceOf(InvalidQueryError);
    await expect(store.search('smith 12')).rejects.toBeInstanceOf(InvalidQueryError);
  });
});
