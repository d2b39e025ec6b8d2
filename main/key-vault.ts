// The key vault: the local database's random 256-bit data key and the profile's secrets, each wrapped by the
// operating system's secret store through Electron's safeStorage, in the user-data folder (DESIGN.md §8).
import { randomBytes as nodeRandomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SafeStorage } from 'electron';
import { VaultCorruptError, VaultUnavailableError, type VaultUnavailableReason } from './errors';
import type { VaultState } from './ipc-contract';

/** The part of Electron's `safeStorage` the vault uses (the non-deprecated async API of Electron 45). */
export type SafeStorageLike = Pick<
  SafeStorage,
  'isAsyncEncryptionAvailable' | 'encryptStringAsync' | 'decryptStringAsync' | 'getSelectedStorageBackend'
>;

export interface KeyVaultOptions {
  readonly userDataDir: string;
  readonly safeStorage: SafeStorageLike;
  readonly platform: NodeJS.Platform;
  readonly randomBytes?: (size: number) => Uint8Array;
}

const DATA_KEY_BYTES = 32;

/** Tells trust IT what to fix; shown in the app, in `--status` and on the command line. */
export function vaultUnavailableMessage(reason: VaultUnavailableReason, platform: NodeJS.Platform): string {
  const refuse = 'Kerbside will not store patient data or credentials on this device until this is fixed.';
  if (reason === 'encryption-unavailable' && platform === 'win32')
    return (
      'The Windows data-protection API (DPAPI) is not available to this user account. ' +
      `Trust IT: sign in with a roaming or local Windows profile that has DPAPI keys (not a temporary profile). ${refuse}`
    );
  const linuxFix =
    'Trust IT: install and enable a Secret Service provider for the desktop session (gnome-keyring with ' +
    'libsecret, or KWallet), make sure it is unlocked at login, and do not start Kerbside with --password-store=basic.';
  switch (reason) {
    case 'linux-basic-text':
      return `The operating system has no secret store: Electron fell back to "basic_text", which is not encryption. ${linuxFix} ${refuse}`;
    case 'linux-backend-unknown':
      return `The operating system's secret store could not be identified ("unknown"). ${linuxFix} ${refuse}`;
    case 'encryption-unavailable':
      return `The operating system's secret store is not available, so secrets cannot be encrypted. ${platform === 'linux' ? linuxFix : 'Trust IT: check the user account can use the OS keychain.'} ${refuse}`;
    default: {
      const unexpected: never = reason;
      throw new Error(`unexpected vault reason ${String(unexpected)}`);
    }
  }
}

export class KeyVault {
  private readonly dir: string;
  private readonly randomBytes: (size: number) => Uint8Array;

  constructor(private readonly options: KeyVaultOptions) {
    this.dir = join(options.userDataDir, 'vault');
    this.randomBytes = options.randomBytes ?? ((size) => new Uint8Array(nodeRandomBytes(size)));
  }

  /** Whether the OS can protect secrets here, and which Linux backend Electron picked. */
  async state(): Promise<VaultState> {
    const backend =
      this.options.platform === 'linux' ? this.options.safeStorage.getSelectedStorageBackend() : 'os';
    const reason = await this.unavailableReason(backend);
    if (reason === null) return { kind: 'available', backend };
    return { kind: 'unavailable', backend, message: vaultUnavailableMessage(reason, this.options.platform) };
  }

  /** Throws VaultUnavailableError (with the message for trust IT) unless the vault can protect secrets. */
  async assertAvailable(): Promise<void> {
    const backend =
      this.options.platform === 'linux' ? this.options.safeStorage.getSelectedStorageBackend() : 'os';
    const reason = await this.unavailableReason(backend);
    if (reason !== null)
      throw new VaultUnavailableError(reason, vaultUnavailableMessage(reason, this.options.platform));
  }

  /**
   * The database data key, created on first use. PIN unlock (a separate issue) adds its layer here: this is the
   * only function that releases the key.
   */
  async dataKey(): Promise<Uint8Array> {
    await this.assertAvailable();
    const file = join(this.dir, 'data-key.bin');
    const wrapped = await readIfExists(file);
    if (wrapped === undefined) {
      const key = this.randomBytes(DATA_KEY_BYTES);
      if (key.length !== DATA_KEY_BYTES) throw new Error('random source returned the wrong number of bytes');
      await this.writeWrapped(file, Buffer.from(key).toString('base64'));
      return key;
    }
    const text = await this.unwrap(file, wrapped);
    const key = Buffer.from(text, 'base64');
    if (key.length !== DATA_KEY_BYTES)
      throw new VaultCorruptError('the stored data key has the wrong length');
    return new Uint8Array(key);
  }

  async hasDataKey(): Promise<boolean> {
    return (await readIfExists(join(this.dir, 'data-key.bin'))) !== undefined;
  }

  /** Replaces every stored secret with these (a re-provision drops secrets the new profile no longer names). */
  async replaceSecrets(secrets: ReadonlyMap<string, string>): Promise<void> {
    const file = join(this.dir, 'secrets.bin');
    if (secrets.size === 0) {
      await rm(file, { force: true });
      return;
    }
    await this.assertAvailable();
    await this.writeWrapped(file, JSON.stringify(Object.fromEntries(secrets)));
  }

  /** A secret by its vault reference, for main-process use only (it never crosses IPC). */
  async readSecret(ref: string): Promise<string> {
    await this.assertAvailable();
    const file = join(this.dir, 'secrets.bin');
    const wrapped = await readIfExists(file);
    if (wrapped === undefined) throw new VaultCorruptError(`the vault holds no secret for ${ref}`);
    let secrets: unknown;
    try {
      secrets = JSON.parse(await this.unwrap(file, wrapped));
    } catch (error) {
      if (error instanceof VaultCorruptError) throw error;
      throw new VaultCorruptError('the vault secrets are not readable JSON');
    }
    const value: unknown =
      typeof secrets === 'object' && secrets !== null ? Reflect.get(secrets, ref) : undefined;
    if (typeof value !== 'string') throw new VaultCorruptError(`the vault holds no secret for ${ref}`);
    return value;
  }

  /** Removes every vault file (deprovisioning). */
  async destroy(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }

  private async unavailableReason(backend: string): Promise<VaultUnavailableReason | null> {
    if (!(await this.options.safeStorage.isAsyncEncryptionAvailable())) return 'encryption-unavailable';
    if (this.options.platform !== 'linux') return null;
    if (backend === 'basic_text') return 'linux-basic-text';
    if (backend === 'unknown') return 'linux-backend-unknown';
    return null;
  }

  private async unwrap(file: string, wrapped: Buffer): Promise<string> {
    let decrypted: { shouldReEncrypt: boolean; result: string };
    try {
      decrypted = await this.options.safeStorage.decryptStringAsync(wrapped);
    } catch {
      throw new VaultCorruptError(
        'the vault cannot be decrypted by this OS user (was the user-data folder copied from elsewhere?); ' +
          'trust IT must deprovision and provision the device again',
      );
    }
    // safeStorage asks for re-encryption after an OS key rotation; do it so old ciphertext does not linger.
    if (decrypted.shouldReEncrypt) await this.writeWrapped(file, decrypted.result);
    return decrypted.result;
  }

  private async writeWrapped(file: string, plainText: string): Promise<void> {
    const wrapped = await this.options.safeStorage.encryptStringAsync(plainText);
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const temporary = `${file}.${process.pid}.tmp`;
    await writeFile(temporary, wrapped, { mode: 0o600 });
    await rename(temporary, file);
  }
}

async function readIfExists(file: string): Promise<Buffer | undefined> {
  try {
    return await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
