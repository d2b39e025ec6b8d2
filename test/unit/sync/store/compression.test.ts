// Stored values are written as Snappy and read back; values written before as deflate-raw (by any
// deflate implementation: the platform stream here) still read; malformed and unknown input is refused.
import { describe, expect, it } from 'vitest';
import { compressValue, decompressValue, MAX_DECOMPRESSED_BYTES } from '../../../../sync/store/compression';
import { deriveStoreKeys, openBytes, sealBytes, utf8 } from '../../../../sync/store/data-key';

async function deflateByPlatform(input: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  const stream = new Blob([input]).stream().pipeThrough(new CompressionStream('deflate-raw'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

const text = JSON.stringify({
  summary: null,
  raw: Array.from({ length: 40 }, (_, index) => ({
    resourceType: 'Observation',
    id: `o${index}`,
    note: 'Siân – £5',
  })),
});
const plain = utf8(text);

/** A value sealed as the store sealed it before Snappy: flags 1, deflate-raw plaintext, the same AAD scheme. */
async function sealedAsDeflate(key: CryptoKey, context: string): Promise<Uint8Array<ArrayBuffer>> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ciphertext = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: utf8(`kerbside|${context}|v1|1`) },
    key,
    await deflateByPlatform(plain),
  );
  return new Uint8Array([1, 1, ...iv, ...new Uint8Array(ciphertext)]);
}

describe('compression', () => {
  it('round-trips Snappy, and shrinks JSON', async () => {
    const packed = compressValue(plain);
    expect(packed.byteLength).toBeLessThan(plain.byteLength / 3);
    expect(new TextDecoder().decode(await decompressValue(packed, 'snappy'))).toBe(text);
    expect(await decompressValue(compressValue(new Uint8Array(0)), 'snappy')).toEqual(new Uint8Array(0));
  });

  it('reads deflate-raw written by another implementation', async () => {
    const written = await deflateByPlatform(plain);
    expect(new TextDecoder().decode(await decompressValue(written, 'deflate-raw'))).toBe(text);
  });

  it('rejects malformed input in either format', async () => {
    await expect(decompressValue(new Uint8Array([0xff, 0xff, 0xff, 0x00]), 'deflate-raw')).rejects.toThrow();
    await expect(decompressValue(new Uint8Array([0x05, 0x0d, 0x01]), 'snappy')).rejects.toThrow();
  });

  it('refuses a Snappy value that declares more than the limit instead of allocating it', async () => {
    // Snappy's preamble is the uncompressed length as a varint: here 512 MiB.
    const declared = new Uint8Array([0x80, 0x80, 0x80, 0x80, 0x02, 0x00]);
    expect(512 * 1024 * 1024).toBeGreaterThan(MAX_DECOMPRESSED_BYTES);
    await expect(decompressValue(declared, 'snappy')).rejects.toThrow(/too big/);
  });
});

describe('sealed values', () => {
  it('are written compressed with Snappy (flags 2) and open again', async () => {
    const { data } = await deriveStoreKeys(new Uint8Array(32).fill(7));
    const sealed = await sealBytes(data, plain, 'patients|k|body', true);
    expect(sealed[1]).toBe(2);
    expect(sealed.byteLength).toBeLessThan(plain.byteLength / 3);
    expect(new TextDecoder().decode(await openBytes(data, sealed, 'patients|k|body'))).toBe(text);
  });

  it('written before as deflate-raw (flags 1) still open', async () => {
    const { data } = await deriveStoreKeys(new Uint8Array(32).fill(7));
    const sealed = await sealedAsDeflate(data, 'patients|k|body');
    expect(new TextDecoder().decode(await openBytes(data, sealed, 'patients|k|body'))).toBe(text);
  });

  it('with unknown flags are refused before decryption', async () => {
    const { data } = await deriveStoreKeys(new Uint8Array(32).fill(7));
    const sealed = await sealBytes(data, plain, 'patients|k|body', true);
    sealed[1] = 3;
    await expect(openBytes(data, sealed, 'patients|k|body')).rejects.toThrow('Unknown sealed value flags 3');
  });
});
