// The JSON of a stored body, `{ summary, raw }`, made from the resources' own JSON where the caller has it.
// A pre-cache receives every resource as one NDJSON line: writing those bytes as they came, between the
// brackets of `raw`, saves serialising and UTF-8 encoding about 9 KB a patient again. The bytes parse to
// the same value as `JSON.stringify` of the resources would (JSON whitespace, such as a line's `\r`, is
// allowed between array elements).
import { joinBytes } from '../bytes';
import { utf8 } from './data-key';
import type { Bytes } from './data-key';
import type { PatientWrite } from './types';

const COMMA = utf8(',');
const CLOSE = utf8(']}');

/** UTF-8 JSON of `{ summary, raw }`, equal in value to `JSON.stringify({ summary, raw })`. */
export function encodeBody(write: Pick<PatientWrite, 'summary' | 'raw' | 'rawJson'>): Bytes {
  const { summary, raw, rawJson } = write;
  if (rawJson === undefined) return utf8(JSON.stringify({ summary, raw }));
  // `JSON.stringify` leaves out a property whose value is undefined; so does this.
  const head = summary === undefined ? '{"raw":[' : `{"summary":${JSON.stringify(summary)},"raw":[`;
  const parts: Uint8Array[] = [utf8(head)];
  raw.forEach((resource, index) => {
    if (index > 0) parts.push(COMMA);
    parts.push(rawJson[index] ?? utf8(JSON.stringify(resource)));
  });
  parts.push(CLOSE);
  return joinBytes(parts);
}
