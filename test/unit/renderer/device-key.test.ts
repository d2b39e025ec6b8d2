import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { deviceDatabase } from '../../../renderer/src/data/device-database';
import { electronDeviceKey, webCryptoDeviceKey } from '../../../renderer/src/data/device-key';

describe('device key', () => {
  it('creates 32 bytes once, keeps them only wrapped under a non-extractable key, and unwraps the same bytes', async () => {
    const db = deviceDatabase({ indexedDB: new IDBFactory(), IDBKeyRange });
    const first = await webCryptoDeviceKey(db).keyMaterial();
    const second = await webCryptoDeviceKey(db).keyMaterial();
    expect(first).toHaveLength(32);
    expect([...second]).toEqual([...first]);
    const record = await db.keys.get('patient-store');
    expect(record?.wrappingKey.extractable).toBe(false);
    expect(new Uint8Array(record?.wrapped ?? new ArrayBuffer(0))).not.toEqual(first);
  });

  it('two first starts at once agree on one key', async () => {
    const db = deviceDatabase({ indexedDB: new IDBFactory(), IDBKeyRange });
    const [a, b] = await Promise.all([
      webCryptoDeviceKey(db).keyMaterial(),
      webCryptoDeviceKey(db).keyMaterial(),
    ]);
    expect([...a]).toEqual([...b]);
  });

  it('takes the key from the Electron vault when the preload offers it', async () => {
    const key = new Uint8Array(32).fill(7);
    const source = electronDeviceKey({ unwrapDataKey: () => Promise.resolve({ ok: true, value: { key } }) });
    await expect(source.keyMaterial()).resolves.toBe(key);
    const refused = electronDeviceKey({
      unwrapDataKey: () =>
        Promise.resolve({ ok: false, error: { code: 'vault-unavailable', message: 'no keyring' } }),
    });
    await expect(refused.keyMaterial()).rejects.toThrow('The key vault refused: no keyring');
  });
});
