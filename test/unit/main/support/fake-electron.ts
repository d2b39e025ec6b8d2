// Fakes that follow the documented Electron API contracts (same arguments Electron passes), for Node tests of
// main/. Nothing here requires the electron package at runtime.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDemoProfile, defaultDemoEndpoints } from '../../../../demo/profiles';
import type { SafeStorageLike } from '../../../../main/key-vault';
import type { IpcInvokeEventLike, IpcMainLike } from '../../../../main/ipc-handlers';
import type { Profile } from '../../../../sync/provisioning-profile';

type Backend = ReturnType<SafeStorageLike['getSelectedStorageBackend']>;

/**
 * safeStorage: encryptStringAsync returns opaque bytes (AES-256-GCM under a key only this fake knows, like the
 * OS keychain's), decryptStringAsync reverses it and throws on bytes it did not produce, as Electron does.
 */
export class FakeSafeStorage implements SafeStorageLike {
  readonly key = randomBytes(32);
  encryptCalls = 0;
  shouldReEncryptNext = false;

  constructor(
    public available = true,
    public backend: Backend = 'gnome_libsecret',
  ) {}

  isAsyncEncryptionAvailable(): Promise<boolean> {
    return Promise.resolve(this.available);
  }

  getSelectedStorageBackend(): Backend {
    return this.backend;
  }

  encryptStringAsync(plainText: string): Promise<Buffer> {
    if (!this.available) return Promise.reject(new Error('Error while encrypting the text provided'));
    this.encryptCalls++;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plainText, 'utf8'), cipher.final()]);
    return Promise.resolve(Buffer.concat([Buffer.from('v11'), iv, cipher.getAuthTag(), body]));
  }

  decryptStringAsync(encrypted: Buffer): Promise<{ shouldReEncrypt: boolean; result: string }> {
    try {
      if (encrypted.subarray(0, 3).toString() !== 'v11') throw new Error('bad prefix');
      const decipher = createDecipheriv('aes-256-gcm', this.key, encrypted.subarray(3, 15));
      decipher.setAuthTag(encrypted.subarray(15, 31));
      const result = Buffer.concat([decipher.update(encrypted.subarray(31)), decipher.final()]).toString(
        'utf8',
      );
      const shouldReEncrypt = this.shouldReEncryptNext;
      this.shouldReEncryptNext = false;
      return Promise.resolve({ shouldReEncrypt, result });
    } catch {
      return Promise.reject(
        new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.'),
      );
    }
  }
}

type Listener = (event: IpcInvokeEventLike, ...args: unknown[]) => Promise<unknown>;

/** ipcMain: `handle` once per channel (Electron throws on a second handler), `invoke` plays the renderer. */
export class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, Listener>();

  handle(channel: string, listener: Listener): void {
    if (this.handlers.has(channel))
      throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, listener);
  }

  invoke(channel: string, senderUrl: string | null, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (handler === undefined) return Promise.reject(new Error(`No handler registered for '${channel}'`));
    // Electron structured-clones arguments; do the same so nothing passes by reference.
    const cloned = structuredClone(args);
    return handler({ senderFrame: senderUrl === null ? null : { url: senderUrl } }, ...cloned);
  }
}

/** A temporary user-data folder, removed after the test. */
export function temporaryDirectory(prefix = 'kerbside-test-'): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return {
    path,
    remove: () => {
      rmSync(path, { recursive: true, force: true });
    },
  };
}

/** The demo crew profile, with secrets on two endpoints so the vault has work to do. */
export function profileWithSecrets(): Profile {
  const profile = structuredClone(buildDemoProfile('crew', defaultDemoEndpoints));
  const [first, second] = profile.icbs;
  if (first === undefined || second === undefined)
    throw new Error('the demo profile has fewer than two ICBs');
  first.fhirBaseUrl = 'https://scr.trentside.example.nhs.uk/fhir/R4';
  first.auth = { type: 'bearer', token: 'bearer-secret-7f3a9c' };
  second.fhirBaseUrl = 'https://fhir.derwent.example.nhs.uk/R4';
  second.auth = {
    type: 'smart-backend-services',
    tokenUrl: 'https://auth.derwent.example.nhs.uk/oauth2/token',
    clientId: 'kerbside-rx9',
    keyId: 'key-2025-01',
    algorithm: 'ES384',
    privateKeyJwk: { kty: 'EC', d: 'private-d-value-5e1b', crv: 'P-384', x: 'x-public', y: 'y-public' },
    scope: 'system/Patient.read system/Encounter.write',
  };
  profile.dispatch = { fhirBaseUrl: 'https://dispatch.rx9.example.nhs.uk/fhir', auth: { type: 'none' } };
  profile.updates = { feedUrl: 'https://updates.rx9.example.nhs.uk/kerbside' };
  return profile;
}

export const SECRET_VALUES = ['bearer-secret-7f3a9c', 'private-d-value-5e1b'];
