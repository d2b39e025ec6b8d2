// The store's keys and sealed values: HKDF from the caller's 32 bytes to a non-extractable AES-GCM-256 data
// key and HMAC-SHA-256 index key; values are sealed with a fresh IV and AAD naming their row and field.

import { compressValue, decompressValue } from './compression';
import type { CompressionFormat } from './compression';

export type Bytes = Uint8Array<ArrayBuffer>;

export interface StoreKeys {
  readonly data: CryptoKey;
  readonly index: CryptoKey;
}

const FORMAT_VERSION = 1;
/** The flags byte of a sealed value: how its plaintext was compressed (deflate-raw in values written before). */
const FLAG_SNAPPY = 2;
const formatOfFlags: ReadonlyMap<number, CompressionFormat | undefined> = new Map([
  [0, undefined],
  [1, 'deflate-raw'],
  [FLAG_SNAPPY, 'snappy'],
]);
const HEADER_LENGTH = 2;
const IV_LENGTH = 12;
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export const utf8 = (text: string): Bytes => encoder.encode(text);

/** Derives the data and index keys; the key material itself is not kept. */
export async function deriveStoreKeys(keyMaterial: Uint8Array): Promise<StoreKeys> {
  if (keyMaterial.byteLength !== 32) {
    throw new TypeError(`Key material must be 32 bytes, got ${keyMaterial.byteLength}`);
  }
  const base = await crypto.subtle.importKey('raw', new Uint8Array(keyMaterial), 'HKDF', false, [
    'deriveKey',
  ]);
  const hkdf = (info: string): HkdfParams => ({
    name: 'HKDF',
    hash: 'SHA-256',
    salt: new Uint8Array(0),
    info: utf8(info),
  });
  const data = await crypto.subtle.deriveKey(
    hkdf('kerbside/data/v1'),
    base,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
  const index = await crypto.subtle.deriveKey(
    hkdf('kerbside/index/v1'),
    base,
    { name: 'HMAC', hash: 'SHA-256', length: 256 },
    false,
    ['sign'],
  );
  return { data, index };
}

function additionalData(context: string, flags: number): Bytes {
  return utf8(`kerbside|${context}|v${FORMAT_VERSION}|${flags}`);
}

/**
 * Encrypts bytes as `[version, flags, iv(12), ciphertext+tag]`. `context` (table, row key, field) is bound
 * as AAD so a value moved to another row or field fails authentication.
 */
export async function sealBytes(
  key: CryptoKey,
  plaintext: Bytes,
  context: string,
  compress: boolean,
): Promise<Bytes> {
  const flags = compress ? FLAG_SNAPPY : 0;
  const body = compress ? compressValue(plaintext) : plaintext;
  const iv = crypto.getRandomValues(new Uint8Array(IV_LENGTH));
  const ciphertext = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: additionalData(context, flags) },
    key,
    body,
  );
  const sealed = new Uint8Array(HEADER_LENGTH + IV_LENGTH + ciphertext.byteLength);
  sealed[0] = FORMAT_VERSION;
  sealed[1] = flags;
  sealed.set(iv, HEADER_LENGTH);
  sealed.set(new Uint8Array(ciphertext), HEADER_LENGTH + IV_LENGTH);
  return sealed;
}

/** Inverse of `sealBytes`; rejects (with the platform's error) when authentication or decompression fails. */
export async function openBytes(key: CryptoKey, sealed: Bytes, context: string): Promise<Bytes> {
  if (!(sealed instanceof Uint8Array) || sealed.byteLength < HEADER_LENGTH + IV_LENGTH + 16) {
    throw new Error('Sealed value is too short');
  }
  if (sealed[0] !== FORMAT_VERSION) throw new Error(`Unknown sealed format ${String(sealed[0])}`);
  const flags = sealed[1] ?? 0;
  if (!formatOfFlags.has(flags)) throw new Error(`Unknown sealed value flags ${flags}`);
  const iv = sealed.slice(HEADER_LENGTH, HEADER_LENGTH + IV_LENGTH);
  const plaintext = new Uint8Array(
    await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv, additionalData: additionalData(context, flags) },
      key,
      sealed.subarray(HEADER_LENGTH + IV_LENGTH),
    ),
  );
  const format = formatOfFlags.get(flags);
  return format === undefined ? plaintext : decompressValue(plaintext, format);
}

export function sealJson(key: CryptoKey, value: unknown, context: string, compress: boolean): Promise<Bytes> {
  return sealBytes(key, utf8(JSON.stringify(value)), context, compress);
}

export async function openJson(key: CryptoKey, sealed: Bytes, context: string): Promise<unknown> {
  return JSON.parse(decoder.decode(await openBytes(key, sealed, context))) as unknown;
}

/** HMAC-SHA-256 of a UTF-8 string. */
export async function hmac(key: CryptoKey, message: string): Promise<Bytes> {
  return new Uint8Array(await crypto.subtle.sign('HMAC', key, utf8(message)));
}

/** Whether two byte arrays hold the same bytes (not constant-time: for cache and index lookups only). */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let index = 0; index < a.byteLength; index++) if (a[index] !== b[index]) return false;
  return true;
}

export function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
