import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VaultCorruptError, VaultUnavailableError } from '../../../main/errors';
import { KeyVault } from '../../../main/key-vault';
import { FakeSafeStorage, temporaryDirectory } from './support/fake-electron';

describe('key vault', () => {
  let dir: ReturnType<typeof temporaryDirectory>;
  let safeStorage: FakeSafeStorage;
  let vault: KeyVault;

  beforeEach(() => {
    dir = temporaryDirectory();
    safeStorage = new FakeSafeStorage();
    vault = new KeyVault({ userDataDir: dir.path, safeStorage, platform: 'linux' });
  });
  afterEach(() => {
    dir.remove();
  });

  it('creates a random 256-bit data key once and unwraps the same key afterwards', async () => {
    const key = await vault.dataKey();
    expect(key).toBeInstanceOf(Uint8Array);
    expect(key.length).toBe(32);
    const again = await new KeyVault({ userDataDir: dir.path, safeStorage, platform: 'linux' }).dataKey();
    expect(Buffer.from(again).equals(Buffer.from(key))).toBe(true);
    expect(safeStorage.encryptCalls).toBe(1);
  });

  it('stores only safeStorage ciphertext: the key bytes are nowhere in the vault file', async () => {
    const key = Buffer.from(await vault.dataKey());
    const stored = readFileSync(join(dir.path, 'vault', 'data-key.bin'));
    expect(stored.includes(key)).toBe(false);
    expect(stored.includes(Buffer.from(key.toString('base64')))).toBe(false);
  });

  it('two devices (two OS keys) get different data keys', async () => {
    const other = temporaryDirectory();
    try {
      const a = await vault.dataKey();
      const b = await new KeyVault({
        userDataDir: other.path,
        safeStorage: new FakeSafeStorage(),
        platform: 'linux',
      }).dataKey();
      expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
    } finally {
      other.remove();
    }
  });

  it('a vault copied to another OS user cannot be unwrapped, with a message for trust IT', async () => {
    await vault.dataKey();
    const thief = new KeyVault({
      userDataDir: dir.path,
      safeStorage: new FakeSafeStorage(),
      platform: 'linux',
    });
    await expect(thief.dataKey()).rejects.toThrow(VaultCorruptError);
    await expect(thief.dataKey()).rejects.toThrow(/deprovision and provision/);
  });

  it('re-encrypts when safeStorage says the OS key rotated', async () => {
    const key = await vault.dataKey();
    const before = readFileSync(join(dir.path, 'vault', 'data-key.bin'));
    safeStorage.shouldReEncryptNext = true;
    const after = await vault.dataKey();
    expect(Buffer.from(after).equals(Buffer.from(key))).toBe(true);
    expect(readFileSync(join(dir.path, 'vault', 'data-key.bin')).equals(before)).toBe(false);
  });

  it('wraps secrets and reads them back by reference; a re-provision replaces the whole set', async () => {
    await vault.replaceSecrets(new Map([['vault:icbs/QT1/bearer-token', 'tok-123']]));
    expect(await vault.readSecret('vault:icbs/QT1/bearer-token')).toBe('tok-123');
    expect(readFileSync(join(dir.path, 'vault', 'secrets.bin')).includes(Buffer.from('tok-123'))).toBe(false);
    await vault.replaceSecrets(new Map([['vault:dispatch/bearer-token', 'tok-456']]));
    await expect(vault.readSecret('vault:icbs/QT1/bearer-token')).rejects.toThrow(VaultCorruptError);
    await vault.replaceSecrets(new Map());
    expect(readdirSync(join(dir.path, 'vault'))).toEqual([]);
  });

  it.each([
    ['linux', 'basic_text', /basic_text.*gnome-keyring with libsecret, or KWallet/s],
    ['linux', 'unknown', /could not be identified.*gnome-keyring/s],
  ] as const)(
    'refuses on %s when the backend is %s, telling trust IT what to install',
    async (platform, backend, text) => {
      const weak = new KeyVault({
        userDataDir: dir.path,
        safeStorage: new FakeSafeStorage(true, backend),
        platform,
      });
      await expect(weak.dataKey()).rejects.toThrow(VaultUnavailableError);
      await expect(weak.dataKey()).rejects.toThrow(text);
      await expect(weak.replaceSecrets(new Map([['vault:x', 'y']]))).rejects.toThrow(
        /will not store patient data/,
      );
      const state = await weak.state();
      expect(state.kind).toBe('unavailable');
      expect(readdirSync(dir.path)).toEqual([]);
    },
  );

  it('refuses when safeStorage.isAsyncEncryptionAvailable() is false (Windows without DPAPI keys)', async () => {
    const weak = new KeyVault({
      userDataDir: dir.path,
      safeStorage: new FakeSafeStorage(false, 'unknown'),
      platform: 'win32',
    });
    await expect(weak.dataKey()).rejects.toThrow(/DPAPI.*Trust IT/s);
    expect((await weak.state()).kind).toBe('unavailable');
  });

  it('ignores the Linux backend name on Windows, where it is meaningless', async () => {
    const windows = new KeyVault({
      userDataDir: dir.path,
      safeStorage: new FakeSafeStorage(true, 'unknown'),
      platform: 'win32',
    });
    expect(await windows.state()).toEqual({ kind: 'available', backend: 'os' });
    expect((await windows.dataKey()).length).toBe(32);
  });

  it('refuses a damaged data key rather than returning the wrong key', async () => {
    await vault.dataKey();
    writeFileSync(join(dir.path, 'vault', 'data-key.bin'), await safeStorage.encryptStringAsync('c2hvcnQ='));
    await expect(vault.dataKey()).rejects.toThrow(/wrong length/);
  });

  it('destroy removes every vault file', async () => {
    await vault.dataKey();
    await vault.replaceSecrets(new Map([['vault:a', 'b']]));
    await vault.destroy();
    expect(readdirSync(dir.path)).toEqual([]);
  });
});
