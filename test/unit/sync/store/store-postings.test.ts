// Name postings: a commit adds a segment, rows written again make their older entries stale, and compaction
// merges the segments without changing what any search finds.
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { PatientStore } from '../../../../sync/store';
import { databaseOf } from '../../../../sync/store/patient-store';
import {
  COMPACT_AFTER_SEGMENTS,
  COMPACTED_TIER,
  MERGE_FANOUT,
  POSTING_BUCKETS,
  POSTINGS_META,
  postingsStateRow,
  segmentsToMerge,
} from '../../../../sync/store/postings';
import type { PostingsState } from '../../../../sync/store/postings';
import { emptyBatch, OpenStores, patientWrite, uniqueName } from './store-fixtures';

const stores = new OpenStores();
afterEach(() => {
  stores.closeAll();
});

const GIVEN = ['Ann', 'Anna', 'Bob', 'Carys'];
const FAMILY = ['Old', 'Olden', 'New', 'Newman'];

async function names(store: PatientStore, query: string): Promise<string[]> {
  return (await store.searchByName(query, undefined, 100)).map((hit) => hit.displayName).sort();
}

async function postingsState(store: PatientStore): Promise<PostingsState> {
  const row = await databaseOf(store).meta.get(POSTINGS_META);
  return JSON.parse(new TextDecoder().decode(row?.value)) as PostingsState;
}

async function segmentsInTable(store: PatientStore): Promise<Set<number>> {
  return new Set((await databaseOf(store).postings.toArray()).map((row) => row.s));
}

/** Commits one patient per step, `p<step>` named "Bob Step<step>". */
async function commitSteps(store: PatientStore, from: number, to: number): Promise<void> {
  for (let step = from; step < to; step++) {
    await store.commit({
      icb: 'QWE',
      upserts: [patientWrite({ patientId: `p${step}`, given: 'Bob', family: `Step${step}` })],
      deletes: [],
      quarantine: [],
      checkpoint: step,
    });
  }
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
    // The compaction took the last segment number, and its segment is the only one left.
    const state = await postingsState(store);
    expect(state).toEqual({
      next: state.next,
      sinceCompaction: 0,
      segments: [[state.next - 1, COMPACTED_TIER]],
    });
    expect(await segmentsInTable(store)).toEqual(new Set([state.next - 1]));
    expect(await names(store, 'bob')).toHaveLength(5);
    expect(await names(store, `bob step${COMPACT_AFTER_SEGMENTS - 1}`)).toEqual([
      `Bob Step${COMPACT_AFTER_SEGMENTS - 1}`,
    ]);
  });

  it('merges every full tier of segments into one of the next tier when asked, and still finds everyone', async () => {
    const store = await stores.open({ name: uniqueName('tiers') });
    // Nine pull runs of 8 commits, each ending with a merge, then 3 commits not yet merged.
    for (let run = 0; run < MERGE_FANOUT + 1; run++) {
      await commitSteps(store, run * MERGE_FANOUT, (run + 1) * MERGE_FANOUT);
      expect((await postingsState(store)).segments?.at(-1)?.[1], `run ${run}`).toBe(0);
      await store.mergePostings();
    }
    const commits = (MERGE_FANOUT + 1) * MERGE_FANOUT + 3;
    await commitSteps(store, commits - 3, commits);
    const state = await postingsState(store);
    // 8 runs merged into one tier-2 segment, the ninth is one of tier 1; three commits wait.
    expect(state.segments?.map(([, tier]) => tier)).toEqual([2, 1, 0, 0, 0]);
    expect(state.sinceCompaction).toBe(commits);
    expect(await segmentsInTable(store)).toEqual(new Set(state.segments?.map(([s]) => s)));
    // A commit's rows hold a whole bucket; a merged segment's rows only a fine part of one.
    const commitSegments = new Set(state.segments?.filter(([, tier]) => tier === 0).map(([s]) => s));
    for (const row of await databaseOf(store).postings.toArray()) {
      expect(row.b < POSTING_BUCKETS, `${row.b}/${row.s}`).toBe(commitSegments.has(row.s));
    }
    expect(await names(store, 'bob')).toHaveLength(commits);
    for (const step of [0, 9, 63, 64, 71, 72, 74]) {
      expect(await names(store, `bob step${step}`)).toEqual([`Bob Step${step}`]);
    }
  });

  it('merges a run longer than the fan-out whole (a merge the app did not live to do)', () => {
    const run = Array.from({ length: MERGE_FANOUT + 1 }, (_, index): [number, number] => [index + 2, 0]);
    expect(segmentsToMerge({ next: 20, sinceCompaction: 9, segments: [[1, 1], ...run] })).toEqual({
      segments: run.map(([s]) => s),
      tier: 0,
    });
    expect(segmentsToMerge({ next: 20, sinceCompaction: 7, segments: run.slice(2) })).toBeUndefined();
    expect(
      segmentsToMerge({ next: 20, sinceCompaction: 0, segments: [[5, COMPACTED_TIER]] }),
    ).toBeUndefined();
  });

  it('compacts at the next commit a store whose postings state lists no segments (written before tiers)', async () => {
    const store = await stores.open({ name: uniqueName('legacy') });
    await commitSteps(store, 0, 3);
    await databaseOf(store).meta.put(postingsStateRow({ next: 4, sinceCompaction: 3 }));
    await commitSteps(store, 3, 4);
    const state = await postingsState(store);
    expect(state.segments).toEqual([[state.next - 1, COMPACTED_TIER]]);
    expect(await segmentsInTable(store)).toEqual(new Set([state.next - 1]));
    expect(await names(store, 'bob')).toHaveLength(4);
  });

  it('reports a damaged row met while merging a tier and keeps every other entry', async () => {
    const corrupt: string[] = [];
    const store = await stores.open({
      name: uniqueName('merge-damaged'),
      onCorruptRow: (error) => corrupt.push(`${error.table}:${error.key}`),
    });
    await commitSteps(store, 0, MERGE_FANOUT - 1);
    const db = databaseOf(store);
    const [newest] = (await postingsState(store)).segments?.at(-1) ?? [];
    const victim = (await db.postings.toArray()).find((row) => row.s === newest);
    if (victim === undefined) throw new Error('no row in the newest segment');
    await db.postings.put({ ...victim, data: new Uint8Array([9, 9, 9]) });
    corrupt.length = 0;
    await commitSteps(store, MERGE_FANOUT - 1, MERGE_FANOUT);
    await store.mergePostings();
    expect(corrupt).toEqual([`postings:${victim.b}/${victim.s}`]);
    expect((await postingsState(store)).segments?.map(([, tier]) => tier)).toEqual([1]);
    // Only the patient of the damaged commit can lose entries; every other one is found by name.
    for (let step = 0; step < MERGE_FANOUT; step++) {
      if (step === MERGE_FANOUT - 2) continue;
      expect(await names(store, `bob step${step}`)).toEqual([`Bob Step${step}`]);
    }
  });

  it('finds every two names through the row index alone, and a short name through the postings', async () => {
    const store = await stores.open({ name: uniqueName('usual') });
    await store.commit({
      icb: 'QWE',
      upserts: [
        patientWrite({ patientId: 'p1', given: 'Oliver', family: 'Smith' }),
        // Oliver only as a middle name: the row index holds every two of a patient's names.
        patientWrite({
          patientId: 'p2',
          given: 'James',
          family: 'Smith',
          extraNames: ['James Oliver Smith'],
        }),
        patientWrite({ patientId: 'p3', given: 'Oliver James', family: 'Brown' }),
      ],
      deletes: [],
      quarantine: [],
      checkpoint: 1,
    });
    const db = databaseOf(store);
    expect((await db.patients.toArray()).every((row) => (row.pairs ?? []).length > 0)).toBe(true);
    expect(await names(store, 'oliver smith')).toEqual(['James Smith', 'Oliver Smith']);
    expect(await names(store, 'oli smith')).toEqual(['James Smith', 'Oliver Smith']);
    // Without the postings, the row index alone answers two names of 5 or more letters.
    await db.postings.clear();
    expect(await names(store, 'oliver smith')).toEqual(['James Smith', 'Oliver Smith']);
    expect(await names(store, 'smith oliver')).toEqual(['James Smith', 'Oliver Smith']);
    expect(await names(store, 'oliver james brown')).toEqual(['Oliver James Brown']);
    // A 3-letter name needs the postings for the names it begins ("oli": Oliver): they are gone here.
    expect(await names(store, 'oli smith')).toEqual([]);
  });

  it('finds a row written before the pairs index (store version 4) through the postings', async () => {
    const name = uniqueName('no-pair');
    const store = await stores.open({ name });
    await store.commit({
      icb: 'QWE',
      upserts: [patientWrite({ patientId: 'p1', given: 'Annabel', family: 'Older' })],
      deletes: [],
      quarantine: [],
      checkpoint: 1,
    });
    const db = databaseOf(store);
    const [row] = await db.patients.toArray();
    if (row?.pairs === undefined) throw new Error('the row has no pair terms');
    const { pairs: _pairs, ...withoutPairs } = row;
    // As an older store holds it: no `pairs` on the row, and neither pair marker (single-token postings).
    await db.patients.put(withoutPairs);
    await db.meta.bulkDelete(['name-pairs', 'pair-index']);
    store.close();
    const reopened = await stores.open({ name });
    expect(await names(reopened, 'annabel older')).toEqual(['Annabel Older']);
    // A row written now has its `pairs`: the search reads the postings and the index, and finds both.
    await reopened.commit({
      icb: 'QWE',
      upserts: [
        patientWrite({ patientId: 'p2', given: 'Annabel', family: 'Older', birthDate: '1990-01-01' }),
      ],
      deletes: [],
      quarantine: [],
      checkpoint: 2,
    });
    const rows = await databaseOf(reopened).patients.toArray();
    expect(rows.map((entry) => entry.pairs === undefined).sort()).toEqual([false, true]);
    expect(await names(reopened, 'annabel older')).toEqual(['Annabel Older', 'Annabel Older']);
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

  it('rebuilds postings from the cards when a search met a damaged row, so hidden names are found again', async () => {
    const corrupt: string[] = [];
    const name = uniqueName('rebuild');
    const store = await stores.open({ name, onCorruptRow: (error) => corrupt.push(error.table) });
    const people = [
      patientWrite({ patientId: 'p1', given: 'Carys', family: 'Newman' }),
      patientWrite({ patientId: 'p2', given: 'Bob', family: 'Old', extraNames: ['Robert Old'] }),
      patientWrite({ patientId: 'p3', given: 'Anna', family: 'Olden' }),
    ];
    await store.commit({ ...emptyBatch('QWE', 1), upserts: people });
    const db = databaseOf(store);
    // Every postings row truncated: their names are hidden, and the first search that meets one says so.
    await db.postings.toCollection().modify((row: { data: Uint8Array }) => {
      row.data = row.data.slice(0, 5);
    });
    expect(await names(store, 'carys')).toEqual([]);
    expect(corrupt).toContain('postings');
    await expect.poll(async () => (await db.meta.get('postings-damaged')) !== undefined).toBe(true);
    // Another handle on the store (the sync worker's) rebuilds when its run ends.
    const worker = await stores.open({ name });
    await worker.mergePostings();
    expect(await db.meta.get('postings-damaged')).toBeUndefined();
    corrupt.length = 0;
    for (const [query, expected] of [
      ['carys', ['Carys Newman']],
      ['robert old', ['Bob Old']],
      ['ann olden', ['Anna Olden']],
      ['old', ['Anna Olden', 'Bob Old']],
    ] as const) {
      expect(await names(store, query), query).toEqual(expected);
    }
    expect(corrupt).toEqual([]);
    expect((await postingsState(store)).segments).toHaveLength(1);
    // Later commits and merges carry on from the rebuilt segment.
    await store.commit({
      ...emptyBatch('QWE', 2),
      upserts: [patientWrite({ patientId: 'p1', given: 'Carys', family: 'Oldman' })],
    });
    expect(await names(store, 'carys')).toEqual(['Carys Oldman']);
    expect(await names(store, 'carys newman')).toEqual([]);
  });

  it('keeps a commit that lands while postings are being rebuilt', async () => {
    const store = await stores.open({ name: uniqueName('rebuild-race') });
    const upserts = Array.from({ length: 40 }, (_, index) =>
      patientWrite({ patientId: `p${index}`, given: 'Ann', family: `Old${index}` }),
    );
    await store.commit({ ...emptyBatch('QWE', 1), upserts });
    // A commit renames one patient after the rebuild has read the cards and before it writes: made to land
    // there by running it from inside the rebuild's first hashing of a card's names.
    const indexer = (store as unknown as { indexer: { nameTerms: (tokens: string[]) => Promise<string[]> } })
      .indexer;
    const nameTerms = indexer.nameTerms.bind(indexer);
    let landed = false;
    indexer.nameTerms = async (tokens) => {
      if (!landed) {
        landed = true;
        await store.commit({
          ...emptyBatch('QWE', 2),
          upserts: [patientWrite({ patientId: 'p0', given: 'Carys', family: 'New' })],
        });
      }
      return nameTerms(tokens);
    };
    await store.rebuildPostings();
    expect(landed).toBe(true);
    // A single name is found through the postings alone (the row index holds pairs).
    expect(await names(store, 'carys')).toEqual(['Carys New']);
    expect(await names(store, 'carys new')).toEqual(['Carys New']);
    expect(await names(store, 'ann old0')).toEqual([]);
    expect(await names(store, 'ann old39')).toEqual(['Ann Old39']);
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
      // Compacting rarely, so that most runs reach a merge of a full tier first.
      compact: fc.integer({ min: 0, max: 9 }).map((draw) => draw === 0),
      merge: fc.boolean(),
    });
    const query = fc
      .tuple(fc.constantFrom(...GIVEN, ...FAMILY), fc.constantFrom(...GIVEN, ...FAMILY, ''))
      .map(([a, b]) => `${a.slice(0, 3)} ${b}`.trim().toLowerCase());
    await fc.assert(
      fc.asyncProperty(
        // Up to 20 commits, so that tiers of MERGE_FANOUT segments are merged in some runs.
        fc.array(step, { minLength: 1, maxLength: 20 }),
        fc.array(query, { minLength: 1, maxLength: 4 }),
        async (steps, queries) => {
          const local = new OpenStores();
          try {
            const store = await local.open({ name: uniqueName('model') });
            const model = new Map<number, string>();
            for (const [index, { upserts, deletes, compact, merge }] of steps.entries()) {
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
              if (merge) await store.mergePostings();
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
