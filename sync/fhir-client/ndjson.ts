// Splits a streamed NDJSON body (a Bulk Data export file) into resources one line at a time, holding at most
// one line in memory; bad lines are reported with their line number and the rest of the file continues.
import type { JsonObject } from './bundle';
import { concatBytes, isJsonObject } from './read-body';

/**
 * One non-blank line of an NDJSON file. `line` is the 1-based physical line number (blank lines count);
 * `bytes` is the line's length in bytes without its line break; `json` is the line itself (UTF-8 JSON text
 * that `value` was parsed from, possibly a view into the received chunk).
 */
export type NdjsonLine =
  | {
      readonly kind: 'resource';
      readonly value: JsonObject;
      readonly bytes: number;
      readonly line: number;
      readonly json: Uint8Array;
    }
  | { readonly kind: 'invalid'; readonly reason: string; readonly line: number; readonly bytes: number };

export interface NdjsonOptions {
  /** A longer line is reported invalid; its bytes are counted but not kept. */
  readonly maxLineBytes: number;
  /** Lines up to and including this number are read past without being parsed (resuming a download). */
  readonly skipThrough?: number;
}

/** Default limit for one resource on one line. */
export const defaultMaxLineBytes = 8 * 1024 * 1024;

const newline = 0x0a;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Yields the lines of an NDJSON stream. Lines are split on the byte 0x0A, which never occurs inside a
 * multi-byte UTF-8 character, so a character split across chunks is decoded whole.
 * @see https://hl7.org/fhir/uv/bulkdata/export.html#file-request
 * @see https://github.com/ndjson/ndjson-spec
 */
export async function* ndjsonLines(
  chunks: AsyncIterable<Uint8Array>,
  options: NdjsonOptions,
): AsyncGenerator<NdjsonLine> {
  const assembler = new LineAssembler(options.maxLineBytes, options.skipThrough ?? 0);
  for await (const chunk of chunks) {
    let start = 0;
    for (;;) {
      const end = chunk.indexOf(newline, start);
      if (end === -1) {
        assembler.append(chunk.subarray(start));
        break;
      }
      assembler.append(chunk.subarray(start, end));
      const line = assembler.end();
      if (line !== undefined) yield line;
      start = end + 1;
    }
  }
  if (assembler.hasPartialLine()) {
    const line = assembler.end();
    if (line !== undefined) yield line;
  }
}

/** Collects the pieces of the current line (slices of the chunks, not copies) until its line break. */
class LineAssembler {
  private parts: Uint8Array[] = [];
  private size = 0;
  private tooLong = false;
  private lineNumber = 0;

  constructor(
    private readonly maxLineBytes: number,
    private readonly skipThrough: number,
  ) {}

  append(piece: Uint8Array): void {
    if (piece.byteLength === 0) return;
    this.size += piece.byteLength;
    if (this.tooLong) return;
    if (this.size > this.maxLineBytes) {
      // Past the limit the bytes are only counted, so an endless line cannot exhaust memory.
      this.tooLong = true;
      this.parts = [];
    } else {
      this.parts.push(piece);
    }
  }

  hasPartialLine(): boolean {
    return this.size > 0;
  }

  /** Ends the current line: the parsed line, or undefined for a blank or skipped one. */
  end(): NdjsonLine | undefined {
    this.lineNumber += 1;
    const line = this.lineNumber;
    const { parts, size: bytes, tooLong } = this;
    this.parts = [];
    this.size = 0;
    this.tooLong = false;
    if (line <= this.skipThrough) return undefined;
    if (tooLong) {
      return { kind: 'invalid', reason: `line is longer than ${this.maxLineBytes} bytes`, line, bytes };
    }
    return parseLine(concatBytes(parts, bytes), line);
  }
}

/** Parses one line; a blank line (only whitespace, e.g. a lone `\r`) gives undefined. */
function parseLine(data: Uint8Array, line: number): NdjsonLine | undefined {
  const bytes = data.byteLength;
  let text: string;
  try {
    text = strictUtf8.decode(data);
  } catch {
    return { kind: 'invalid', reason: 'line is not valid UTF-8', line, bytes };
  }
  if (text.trim() === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // Not the parser's message: it quotes the line, which may hold patient data, into logs.
    return { kind: 'invalid', reason: 'line is not valid JSON', line, bytes };
  }
  if (!isJsonObject(value)) return { kind: 'invalid', reason: 'line is not a JSON object', line, bytes };
  return { kind: 'resource', value, bytes, line, json: data };
}
