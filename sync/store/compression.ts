// Compression of stored values. Ciphertext does not compress, so values are compressed before they are
// encrypted. Values are written in Snappy's raw format (https://github.com/google/snappy/blob/main/format_description.txt)
// by snappyjs. Measured in Chromium on the demo population's records (about 9 KB of JSON each): Snappy
// 36 us a record written and 20 us read, at 3.2x smaller; fflate's deflate at level 1, which wrote
// values before, 221 us written at 4.6x, and the platform's DecompressionStream about 700 us a value
// read (its stream plumbing, not inflation). In a pre-cache of 100,000 patients deflate was the largest
// single cost of the sync workers (BENCHMARKS.md); stored values stay well under plain JSON's size.
// Values written earlier as deflate-raw (RFC 1951) are still read, through DecompressionStream.
import { compress, uncompress } from 'snappyjs';
import { joinBytes } from '../bytes';

type Bytes = Uint8Array<ArrayBuffer>;

/** The formats a stored value can be compressed in; the sealed value's flags say which. */
export type CompressionFormat = 'snappy' | 'deflate-raw';

/** A decompressed value larger than this is refused rather than allocated (a patient's record is far smaller). */
export const MAX_DECOMPRESSED_BYTES = 256 * 1024 * 1024;

async function pipe(input: Bytes, transform: DecompressionStream): Promise<Bytes> {
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
      length += value.byteLength;
      if (length > MAX_DECOMPRESSED_BYTES) throw new RangeError('Decompressed value is too large');
      chunks.push(value);
    }
  };
  // Both awaited together: on malformed input both sides fail, and neither failure is left unhandled.
  await Promise.all([written, read()]);
  return joinBytes(chunks, length);
}

/** Snappy (raw format) of `input`: the format every value is written in. */
export function compressValue(input: Bytes): Bytes {
  return compress(input);
}

/** Inverse of the compression `format` names; throws (or rejects) on malformed input. */
export async function decompressValue(input: Bytes, format: CompressionFormat): Promise<Bytes> {
  if (format === 'deflate-raw') return pipe(input, new DecompressionStream('deflate-raw'));
  return uncompress(input, MAX_DECOMPRESSED_BYTES);
}
