// The settings screen's estimate of what the store holds, from its keys and values.
import type { Bytes } from './data-key';
import type { PatientRow, StoreDatabase } from './schema';

/** Approximate bytes of stored keys and values (UTF-16 strings count 2 bytes a character). */
export async function estimateStoreBytes(db: StoreDatabase): Promise<number> {
  let total = 0;
  const text = (value: string | undefined): number => (value?.length ?? 0) * 2;
  const bytes = (value: Bytes): number => value.byteLength;
  await db.patients.each((row: PatientRow) => {
    total += text(row.k) + text(row.icb) + 16 + text(row.nhs) + text(row.dob);
    total += row.postcodes.reduce((sum, term) => sum + text(term), 0);
    total += bytes(row.card);
  });
  await db.bodyGroups.each((row) => {
    total += 16 + row.keys.reduce((sum, key) => sum + text(key), 0) + 8 * row.ends.length + bytes(row.data);
  });
  await db.checkpoints.each((row) => (total += text(row.icb) + bytes(row.value)));
  await db.quarantine.each((row) => (total += 8 + text(row.icb) + 8 + text(row.pk) + bytes(row.payload)));
  await db.meta.each((row) => (total += text(row.name) + bytes(row.value)));
  await db.postings.each((row) => (total += 16 + bytes(row.data)));
  return total;
}
