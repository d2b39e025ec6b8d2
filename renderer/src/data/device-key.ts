// Where the patient store's 32 bytes of key material come from: Electron's OS key vault through the preload,
// or in a browser a random secret wrapped by a non-extractable WebCrypto key kept in IndexedDB.
import type { KerbsideApi } from '../../../main/ipc-contract';
import type { DeviceDatabase, WrappedKeyRecord } from './device-database';

export interface DeviceKey {
  readonly kind: 'electron-vault' | 'webcrypto';
  /** The store's key material; created on first use. Throws DeviceKeyError when it cannot be had. */
  keyMaterial(): Promise<Uint8Array>;
}

export class DeviceKeyError extends Error {
  override readonly name = 'DeviceKeyError';
}

const RECORD = 'patient-store';
const KEY_BYTES = 32;

/** Electron: main unwraps the data key with safeStorage and hands the bytes over IPC. */
export function electronDeviceKey(api: Pick<KerbsideApi, 'unwrapDataKey'>): DeviceKey {
  return {
    kind: 'electron-vault',
    async keyMaterial() {
      const result = await api.unwrapDataKey();
      if (!result.ok) throw new DeviceKeyError(`The key vault refused: ${result.error.message}`);
      return result.value.key;
    },
  };
}

async function unwrap(record: WrappedKeyRecord): Promise<Uint8Array> {
  try {
    const plain = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: record.iv },
      record.wrappingKey,
      record.wrapped,
    );
    if (plain.byteLength !== KEY_BYTES) throw new Error(`unwrapped ${plain.byteLength} bytes`);
    return new Uint8Array(plain);
  } catch (error) {
    throw new DeviceKeyError('The saved data key could not be unwrapped', { cause: error });
  }
}

async function createRecord(): Promise<WrappedKeyRecord> {
  const wrappingKey = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, [
    'encrypt',
    'decrypt',
  ]);
  const material = crypto.getRandomValues(new Uint8Array(KEY_BYTES));
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const wrapped = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, wrappingKey, material);
  material.fill(0);
  return { wrappingKey, iv, wrapped };
}

/**
 * Browser / PWA: the key material never rests in clear. The wrapping key is non-extractable, so script can use
 * it but nobody can export it; clearing the site's data destroys it and with it every cached record.
 */
export function webCryptoDeviceKey(db: DeviceDatabase): DeviceKey {
  return {
    kind: 'webcrypto',
    async keyMaterial() {
      const existing = await db.keys.get(RECORD);
      if (existing !== undefined) return unwrap(existing);
      const created = await createRecord();
      try {
        // `add`, not `put`: if another tab created a key meanwhile, its key wins and this one is dropped.
        await db.keys.add(created, RECORD);
        return await unwrap(created);
      } catch (error) {
        const winner = await db.keys.get(RECORD);
        if (winner === undefined) throw new DeviceKeyError('Could not save the data key', { cause: error });
        return unwrap(winner);
      }
    },
  };
}

/** The device key for wherever the renderer runs. */
export function deviceKey(db: DeviceDatabase, host: { kerbside?: KerbsideApi } = window): DeviceKey {
  return host.kerbside === undefined ? webCryptoDeviceKey(db) : electronDeviceKey(host.kerbside);
}
