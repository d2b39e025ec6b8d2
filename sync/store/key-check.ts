// The key-check value in `meta`: proves on open that the key material is the one the data was sealed with,
// so a wrong key fails with WrongKeyError before anything is read or written.

import type { Dexie, Table } from 'dexie';
import { openJson, sealJson } from './data-key';
import type { Bytes } from './data-key';
import { StoreCorruptError, WrongKeyError } from './errors';
import type { StoreDatabase } from './schema';

const KEY_CHECK = 'key-check';
const KEY_CHECK_CONTEXT = 'meta|key-check';
const KEY_CHECK_VALUE = 'kerbside patient store key check v1';

/** Writes the key check into a new store, or verifies it in an existing one. */
export async function checkKey(db: StoreDatabase, dataKey: CryptoKey, name: string): Promise<void> {
  const fresh = await sealJson(dataKey, KEY_CHECK_VALUE, KEY_CHECK_CONTEXT, false);
  const existing = await db.transaction('rw', [db.meta, db.patients, db.checkpoints], async () => {
    const row = await db.meta.get(KEY_CHECK);
    if (row !== undefined) return row.value;
    if ((await db.patients.count()) > 0 || (await db.checkpoints.count()) > 0) {
      throw new StoreCorruptError('meta', KEY_CHECK, 'value');
    }
    await db.meta.put({ name: KEY_CHECK, value: fresh });
    return undefined;
  });
  if (existing === undefined) return;
  let value: unknown;
  try {
    value = await openJson(dataKey, existing, KEY_CHECK_CONTEXT);
  } catch (error) {
    throw new WrongKeyError(name, { cause: error });
  }
  if (value !== KEY_CHECK_VALUE) throw new WrongKeyError(name);
}

/**
 * The same proof for the device's smaller databases (outbox, pre-arrival requests): writes `value` sealed
 * under `context` into their `meta` table when absent; else tells whether it opens with `dataKey`.
 */
export async function sealedKeyCheckMatches(
  db: Dexie,
  meta: Table<{ readonly name: string; readonly value: unknown }, string>,
  dataKey: CryptoKey,
  value: string,
  context: string,
): Promise<boolean> {
  const fresh = await sealJson(dataKey, value, context, false);
  const existing = await db.transaction('rw', meta, async () => {
    const row = await meta.get(KEY_CHECK);
    if (row === undefined) await meta.put({ name: KEY_CHECK, value: fresh });
    return row?.value;
  });
  if (!(existing instanceof Uint8Array)) return true;
  const opened = await openJson(dataKey, existing as Bytes, context).catch(() => undefined);
  return opened === value;
}
