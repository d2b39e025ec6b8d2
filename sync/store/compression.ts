// Deflate-raw compression of stored values. Ciphertext does not compress, so values are compressed before
// they are encrypted. Writing uses fflate at level 1: through `CompressionStream` (zlib's level 6 behind
// stream plumbing) deflate was about 16 s of the sync workers' 96 s of CPU in a pre-cache of 100,000
// patients. Measured there (BENCHMARKS.md): the incremental run 1.0-1.1 s instead of 1.6-1.7 s and the
// peak heap 167-183 MB instead of 195-204 MB; the first pre-cache's time did not move beyond the noise.
// Reading uses the platform's DecompressionStream: the format is the same (RFC 1951) whichever side wrote
// it, so stores written before read unchanged.
import { deflateSync } from 'fflate';

type Bytes = Uint8Array<ArrayBuffer>;

async function pipe(input: Bytes, transform: CompressionStream | DecompressionStream): Promise<Bytes> {
  const writer = transform.writable.getWriter();
  // Written and closed while the other side is read: awaiting the write first would deadlock once the
  // readable side's queue is full.
  const written = writer.write(input).then(() => writer.close());
  const reader = transform.readable.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  const read = async (): Promise<void> => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      chunks.push(value);
      length += value.byteLength;
    }
  };
  // Both awaited together: on malformed input both sides fail, and neither failure is left unhandled.
  await Promise.all([written, read()]);
  const output = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    output.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return output;
}

/** Deflate-raw (RFC 1951) of `input`, at level 1 (fast; about 5% larger than level 6 on FHIR JSON). */
export function deflateRaw(input: Bytes): Promise<Bytes> {
  return Promise.resolve(deflateSync(input, { level: 1 }));
}

/** Inverse of `deflateRaw`; rejects on malformed input. */
export function inflateRaw(input: Bytes): Promise<Bytes> {
  return pipe(input, new DecompressionStream('deflate-raw'));
}
