// The search rows kept in memory: they answer exactly as IndexedDB does, are never used once a change is
// announced (searches go back to IndexedDB at once), and are read again when the writes pause.
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RowMirror, type MirrorSource } from '../../../../sync/store';
import { MAX_RELOAD_AFTER_MS } from '../../../../sync/store/row-mirror';
import { databaseOf } from '../../../../sync/store/patient-store';
import type { PatientRow } from '../../../../sync/store/schema';
import { OpenStores, patientWrite, uniqueName, validNhsNumber } from './store-fixtures';

const stores = new OpenStores();
afterEach(() => {
  stores.closeAll();
});

const FAMILIES = ['Smith', 'Smithson', 'Jones', 'Oliver', 'Patel', "O'Neill"] as const;
const GIVENS = ['Oliver', 'Olive', 'Amelia', 'Jo', 'Noah', 'Zoë'] as const;
const POSTCODES = ['NG7 2UH', 'NG7 1AA', 'DE1 3QT'] as const;

const until = async (condition: () => boolean, what: string): Promise<void> => {
  const deadline = Date.now() + 5_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

function person(n: number) {
  return patientWrite({
    patientId: `p${n}`,
    family: FAMILIES[n % FAMILIES.length] ?? 'Smith',
    given: GIVENS[(n * 7) % GIVENS.length] ?? 'Oliver',
    nhsNumber: validNhsNumber(n % 11),
    birthDate: `19${String(50 + (n % 5))}-03-07`,
    postcode: POSTCODES[n % POSTCODES.length] ?? 'NG7 2UH',
  });
}

const QUERIES = [
  validNhsNumber(3),
  validNhsNumber(10),
  'oliver smith',
  'olive smith',
  'jo jones',
  'amelia patel',
  'smith 07/03/1952',
  'NG7 2UH',
  'NG7',
  'DE1 3QT',
  'zoe o neill',
];

describe('rows kept in memory for search', () => {
  it('answers every kind of search exactly as IndexedDB does, after any commits and deletes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            upserts: fc.uniqueArray(fc.integer({ min: 0, max: 30 }), { maxLength: 8 }),
            deletes: fc.uniqueArray(fc.integer({ min: 0, max: 30 }), { maxLength: 4 }),
          }),
          { minLength: 1, maxLength: 5 },
        ),
        async (steps) => {
          const name = uniqueName('mirror');
          const writer = await stores.open({ name });
          const plain = await stores.open({ name });
          const searcher = await stores.open({ name });
          const mirror = searcher.keepRowsInMemory(0);
          for (const step of steps) {
            await writer.commit({
              icb: 'QWE',
              upserts: step.upserts.map(person),
              deletes: step.deletes.map((n) => `p${n}`),
              quarantine: [],
              checkpoint: null,
            });
          }
          // Every announcement delivered, then the copy current (read again after the last one).
          await new Promise((resolve) => setTimeout(resolve, 30));
          void mirror.load();
          await until(() => mirror.ready, 'the copy to be current');
          for (const query of QUERIES) {
            plain.clearCaches();
            searcher.clearCaches();
            const [expected, actual] = await Promise.all([
              plain.search(query, 50).catch((error: unknown) => String(error)),
              searcher.search(query, 50).catch((error: unknown) => String(error)),
            ]);
            expect(actual, query).toEqual(expected);
          }
          stores.closeAll();
        },
      ),
      { numRuns: 15 },
    );
  });

  it('is what searches read while current, and is dropped the moment a change is announced', async () => {
    const name = uniqueName('mirror-live');
    const writer = await stores.open({ name });
    const searcher = await stores.open({ name });
    await writer.commit({ icb: 'QWE', upserts: [person(1)], deletes: [], quarantine: [], checkpoint: null });
    const mirror = searcher.keepRowsInMemory(50);
    await mirror.load();
    const nhsNumber = validNhsNumber(1);
    // Removed behind the store's back (no announcement): a search still finds it, so it came from memory.
    const db = databaseOf(writer);
    await db.patients.clear();
    expect((await searcher.search(nhsNumber)).map((hit) => hit.nhsNumber)).toEqual([nhsNumber]);
    // A commit through a handle announces itself: from then on IndexedDB answers, then memory again.
    await writer.commit({ icb: 'QWE', upserts: [person(2)], deletes: [], quarantine: [], checkpoint: null });
    await until(() => !mirror.ready, 'the announcement');
    searcher.clearCaches();
    expect(await searcher.search(nhsNumber)).toEqual([]);
    expect((await searcher.search(validNhsNumber(2))).length).toBe(1);
    await until(() => mirror.ready, 'the reload');
    expect(mirror.size).toBe(1);
    await writer.purgeIcb('QWE');
    await until(() => !mirror.ready, 'the purge announcement');
    expect(await searcher.search(validNhsNumber(2))).toEqual([]);
  });

  it('throws away a load that a change overtook, and keeps index order and one entry per value', async () => {
    const row = (k: string, postcodes: string[]): PatientRow => ({
      k,
      b: 0,
      icb: 'QWE',
      refreshedAt: 1,
      nhs: 'n1',
      postcodes,
      pairs: ['p1', 'p1'],
      card: new Uint8Array([1]),
      s: 0,
    });
    let rows = [row('b', ['x', 'x']), row('a', ['x'])].sort((one, two) => (one.k < two.k ? -1 : 1));
    let release: (() => void) | undefined;
    const source: MirrorSource = {
      readRows: async (after, count) => {
        if (release === undefined) await new Promise<void>((resolve) => (release = resolve));
        return rows.filter((candidate) => after === undefined || candidate.k > after).slice(0, count);
      },
    };
    const mirror = new RowMirror(source, uniqueName('mirror-fake'), 60_000);
    try {
      const loading = mirror.load();
      await until(() => release !== undefined, 'the first read');
      mirror.invalidate();
      release?.();
      await loading;
      expect(mirror.ready).toBe(false);
      rows = [...rows, row('c', ['y'])];
      await mirror.load();
      expect(mirror.lookup('postcodes', 'x', 10)?.map((found) => found.k)).toEqual(['a', 'b']);
      expect(mirror.lookup('pairs', 'p1', 10)?.map((found) => found.k)).toEqual(['a', 'b', 'c']);
      expect(mirror.lookup('nhs', 'n1', 2)?.map((found) => found.k)).toEqual(['a', 'b']);
      expect(mirror.get('zz')).toBeNull();
      mirror.invalidate();
      expect(mirror.lookup('nhs', 'n1', 2)).toBeUndefined();
      expect(mirror.get('a')).toBeUndefined();
    } finally {
      mirror.close();
    }
  });

  it('waits out a sync whose commits come slower than the quiet time, reading the rows once it pauses', async () => {
    vi.useFakeTimers();
    let loads = 0;
    const source: MirrorSource = {
      readRows: (after) => {
        if (after === undefined) loads += 1;
        return Promise.resolve([]);
      },
    };
    const mirror = new RowMirror(source, uniqueName('mirror-slow-sync'), 100);
    try {
      // A sync over a slow link: a commit every 1.5 s, ten of them. A fixed 100 ms quiet time would read
      // every row ten times over, each read thrown away by the next commit.
      for (let commit = 0; commit < 10; commit++) {
        mirror.invalidate();
        await vi.advanceTimersByTimeAsync(1_500);
      }
      // Read once after the first commit (nothing showed yet how far apart they come), then not again.
      expect(loads).toBe(1);
      expect(mirror.ready).toBe(false);
      // Once the commits stop for twice their spacing, the rows are read and used again.
      await vi.advanceTimersByTimeAsync(1_500);
      expect(loads).toBe(2);
      expect(mirror.ready).toBe(true);
      // A change long after the sync (the next scheduled run) is a new burst: the short quiet time again.
      await vi.advanceTimersByTimeAsync(MAX_RELOAD_AFTER_MS + 1);
      mirror.invalidate();
      await vi.advanceTimersByTimeAsync(100);
      expect(loads).toBe(3);
      // Commits 50 s apart wait no longer than the cap after the last one.
      mirror.invalidate();
      await vi.advanceTimersByTimeAsync(50_000);
      mirror.invalidate();
      await vi.advanceTimersByTimeAsync(MAX_RELOAD_AFTER_MS - 1);
      expect(loads).toBe(4);
      await vi.advanceTimersByTimeAsync(1);
      expect(loads).toBe(5);
    } finally {
      mirror.close();
      vi.useRealTimers();
    }
  });
});
