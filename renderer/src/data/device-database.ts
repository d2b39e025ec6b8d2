// The device's own small IndexedDB database (not the patient store): the wrapped data key and the saved
// provisioning profile. Nothing in it identifies a patient.
import { Dexie, type Table } from 'dexie';

export const DEVICE_DATABASE_NAME = 'kerbside-device';

export interface WrappedKeyRecord {
  /** Non-extractable AES-GCM key: it can encrypt and decrypt but never leave this browser profile. */
  readonly wrappingKey: CryptoKey;
  readonly iv: Uint8Array<ArrayBuffer>;
  /** The 32 bytes of store key material, encrypted under `wrappingKey`. */
  readonly wrapped: ArrayBuffer;
}

export interface SavedProfileRecord {
  /** The profile as the host served it; validated again whenever it is read. */
  readonly profile: unknown;
  readonly savedAt: string;
}

export interface DeviceDatabase extends Dexie {
  keys: Table<WrappedKeyRecord, string>;
  profiles: Table<SavedProfileRecord, string>;
}

let shared: DeviceDatabase | undefined;

/** Opens (once per page or worker) the device database; tests pass their own IndexedDB factory. */
export function deviceDatabase(options: { indexedDB?: IDBFactory; IDBKeyRange?: typeof IDBKeyRange } = {}) {
  if (shared !== undefined && options.indexedDB === undefined) return shared;
  const db = new Dexie(DEVICE_DATABASE_NAME, options) as DeviceDatabase;
  db.version(1).stores({ keys: '', profiles: '' });
  if (options.indexedDB === undefined) shared = db;
  return db;
}
