// Postings: the inverted index of name terms, and since store version 5 of the exact terms (NHS number,
// date of birth, postcodes: `exactTerms`), kept in our own table instead of IndexedDB indexes. An index
// costs IndexedDB one entry per term per patient (about 17 name terms, 4 exact ones), which was most of the
// write time of a pre-cache (BENCHMARKS.md); here a commit writes one row per bucket (first byte of the
// term) for all its patients, so 1,000 patients cost at most 256 rows. Rows are never rewritten in place: a
// commit adds a segment, and compaction merges them, dropping the entries of rows written again since.
// Between compactions, segments are merged in tiers (as a log-structured merge tree does): every
// `MERGE_FANOUT` segments of one tier become one segment of the next, so a name lookup reads a few rows
// per bucket instead of one per commit. Merges run when a pull run ends (`PatientStore.mergePostings`),
// not after each commit, where they held up every worker's next commit (a 100,000-patient pre-cache took
// 14 s longer); within a run, the compaction every `COMPACT_AFTER_SEGMENTS` commits bounds them. Merged and
// compacted segments split each bucket into `FINE_PARTS` rows by the term's second byte: Chromium reads a
// row of 160 KB (a compacted bucket at 100,000 patients) in 2.6 ms at p50 and 6.3 ms at p95, one of 20 KB
// in 0.6 ms.
//
// Binary row format (hand-written: no library encodes this, and it is read on every name search):
// groups of [term: 8 bytes][count: u32 LE][count row keys: 32 bytes each].

import type { Collection, Table } from 'dexie';
import type { Bytes } from './data-key';
import { base64url, sameBytes } from './data-key';
import { StoreCorruptError } from './errors';
import type { StoreDatabase } from './schema';

export const POSTING_BUCKETS = 256;
/** Rows a bucket of a merged or compacted segment is split into. */
export const FINE_PARTS = 8;
const TERM_BYTES = 8;
const ROW_KEY_BYTES = 32;
const GROUP_HEADER = TERM_BYTES + 4;
/** Segments added since the last compaction at which the next commit compacts. */
export const COMPACT_AFTER_SEGMENTS = 128;
/** Segments of one tier merged into one of the next tier. */
export const MERGE_FANOUT = 8;
/** The tier of a compaction's segment, above any tier merges reach. */
export const COMPACTED_TIER = 99;

export interface PostingRow {
  /**
   * Bucket: the term's first byte in a commit's segment; in a merged or compacted one, `POSTING_BUCKETS +
   * first byte * FINE_PARTS + the second byte's part` (see `fineBucket`).
   */
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
  /**
   * The segments in the table, oldest first, each `[s, tier]` (0 for a commit's). Absent in stores written
   * before tiers: their next commit compacts, which lists the one segment left.
   */
  readonly segments?: readonly (readonly [number, number])[];
}

export const POSTINGS_META = 'postings';
export const INITIAL_POSTINGS: PostingsState = { next: 1, sinceCompaction: 0, segments: [] };

/** The newest run of segments of one tier, once it has `fanout` or more: what to merge next. */
export function segmentsToMerge(
  state: PostingsState,
  fanout = MERGE_FANOUT,
): { segments: number[]; tier: number } | undefined {
  const listed = state.segments ?? [];
  const last = listed.at(-1);
  if (last === undefined || last[1] >= COMPACTED_TIER) return undefined;
  const run: number[] = [];
  for (let index = listed.length - 1; index >= 0; index--) {
    const [s, tier] = listed[index] as readonly [number, number];
    if (tier !== last[1]) break;
    run.unshift(s);
  }
  return run.length >= fanout ? { segments: run, tier: last[1] } : undefined;
}

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

/** The bucket of a merged or compacted segment's row that holds `term`. */
function fineBucket(term: Bytes): number {
  return (
    POSTING_BUCKETS + (term[0] as number) * FINE_PARTS + Math.floor(((term[1] as number) * FINE_PARTS) / 256)
  );
}

/**
 * The key ranges of the rows of coarse bucket `bucket`: with `segments`, only those of the given segments
 * (`whole`: a commit's, else a merge's split into fine parts), so that a merge never reads the rest of the
 * bucket; without, every row of the bucket.
 */
function bucketRanges(
  postings: Table<PostingRow, [number, number]>,
  bucket: number,
  segments?: { readonly low: number; readonly high: number; readonly whole: boolean },
): Collection<PostingRow, [number, number]>[] {
  const fine = POSTING_BUCKETS + bucket * FINE_PARTS;
  const range = (
    from: number,
    to: number,
    low: number,
    high: number,
  ): Collection<PostingRow, [number, number]> =>
    postings.where('[b+s]').between([from, low], [to, high], true, true);
  if (segments === undefined) {
    return [
      range(bucket, bucket, -Infinity, Infinity),
      range(fine, fine + FINE_PARTS - 1, -Infinity, Infinity),
    ];
  }
  const { low, high } = segments;
  if (segments.whole) return [range(bucket, bucket, low, high)];
  return Array.from({ length: FINE_PARTS }, (_, part) => range(fine + part, fine + part, low, high));
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

  /** The rows of compacted segment `s`: each bucket in its fine parts, as a merge or compaction writes it. */
  compactedRows(s: number): PostingRow[] {
    return fineRows(
      s,
      [...this.byTerm].map(([term, keys]) => ({ term: decodeBase64url(term), parts: keys })),
    );
  }

  /** The rows of segment `s`, one per bucket that has terms. */
  rows(s: number): PostingRow[] {
    const buckets = new Map<number, { term: Bytes; parts: Bytes[] }[]>();
    for (const [term, keys] of this.byTerm) {
      const termBytes = decodeBase64url(term);
      if (termBytes.byteLength !== TERM_BYTES) throw new Error('A name term is not 8 bytes');
      const group = { term: termBytes, parts: keys };
      const bucket = termBytes[0] as number;
      const list = buckets.get(bucket);
      if (list === undefined) buckets.set(bucket, [group]);
      else list.push(group);
    }
    return [...buckets].map(([b, groups]) => ({ b, s, data: encodeParts(groups) }));
  }
}

/** One term's group in a row, as views into the row. */
interface PostingGroup {
  readonly term: Bytes;
  /** The group's row keys, concatenated. */
  readonly keyBytes: Bytes;
  /** The row keys one by one, sliced out only for the groups a caller wants. */
  readonly keys: () => Bytes[];
}

/** The groups of a row, in order; throws on a truncated row. */
function* groupsOf(data: Bytes): Generator<PostingGroup> {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let offset = 0;
  while (offset < data.byteLength) {
    if (offset + GROUP_HEADER > data.byteLength) throw new Error('Truncated postings row');
    const term = data.subarray(offset, offset + TERM_BYTES);
    const start = offset + GROUP_HEADER;
    const end = start + view.getUint32(offset + TERM_BYTES, true) * ROW_KEY_BYTES;
    if (end > data.byteLength) throw new Error('Truncated postings row');
    yield {
      term,
      keyBytes: data.subarray(start, end),
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

/** The result of one IndexedDB request as a promise. */
export function requested<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => {
      resolve(request.result);
    };
    request.onerror = () => {
      reject(request.error ?? new Error('IndexedDB request failed'));
    };
  });
}

/**
 * For each of `terms`, the row keys holding it, each with the newest segment that listed it. An entry from a
 * segment older than the row's own `s` is stale (the row was written again since); callers drop those.
 * `store` is the postings store of the caller's read-only transaction, read with raw IndexedDB requests:
 * this is on every keystroke of a name, and Dexie's transaction and promise wrapping cost about 1 ms of the
 * 3 ms it took at 100,000 patients.
 */
export async function lookupPostings(
  store: IDBObjectStore,
  keyRange: typeof IDBKeyRange,
  terms: readonly string[],
  onCorrupt: (error: StoreCorruptError) => void,
): Promise<Map<string, number>[]> {
  const termBytes = terms.map(decodeBase64url);
  // A commit's rows of the term's bucket, and the one part of each merged segment's that can hold it.
  const reads = termBytes.map((bytes) =>
    Promise.all(
      [bytes[0] as number, fineBucket(bytes)].map(
        (b) =>
          requested(store.getAll(keyRange.bound([b, -Infinity], [b, Infinity]))) as Promise<PostingRow[]>,
      ),
    ),
  );
  return (await Promise.all(reads)).map((rows, index) => {
    const term = termBytes[index] as Bytes;
    const found = new Map<string, number>();
    for (const row of rows.flat()) {
      let keys: Bytes[];
      try {
        keys = findGroup(row.data, term);
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
  });
}

/**
 * The groups of each row that parses. A damaged row is reported and left out: its entries are lost to name
 * search (they were already hidden from lookups), and the compaction or merge reading it drops it.
 */
function intactGroups(
  rows: readonly PostingRow[],
  onCorrupt: (error: StoreCorruptError) => void,
): { row: PostingRow; groups: PostingGroup[] }[] {
  const intact: { row: PostingRow; groups: PostingGroup[] }[] = [];
  for (const row of rows) {
    try {
      intact.push({ row, groups: [...groupsOf(row.data)] });
    } catch (error) {
      onCorrupt(corruptRow(row, error));
    }
  }
  return intact;
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
    const ranges = bucketRanges(postings, bucket);
    const rows = (await Promise.all(ranges.map((range) => range.toArray()))).flat();
    if (rows.length === 0) continue;
    const merged = new Map<string, { term: Bytes; keys: Map<string, Bytes> }>();
    for (const { row, groups } of intactGroups(rows, onCorrupt)) {
      for (const group of groups) {
        const { term } = group;
        const termKey = base64url(term);
        let kept = merged.get(termKey);
        for (const key of group.keys()) {
          const k = base64url(key);
          const since = liveSince.get(k);
          if (since === undefined || since > row.s) continue;
          if (kept === undefined) {
            kept = { term: term.slice(), keys: new Map() };
            merged.set(termKey, kept);
          }
          kept.keys.set(k, key.slice());
        }
      }
    }
    // Range deletes: one request per range, where deleting row by row cost one each (about 50 us).
    await Promise.all(ranges.map((range) => range.delete()));
    await postings.bulkAdd(
      fineRows(
        s,
        [...merged.values()].map((group) => ({ term: group.term, parts: [...group.keys.values()] })),
      ),
    );
  }
}

/**
 * Merges segments `from`, all of `tier` (0: commits' segments, whole buckets; above: merged ones, in fine
 * parts), into one new segment `s` of the next tier, bucket by bucket, keeping every entry:
 * stale ones are skipped by searches as before and dropped by the next compaction. A damaged row is
 * reported and dropped (its entries were already hidden from searches). Runs inside the caller's
 * transaction.
 */
export async function mergeSegments(
  postings: Table<PostingRow, [number, number]>,
  from: readonly number[],
  tier: number,
  s: number,
  onCorrupt: (error: StoreCorruptError) => void,
): Promise<void> {
  const wanted = new Set(from);
  const low = Math.min(...from);
  const high = Math.max(...from);
  // Buckets a few at a time: in flight together, but never the whole tier's postings in memory.
  const inFlight = 32;
  for (let first = 0; first < POSTING_BUCKETS; first += inFlight) {
    const buckets = Array.from({ length: Math.min(inFlight, POSTING_BUCKETS - first) }, (_, i) => first + i);
    await Promise.all(
      buckets.map(async (bucket) => {
        // The merged segments are the newest: no other segment has rows in [low, high].
        const ranges = bucketRanges(postings, bucket, { low, high, whole: tier === 0 });
        const rows = (await Promise.all(ranges.map((range) => range.toArray())))
          .flat()
          .filter((row) => wanted.has(row.s));
        if (rows.length === 0) return;
        const merged = new Map<string, { term: Bytes; parts: Bytes[] }>();
        for (const { groups } of intactGroups(rows, onCorrupt)) {
          for (const { term, keyBytes } of groups) {
            const termKey = base64url(term);
            const group = merged.get(termKey);
            if (group === undefined) merged.set(termKey, { term, parts: [keyBytes] });
            else group.parts.push(keyBytes);
          }
        }
        await Promise.all(ranges.map((range) => range.delete()));
        await postings.bulkAdd(fineRows(s, [...merged.values()]));
      }),
    );
  }
}

/** The rows of segment `s` holding `groups` (all of one coarse bucket), split into its fine parts. */
function fineRows(s: number, groups: readonly { term: Bytes; parts: readonly Bytes[] }[]): PostingRow[] {
  const parts = new Map<number, { term: Bytes; parts: readonly Bytes[] }[]>();
  for (const group of groups) {
    const b = fineBucket(group.term);
    const list = parts.get(b);
    if (list === undefined) parts.set(b, [group]);
    else list.push(group);
  }
  return [...parts].map(([b, list]) => ({ b, s, data: encodeParts(list) }));
}

/** A row of `groups`, each term's row keys given as runs of whole 32-byte keys. */
function encodeParts(groups: readonly { term: Bytes; parts: readonly Bytes[] }[]): Bytes {
  let length = 0;
  for (const group of groups) {
    length += GROUP_HEADER;
    for (const part of group.parts) {
      if (part.byteLength % ROW_KEY_BYTES !== 0) throw new Error('A row key is not 32 bytes');
      length += part.byteLength;
    }
  }
  const data = new Uint8Array(length);
  const view = new DataView(data.buffer);
  let offset = 0;
  for (const { term, parts } of groups) {
    data.set(term, offset);
    let count = 0;
    for (const part of parts) {
      data.set(part, offset + GROUP_HEADER + count * ROW_KEY_BYTES);
      count += part.byteLength / ROW_KEY_BYTES;
    }
    view.setUint32(offset + TERM_BYTES, count, true);
    offset += GROUP_HEADER + count * ROW_KEY_BYTES;
  }
  return data;
}

function isSegmentList(value: unknown): value is [number, number][] {
  return (
    Array.isArray(value) &&
    value.every(
      (entry: unknown) =>
        Array.isArray(entry) &&
        entry.length === 2 &&
        entry.every((part: unknown) => Number.isSafeInteger(part) && (part as number) >= 0),
    )
  );
}

/** The postings state in `meta`; throws StoreCorruptError when it cannot be read. */
export async function readPostingsState(db: Pick<StoreDatabase, 'meta'>): Promise<PostingsState> {
  const row = await db.meta.get(POSTINGS_META);
  if (row === undefined) return INITIAL_POSTINGS;
  let state: Partial<PostingsState> | undefined;
  try {
    state = JSON.parse(new TextDecoder().decode(row.value)) as Partial<PostingsState> | undefined;
  } catch (error) {
    throw new StoreCorruptError('meta', POSTINGS_META, 'value', { cause: error });
  }
  if (
    !Number.isSafeInteger(state?.next) ||
    !Number.isSafeInteger(state?.sinceCompaction) ||
    (state?.segments !== undefined && !isSegmentList(state.segments))
  ) {
    throw new StoreCorruptError('meta', POSTINGS_META, 'value');
  }
  return state as PostingsState;
}

export async function writePostingsState(
  db: Pick<StoreDatabase, 'meta'>,
  state: PostingsState,
): Promise<void> {
  await db.meta.put(postingsStateRow(state));
}
