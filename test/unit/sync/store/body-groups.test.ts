import { afterEach, describe, expect, it } from 'vitest';
import { StoreCorruptError } from '../../../../sync/store';
import type { PatientStore } from '../../../../sync/store';
import { BODY_GROUP_SIZE } from '../../../../sync/store/body-groups';
import { databaseOf } from '../../../../sync/store/patient-store';
import { OpenStores, patientWrite, uniqueName } from './store-fixtures';

const stores = new OpenStores();
afterEach(() => {
  stores.closeAll();
});

const person = (n: number, clinical = `Condition ${n}`) =>
  patientWrite({ patientId: `p${n}`, family: `Family${n}`, given: 'Pat', clinical });

async function commit(store: PatientStore, upserts: readonly number[], deletes: readonly number[] = []) {
  await store.commit({
    icb: 'QWE',
    upserts: upserts.map((n) => person(n)),
    deletes: deletes.map((n) => `p${n}`),
    quarantine: [],
    checkpoint: null,
  });
}

/** Each group as [s, g, number of bodies], and every key held in some group. */
async function groupsOf(store: PatientStore): Promise<{ shape: number[][]; held: string[] }> {
  const groups = await databaseOf(store).bodyGroups.toArray();
  return {
    shape: groups.map((group) => [group.s, group.g, group.keys.length]),
    held: groups.flatMap((group) => group.keys).sort(),
  };
}

describe('patient bodies packed in groups', () => {
  it('packs a commit eight to a group, each row naming its group', async () => {
    const store = await stores.open({ name: uniqueName('groups') });
    await commit(
      store,
      Array.from({ length: 2 * BODY_GROUP_SIZE + 1 }, (_, n) => n),
    );
    const { shape } = await groupsOf(store);
    expect(shape.map(([, g, size]) => [g, size])).toEqual([
      [0, 8],
      [1, 8],
      [2, 1],
    ]);
    const rows = await databaseOf(store).patients.toArray();
    expect(new Set(rows.map((row) => row.b))).toEqual(new Set([0, 1, 2]));
    const records = await store.readRecords('QWE', ['p0', 'p9', 'p16']);
    expect(records.get('p16')?.raw[1]).toMatchObject({ code: { text: 'Condition 16' } });
  });

  it('cuts a rewritten patient out of its old group, and deletes a group left empty', async () => {
    const store = await stores.open({ name: uniqueName('rewrite') });
    await commit(store, [1, 2, 3]);
    const keys = (await databaseOf(store).patients.toArray()).map((row) => row.k).sort();
    await store.commit({
      icb: 'QWE',
      upserts: [person(2, 'Rewritten')],
      deletes: [],
      quarantine: [],
      checkpoint: null,
    });
    const after = await groupsOf(store);
    expect(after.shape.map(([, , size]) => size)).toEqual([2, 1]);
    // Every key held exactly once: the old body of p2 is gone from the first group.
    expect(after.held).toEqual(keys);
    expect((await store.readRecords('QWE', ['p2'])).get('p2')?.raw[1]).toMatchObject({
      code: { text: 'Rewritten' },
    });

    await commit(store, [], [1, 3]);
    expect((await groupsOf(store)).shape.map(([, , size]) => size)).toEqual([1]);
    await store.purgeIcb('QWE');
    expect(await databaseOf(store).bodyGroups.count()).toBe(0);
  });

  it('keeps the last of a patient given twice in one batch, held once', async () => {
    const store = await stores.open({ name: uniqueName('twice') });
    await store.commit({
      icb: 'QWE',
      upserts: [person(1, 'First'), person(2), person(1, 'Second')],
      deletes: [],
      quarantine: [],
      checkpoint: null,
    });
    const { held } = await groupsOf(store);
    expect(held).toHaveLength(2);
    expect((await store.readRecords('QWE', ['p1'])).get('p1')?.raw[1]).toMatchObject({
      code: { text: 'Second' },
    });
  });

  it('reports the rows of a damaged group as corrupt, keeps the others, and drops it on delete', async () => {
    const reported: StoreCorruptError[] = [];
    const store = await stores.open({
      name: uniqueName('damaged'),
      onCorruptRow: (error) => reported.push(error),
    });
    await commit(
      store,
      Array.from({ length: BODY_GROUP_SIZE + 1 }, (_, n) => n),
    );
    const db = databaseOf(store);
    const first = await db.bodyGroups.get([1, 0]);
    if (first === undefined) throw new Error('group missing');
    // Its last range now runs past its data.
    await db.bodyGroups.put({ ...first, ends: [...first.ends.slice(0, -1), first.data.byteLength + 1] });

    await expect(store.readRecords('QWE', ['p0'])).rejects.toBeInstanceOf(StoreCorruptError);
    expect((await store.readRecords('QWE', ['p8'])).size).toBe(1);
    const row = (await db.patients.toArray()).find((entry) => entry.b === 0);
    expect(await store.readSummaries([row?.k ?? ''])).toEqual([]);
    expect(reported.map((error) => error.table)).toEqual(['bodies']);

    await commit(store, [], [0]);
    expect((await groupsOf(store)).shape.map(([, g]) => g)).toEqual([1]);
  });
});
