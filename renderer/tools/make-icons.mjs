// Writes the PWA icons (renderer/public/icons/kerbside-{192,512}.png): NHS blue with a white "K".
/* global URL */
// Run with `node renderer/tools/make-icons.mjs`; the PNGs are committed, so builds do not need this.
import { mkdirSync, writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const BLUE = [0x00, 0x5e, 0xb8];
const WHITE = [0xff, 0xff, 0xff];

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const byte of bytes) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  const typed = new Uint8Array([...type].map((ch) => ch.charCodeAt(0)));
  out.set(typed, 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** True where the white "K" is, in unit coordinates (0..1). */
function isMark(x, y) {
  if (y < 0.22 || y > 0.78) return false;
  const stroke = 0.075;
  if (x > 0.3 && x < 0.3 + 2 * stroke) return true;
  const mid = 0.5;
  // Two diagonals meeting the upright at mid-height.
  const upper = 0.45 + ((mid - y) * (0.72 - 0.45)) / (mid - 0.22);
  const lower = 0.45 + ((y - mid) * (0.72 - 0.45)) / (0.78 - mid);
  return Math.abs(x - (y <= mid ? upper : lower)) < stroke * 1.1 && x > 0.38;
}

function png(size) {
  const raw = new Uint8Array(size * (size * 3 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 3 + 1)] = 0; // filter: none
    for (let x = 0; x < size; x++) {
      const colour = isMark((x + 0.5) / size, (y + 0.5) / size) ? WHITE : BLUE;
      raw.set(colour, y * (size * 3 + 1) + 1 + x * 3);
    }
  }
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, size);
  view.setUint32(4, size);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type: RGB
  const signature = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const parts = [
    signature,
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', new Uint8Array()),
  ];
  const total = parts.reduce((sum, part) => sum + part.length, 0);
  const file = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    file.set(part, offset);
    offset += part.length;
  }
  return file;
}

const folder = new URL('../public/icons/', import.meta.url);
mkdirSync(folder, { recursive: true });
for (const size of [192, 512]) writeFileSync(new URL(`kerbside-${size}.png`, folder), png(size));
