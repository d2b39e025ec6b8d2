// The patient rows of one ICB, and those past their retention, through the one compound index
// `[icb+refreshedAt]` (store version 5): each IndexedDB index entry costs a pre-cache about 4 core-seconds
// of Chromium's IndexedDB per 73,500 patients (BENCHMARKS.md), and two single-field indexes cost two.
import { Dexie } from 'dexie';
import type { Collection } from 'dexie';
import type { PatientRow, StoreDatabase } from './schema';

const BY_ICB = '[icb+refreshedAt]';

/** Every row of `icb`, or those refreshed before `refreshedBefore` (milliseconds). */
export function rowsOfIcb(
  db: StoreDatabase,
  icb: string,
  refreshedBefore?: number,
): Collection<PatientRow, string> {
  const upper = refreshedBefore === undefined ? [icb, Dexie.maxKey] : [icb, refreshedBefore];
  return db.patients.where(BY_ICB).between([icb, Dexie.minKey], upper, true, refreshedBefore === undefined);
}

/** The ICBs that have rows, in order: one short read per ICB, skipping over each one's rows. */
export async function storedIcbs(db: StoreDatabase): Promise<string[]> {
  const icbs: string[] = [];
  for (;;) {
    const previous = icbs.at(-1);
    const next =
      previous === undefined
        ? await db.patients.orderBy(BY_ICB).limit(1).keys()
        : await db.patients.where(BY_ICB).above([previous, Dexie.maxKey]).limit(1).keys();
    const key = next[0];
    if (!Array.isArray(key) || typeof key[0] !== 'string') return icbs;
    icbs.push(key[0]);
  }
}

/** Keys of the rows refreshed before `cutoff` (milliseconds), of every ICB. */
export async function keysRefreshedBefore(db: StoreDatabase, cutoff: number): Promise<string[]> {
  const perIcb = await Promise.all(
    (await storedIcbs(db)).map((icb) => rowsOfIcb(db, icb, cutoff).primaryKeys()),
  );
  return perIcb.flat();
}

/** Rows per ICB, and in all. */
export async function countByIcb(
  db: StoreDatabase,
): Promise<{ patients: number; byIcb: Record<string, number> }> {
  const icbs = await storedIcbs(db);
  const perIcb = await Promise.all(icbs.map((icb) => rowsOfIcb(db, icb).count()));
  const byIcb: Record<string, number> = {};
  icbs.forEach((icb, index) => (byIcb[icb] = perIcb[index] ?? 0));
  return { patients: perIcb.reduce((sum, count) => sum + count, 0), byIcb };
}
