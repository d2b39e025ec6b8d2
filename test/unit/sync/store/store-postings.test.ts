// Name postings: a commit adds a segment, rows written again make their older entries stale, and compaction
// merges the segments without changing what any search finds.
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { PatientStore } from '../../../../sync/store';
import { databaseOf } from '../../../../sync/store/patient-store';
import { COMPACT_AFTER_SEGMENTS, POSTINGS_META } from '../../../../sync/store/postings';
import { OpenStores, patientWrite, uniqueName } from './store-fixtures';

const stores = new OpenStores();
afterEach(() => {
  stores.closeAll();
});

const GIVEN = ['Ann', 'Anna', 'Bob', 'Carys'];
const FAMILY = ['Old', 'Olden', 'New', 'Newman'];

async function names(store: PatientStore, query: string): Promise<string[]> {
  return (await store.searchByName(query, undefined, 100)).map((hit) => hit.displayName).sort();
}

async function postingsState(store: PatientStore): Promise<{ next: number; sinceCompaction: number }> {
  const row = await databaseOf(store).meta.get(POSTINGS_META);
  return JSON.parse(new TextDecoder().decode(row?.value)) as { next: number; sinceCompaction: number };
}

describe('name postings', () => {
  it('finds a renamed patient only by the new name, once, before and after compaction', async () => {
    const store = await stores.open({ name: uniqueName('rename') });
    const write = (family: string) => patientWrite({ patientId: 'p1', given: 'Ann', family });
    await store.commit({ icb: 'QWE', upserts: [write('Old')], deletes: [], quarantine: [], checkpoint: 1 });
    await store.commit({ icb: 'QWE', upserts: [write('New')], deletes: [], quarantine: [], checkpoint: 2 });
    for (const phase of ['before', 'after']) {
      expect(await names(store, 'ann old'), phase).toEqual([]);
      expect(await names(store, 'old'), phase).toEqual([]);
      expect(await names(store, 'ann new'), phase).toEqual(['Ann New']);
      expect(await names(store, 'ann'), phase).toEqual(['Ann New']);
      await store.compactPostings();
    }
    // Compaction left one segment holding only the live entries.
    const rows = await databaseOf(store).postings.toArray();
    expect(new Set(rows.map((row) => row.s)).size).toBe(1);
    expect(await postingsState(store)).toMatchObject({ sinceCompaction: 0 });
  });

  it('compacts by itself once a commit reaches the segment limit', async () => {
    const store = await stores.open({ name: uniqueName('auto') });
    for (let step = 0; step < COMPACT_AFTER_SEGMENTS; step++) {
      await store.commit({
        icb: 'QWE',
        upserts: [patientWrite({ patientId: `p${step % 5}`, given: 'Bob', family: `Step${step}` })],
        deletes: [],
        quarantine: [],
        checkpoint: step,
      });
    }
    // Commits took segments 1 to the limit; the compaction took the next one.
    expect(await postingsState(store)).toEqual({ next: COMPACT_AFTER_SEGMENTS + 2, sinceCompaction: 0 });
    expect(new Set((await databaseOf(store).postings.toArray()).map((row) => row.s))).toEqual(
      new Set([COMPACT_AFTER_SEGMENTS + 1]),
    );
    expect(await names(store, 'bob')).toHaveLength(5);
    expect(await names(store, `bob step${COMPACT_AFTER_SEGMENTS - 1}`)).toEqual([
      `Bob Step${COMPACT_AFTER_SEGMENTS - 1}`,
    ]);
  });

  it('refuses a postings state it cannot read, without losing the rows', async () => {
    const name = uniqueName('corrupt');
    const store = await stores.open({ name });
    const ann = patientWrite({ patientId: 'p1', given: 'Ann', family: 'Old' });
    await store.commit({ icb: 'QWE', upserts: [ann], deletes: [], quarantine: [], checkpoint: 1 });
    await databaseOf(store).meta.put({
      name: POSTINGS_META,
      value: new TextEncoder().encode('{"next":"x"}'),
    });
    await expect(
      store.commit({ icb: 'QWE', upserts: [ann], deletes: [], quarantine: [], checkpoint: 2 }),
    ).rejects.toThrow(/meta\.value/);
    expect(await store.readCheckpoint('QWE')).toBe(1);
    expect(await names(store, 'ann')).toEqual(['Ann Old']);
  });

  it('reports a damaged postings row and still answers from the others, before and after compaction', async () => {
    const corrupt: string[] = [];
    const store = await stores.open({
      name: uniqueName('damaged'),
      onCorruptRow: (error) => corrupt.push(`${error.table}:${error.key}`),
    });
    const ann = patientWrite({ patientId: 'p1', given: 'Ann', family: 'Old' });
    await store.commit({ icb: 'QWE', upserts: [ann], deletes: [], quarantine: [], checkpoint: 1 });
    // A truncated row in every bucket, in a segment of its own.
    await databaseOf(store).postings.bulkAdd(
      Array.from({ length: 256 }, (_, b) => ({ b, s: 0, data: new Uint8Array([1, 2, 3]) })),
    );
    expect(await names(store, 'ann old')).toEqual(['Ann Old']);
    expect(corrupt.length).toBeGreaterThan(0);
    expect(corrupt.every((entry) => /^postings:\d+\/0$/.test(entry))).toBe(true);
    corrupt.length = 0;
    await store.compactPostings();
    expect(corrupt).toHaveLength(256);
    expect(await names(store, 'ann old')).toEqual(['Ann Old']);
    expect((await databaseOf(store).postings.toArray()).every((row) => row.s !== 0)).toBe(true);
  });

  it('answers every name query as a model of the current names does, through renames, deletes and compactions', async () => {
    const step = fc.record({
      upserts: fc.array(
        fc.record({
          id: fc.integer({ min: 0, max: 5 }),
          given: fc.constantFrom(...GIVEN),
          family: fc.constantFrom(...FAMILY),
        }),
        { maxLength: 4 },
      ),
      deletes: fc.uniqueArray(fc.integer({ min: 0, max: 5 }), { maxLength: 2 }),
      compact: fc.boolean(),
    });
    const query = fc
      .tuple(fc.constantFrom(...GIVEN, ...FAMILY), fc.constantFrom(...GIVEN, ...FAMILY, ''))
      .map(([a, b]) => `${a.slice(0, 3)} ${b}`.trim().toLowerCase());
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { minLength: 1, maxLength: 6 }),
        fc.array(query, { minLength: 1, maxLength: 4 }),
        async (steps, queries) => {
          const local = new OpenStores();
          try {
            const store = await local.open({ name: uniqueName('model') });
            const model = new Map<number, string>();
            for (const [index, { upserts, deletes, compact }] of steps.entries()) {
              const unique = new Map(upserts.map((upsert) => [upsert.id, upsert]));
              await store.commit({
                icb: 'QWE',
                upserts: [...unique.values()].map((upsert) =>
                  patientWrite({ patientId: `p${upsert.id}`, given: upsert.given, family: upsert.family }),
                ),
                deletes: deletes.filter((id) => !unique.has(id)).map((id) => `p${id}`),
                quarantine: [],
                checkpoint: index,
              });
              for (const id of deletes) if (!unique.has(id)) model.delete(id);
              for (const upsert of unique.values()) model.set(upsert.id, `${upsert.given} ${upsert.family}`);
              if (compact) await store.compactPostings();
            }
            for (const text of queries) {
              const tokens = text.split(' ');
              const expected = [...model.values()]
                .filter((name) => {
                  const parts = name.toLowerCase().split(' ');
                  return tokens.every((token) => parts.some((part) => part.startsWith(token)));
                })
                .sort();
              expect(await names(store, text), text).toEqual(expected);
            }
          } finally {
            local.closeAll();
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});
