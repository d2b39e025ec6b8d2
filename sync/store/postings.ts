// Name postings: the inverted index of name terms, kept in our own table instead of a multiEntry index.
// A multiEntry index costs IndexedDB one entry per term per patient (about 17), which was most of the write
// time of a pre-cache (BENCHMARKS.md); here a commit writes one row per bucket (first byte of the term)
// for all its patients, so 1,000 patients cost at most 256 rows. Rows are never rewritten in place: a
// commit adds a segment, and compaction merges them, dropping the entries of rows written again since.
//
// Binary row format (hand-written: no library encodes this, and it is read on every name search):
// groups of [term: 8 bytes][count: u32 LE][count row keys: 32 bytes each].

import type { Table } from 'dexie';
import type { Bytes } from './data-key';
import { base64url, sameBytes } from './data-key';
import { StoreCorruptError } from './errors';

export const POSTING_BUCKETS = 256;
const TERM_BYTES = 8;
const ROW_KEY_BYTES = 32;
const GROUP_HEADER = TERM_BYTES + 4;
/** Segments added since the last compaction at which the next commit compacts. */
export const COMPACT_AFTER_SEGMENTS = 128;

export interface PostingRow {
  /** Bucket: the term's first byte. */
  readonly b: number;
  /** Segment: the commit (or compaction) that wrote the row. */
  readonly s: number;
  readonly data: Bytes;
}

/** Where the segment counter stands, kept in `meta` as JSON. */
export interface PostingsState {
  /** The segment number the next commit takes. */
  readonly next: number;
  /** Segments written since the last compaction. */
  readonly sinceCompaction: number;
}

export const POSTINGS_META = 'postings';
export const INITIAL_POSTINGS: PostingsState = { next: 1, sinceCompaction: 0 };

/** The `meta` row that holds the segment counter. */
export function postingsStateRow(state: PostingsState): { name: string; value: Bytes } {
  return { name: POSTINGS_META, value: new TextEncoder().encode(JSON.stringify(state)) };
}

export function decodeBase64url(text: string): Bytes {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index++) bytes[index] = binary.charCodeAt(index);
  return bytes;
}

/** Postings of one segment: for each term, the row keys holding it. */
export class SegmentBuilder {
  private readonly byTerm = new Map<string, Bytes[]>();

  add(rowKey: string, terms: readonly string[]): void {
    if (terms.length === 0) return;
    const key = decodeBase64url(rowKey);
    for (const term of terms) {
      const keys = this.byTerm.get(term);
      if (keys === undefined) this.byTerm.set(term, [key]);
      else keys.push(key);
    }
  }

  /** The rows of segment `s`, one per bucket that has terms. */
  rows(s: number): PostingRow[] {
    const buckets = new Map<number, { term: Bytes; keys: Bytes[] }[]>();
    for (const [term, keys] of this.byTerm) {
      const termBytes = decodeBase64url(term);
      if (termBytes.byteLength !== TERM_BYTES) throw new Error('A name term is not 8 bytes');
      const group = { term: termBytes, keys };
      const bucket = termBytes[0] as number;
      const list = buckets.get(bucket);
      if (list === undefined) buckets.set(bucket, [group]);
      else list.push(group);
    }
    return [...buckets].map(([b, groups]) => ({ b, s, data: encodeGroups(groups) }));
  }
}

function encodeGroups(groups: readonly { term: Bytes; keys: readonly Bytes[] }[]): Bytes {
  let length = 0;
  for (const group of groups) length += GROUP_HEADER + group.keys.length * ROW_KEY_BYTES;
  const data = new Uint8Array(length);
  const view = new DataView(data.buffer);
  let offset = 0;
  for (const { term, keys } of groups) {
    data.set(term, offset);
    view.setUint32(offset + TERM_BYTES, keys.length, true);
    offset += GROUP_HEADER;
    for (const key of keys) {
      if (key.byteLength !== ROW_KEY_BYTES) throw new Error('A row key is not 32 bytes');
      data.set(key, offset);
      offset += ROW_KEY_BYTES;
    }
  }
  return data;
}

/** The groups of a row, in order, as views into it; throws on a truncated row. */
function* groupsOf(data: Bytes): Generator<{ term: Bytes; keys: () => Bytes[] }> {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let offset = 0;
  while (offset < data.byteLength) {
    if (offset + GROUP_HEADER > data.byteLength) throw new Error('Truncated postings row');
    const term = data.subarray(offset, offset + TERM_BYTES);
    const start = offset + GROUP_HEADER;
    const end = start + view.getUint32(offset + TERM_BYTES, true) * ROW_KEY_BYTES;
    if (end > data.byteLength) throw new Error('Truncated postings row');
    // Row keys are sliced out only for the groups a caller wants.
    yield {
      term,
      keys: () => {
        const keys: Bytes[] = [];
        for (let at = start; at < end; at += ROW_KEY_BYTES) keys.push(data.subarray(at, at + ROW_KEY_BYTES));
        return keys;
      },
    };
    offset = end;
  }
}

/** The row keys of `term` in one row (a term has at most one group per row); throws on a truncated row. */
function findGroup(data: Bytes, term: Bytes): Bytes[] {
  for (const group of groupsOf(data)) if (sameBytes(group.term, term)) return group.keys();
  return [];
}

function corruptRow(row: PostingRow, cause: unknown): StoreCorruptError {
  return new StoreCorruptError('postings', `${row.b}/${row.s}`, 'data', { cause });
}

/**
 * Row keys holding `term`, each with the newest segment that listed it. An entry from a segment older than
 * the row's own `s` is stale (the row was written again since); callers drop those.
 */
export async function lookupPostings(
  postings: Table<PostingRow, [number, number]>,
  term: string,
  onCorrupt: (error: StoreCorruptError) => void,
): Promise<Map<string, number>> {
  const termBytes = decodeBase64url(term);
  const bucket = termBytes[0] as number;
  const rows = await postings
    .where('[b+s]')
    .between([bucket, -Infinity], [bucket, Infinity], true, true)
    .toArray();
  const found = new Map<string, number>();
  for (const row of rows) {
    let keys: Bytes[];
    try {
      keys = findGroup(row.data, termBytes);
    } catch (error) {
      // A damaged row hides its entries from this search; the rest of the bucket still answers.
      onCorrupt(corruptRow(row, error));
      continue;
    }
    for (const key of keys) {
      const k = base64url(key);
      found.set(k, Math.max(found.get(k) ?? 0, row.s));
    }
  }
  return found;
}

/**
 * Merges every segment of every bucket into one new segment `s`, keeping only live entries: the row still
 * exists and was last written in the entry's segment or earlier. `liveSince` maps row keys to their `s`.
 * Runs inside the caller's transaction.
 */
export async function compactPostings(
  postings: Table<PostingRow, [number, number]>,
  liveSince: ReadonlyMap<string, number>,
  s: number,
  onCorrupt: (error: StoreCorruptError) => void,
): Promise<void> {
  for (let bucket = 0; bucket < POSTING_BUCKETS; bucket++) {
    const range = postings.where('[b+s]').between([bucket, -Infinity], [bucket, Infinity], true, true);
    const rows = await range.toArray();
    if (rows.length === 0) continue;
    const merged = new Map<string, { term: Bytes; keys: Map<string, Bytes> }>();
    for (const row of rows) {
      let groups: { term: Bytes; keys: Bytes[] }[];
      try {
        groups = [...groupsOf(row.data)].map((group) => ({ term: group.term, keys: group.keys() }));
      } catch (error) {
        // Its entries are lost to name search (the rows themselves are intact); reported, not fatal.
        onCorrupt(corruptRow(row, error));
        continue;
      }
      for (const { term, keys } of groups) {
        const termKey = base64url(term);
        let group = merged.get(termKey);
        for (const key of keys) {
          const k = base64url(key);
          const since = liveSince.get(k);
          if (since === undefined || since > row.s) continue;
          if (group === undefined) {
            group = { term: term.slice(), keys: new Map() };
            merged.set(termKey, group);
          }
          group.keys.set(k, key.slice());
        }
      }
    }
    await range.delete();
    if (merged.size > 0) {
      const groups = [...merged.values()].map((group) => ({
        term: group.term,
        keys: [...group.keys.values()],
      }));
      await postings.add({ b: bucket, s, data: encodeGroups(groups) });
    }
  }
}
