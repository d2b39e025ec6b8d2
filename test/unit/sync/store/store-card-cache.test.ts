// The decrypted-card cache of searches: repeated searches decrypt only new candidates, and a cached card is
// never served for a row whose ciphertext has changed (rewritten or tampered with).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TooManyMatchesError } from '../../../../sync/store';
import { CardCache } from '../../../../sync/store/card-cache';
import { MAX_NAME_CANDIDATES } from '../../../../sync/store/search';
import { databaseOf } from '../../../../sync/store/patient-store';
import type { SealedCard } from '../../../../sync/store/row-codec';
import { OpenStores, patientWrite, uniqueName } from './store-fixtures';

const stores = new OpenStores();
afterEach(() => {
  stores.closeAll();
  vi.restoreAllMocks();
});

describe('search card cache', () => {
  it('decrypts a candidate once across keystrokes, and again after clearCaches', async () => {
    const store = await stores.open({ name: uniqueName('cache') });
    const upserts = ['Smith', 'Smithson', 'Smyth'].map((family, index) =>
      patientWrite({ patientId: `p${index}`, given: 'Oliver', family }),
    );
    await store.commit({ icb: 'QWE', upserts, deletes: [], quarantine: [], checkpoint: 1 });
    const decrypt = vi.spyOn(crypto.subtle, 'decrypt');
    expect(await store.searchByName('oliver sm')).toHaveLength(3);
    expect(decrypt).toHaveBeenCalledTimes(3);
    expect((await store.searchByName('oliver smith')).map((hit) => hit.displayName)).toEqual([
      'Oliver Smith',
      'Oliver Smithson',
    ]);
    expect(decrypt).toHaveBeenCalledTimes(3);
    store.clearCaches();
    expect(await store.searchByName('oliver smith')).toHaveLength(2);
    expect(decrypt).toHaveBeenCalledTimes(5);
  });

  it('opens a rewritten row afresh and reports a tampered one even after it was cached', async () => {
    const corrupt: string[] = [];
    const store = await stores.open({
      name: uniqueName('cache-fresh'),
      onCorruptRow: (error) => corrupt.push(error.key),
    });
    const write = (family: string) => patientWrite({ patientId: 'p1', given: 'Ann', family });
    await store.commit({ icb: 'QWE', upserts: [write('Old')], deletes: [], quarantine: [], checkpoint: 1 });
    expect((await store.searchByName('ann')).map((hit) => hit.displayName)).toEqual(['Ann Old']);
    await store.commit({
      icb: 'QWE',
      upserts: [write('Oldham')],
      deletes: [],
      quarantine: [],
      checkpoint: 2,
    });
    expect((await store.searchByName('ann')).map((hit) => hit.displayName)).toEqual(['Ann Oldham']);

    const db = databaseOf(store);
    const [row] = await db.patients.toArray();
    if (row === undefined) throw new Error('no row');
    const card = row.card.slice();
    card[card.length - 3] = (card[card.length - 3] ?? 0) ^ 0x01;
    await db.patients.put({ ...row, card });
    expect(await store.searchByName('ann')).toEqual([]);
    expect(corrupt).toEqual([row.k]);
  });

  it('keeps the 5,000 most recently used cards', () => {
    const cache = new CardCache();
    const card = (id: string): SealedCard => ({
      card: { displayName: id, icb: 'QWE', restricted: false, deceased: false },
      patientId: id,
      tokens: [id],
    });
    const sealed = (index: number) => Uint8Array.from([index & 0xff, index >> 8]);
    for (let index = 0; index < 5_000; index++) cache.set(`k${index}`, sealed(index), card(`p${index}`));
    expect(cache.get('k0', sealed(0))?.patientId).toBe('p0');
    cache.set('k5000', sealed(5000), card('p5000'));
    expect(cache.get('k0', sealed(0))?.patientId).toBe('p0');
    expect(cache.get('k1', sealed(1))).toBeUndefined();
    expect(cache.get('k5000', sealed(5000))?.patientId).toBe('p5000');
    expect(cache.get('k2', sealed(999))).toBeUndefined();
  });
});

describe('broad name searches', () => {
  it('asks for more of a name that more than MAX_NAME_CANDIDATES patients share, and answers with a DOB', async () => {
    const store = await stores.open({ name: uniqueName('broad') });
    const upserts = Array.from({ length: MAX_NAME_CANDIDATES + 2 }, (_, index) =>
      patientWrite({
        patientId: `p${index}`,
        given: index === 0 ? 'Olga' : 'Oliver',
        family: 'Smith',
        birthDate: `19${String(10 + (index % 80)).padStart(2, '0')}-01-0${1 + (index % 9)}`,
      }),
    );
    await store.commit({ icb: 'QWE', upserts, deletes: [], quarantine: [], checkpoint: 1 });
    const broad = await store.search('ol smith').catch((error: unknown) => error);
    expect(broad).toBeInstanceOf(TooManyMatchesError);
    expect((broad as TooManyMatchesError).matches).toBe(MAX_NAME_CANDIDATES + 2);
    // Two full names are looked up in the row index, which stops reading one row past the limit.
    const full = await store.search('oliver smith').catch((error: unknown) => error);
    expect(full).toBeInstanceOf(TooManyMatchesError);
    expect((full as TooManyMatchesError).matches).toBe(MAX_NAME_CANDIDATES + 1);
    expect((await store.search('olga smith')).map((hit) => hit.displayName)).toEqual(['Olga Smith']);
    expect((await store.search('oliver smith 02/01/1911')).map((hit) => hit.displayName)).toEqual([
      'Oliver Smith',
    ]);
  });
});
