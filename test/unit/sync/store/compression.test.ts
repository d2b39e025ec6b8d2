// Stored values are deflate-raw: they round-trip, match the platform streams both ways (so the
// implementation can change without touching stored data), and malformed input is refused.
import { describe, expect, it } from 'vitest';
import { deflateRaw, inflateRaw } from '../../../../sync/store/compression';

async function throughStream(
  input: Uint8Array<ArrayBuffer>,
  stream: CompressionStream | DecompressionStream,
) {
  return new Uint8Array(await new Response(new Blob([input]).stream().pipeThrough(stream)).arrayBuffer());
}

const text = JSON.stringify({
  summary: null,
  raw: Array.from({ length: 40 }, (_, index) => ({
    resourceType: 'Observation',
    id: `o${index}`,
    note: 'Siân – £5',
  })),
});
const plain = new TextEncoder().encode(text);

describe('compression', () => {
  it('round-trips, and shrinks JSON', async () => {
    const packed = await deflateRaw(plain);
    expect(packed.byteLength).toBeLessThan(plain.byteLength / 3);
    expect(new TextDecoder().decode(await inflateRaw(packed))).toBe(text);
    expect(await inflateRaw(await deflateRaw(new Uint8Array(0)))).toEqual(new Uint8Array(0));
  });

  it('is the same format as the platform streams, both ways', async () => {
    const written = await throughStream(plain, new CompressionStream('deflate-raw'));
    expect(new TextDecoder().decode(await inflateRaw(written))).toBe(text);
    const read = await throughStream(await deflateRaw(plain), new DecompressionStream('deflate-raw'));
    expect(new TextDecoder().decode(read)).toBe(text);
  });

  it('rejects malformed input', async () => {
    await expect(inflateRaw(new Uint8Array([0xff, 0xff, 0xff, 0x00]))).rejects.toThrow();
  });
});
