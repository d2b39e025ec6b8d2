// Byte-array helpers shared by the FHIR client and the store (platform-neutral).

/** A new array holding `parts` one after another; `total` is their combined length when already known. */
export function joinBytes(parts: readonly Uint8Array[], total?: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(total ?? parts.reduce((sum, part) => sum + part.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}
