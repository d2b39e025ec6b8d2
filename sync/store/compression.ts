// Deflate-raw compression of stored values with the platform's CompressionStream (Chromium and Node 20).
// Ciphertext does not compress, so values are compressed before they are encrypted.

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

/** Deflate-raw (RFC 1951) of `input`. */
export function deflateRaw(input: Bytes): Promise<Bytes> {
  return pipe(input, new CompressionStream('deflate-raw'));
}

/** Inverse of `deflateRaw`; rejects on malformed input. */
export function inflateRaw(input: Bytes): Promise<Bytes> {
  return pipe(input, new DecompressionStream('deflate-raw'));
}
