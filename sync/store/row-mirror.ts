// An in-memory copy of the `patients` rows (blind index terms and sealed cards, nothing in the clear), for the
// page that searches: an exact lookup then costs no IndexedDB round trip, whose latency (another process,
// and a disk) made the tails of NHS number searches at 100,000 patients (BENCHMARKS.md).
//
// It is only ever used whole and current. Every handle on the store announces each change to the rows on a
// BroadcastChannel (the sync workers write through their own handles); on any announcement the copy is
// marked stale at once, so searches go back to IndexedDB, and it is read again once the writes have paused.
import type { PatientRow } from './schema';

export type MirroredIndex = 'nhs' | 'dob' | 'postcodes' | 'pairs';

/** The announcements' channel for one store, shared by the handles that write and the mirror that reads. */
export const changesChannelName = (storeName: string): string => `kerbside-store-changes:${storeName}`;

/**
 * Rows per read while loading, with a turn of the event loop between reads: each read's rows are
 * deserialised on the page's thread, and a crew's tap must not wait behind thousands of them (with 4,000
 * rows a read, opening a summary at 100,000 patients took up to 164 ms at p95 while the rows loaded).
 */
const LOAD_BATCH = 500;
/**
 * Quiet time after the last change before the copy is read again, when nothing shows how far apart changes
 * come (a sync on a fast link commits every second or so).
 */
export const RELOAD_AFTER_MS = 3_000;
/**
 * The longest quiet time. Changes further apart than this start a new burst (the app's next scheduled run).
 * Within a burst the copy waits for twice the longest gap seen so far: a sync over a slow link commits
 * every few seconds, and reading every row (3.7 s of the page's time at 73,500 patients on the build
 * machine) after each commit would be thrown away by the next one.
 */
export const MAX_RELOAD_AFTER_MS = 60_000;

type Buckets = Map<string, string[]>;

interface Snapshot {
  readonly rows: Map<string, PatientRow>;
  readonly nhs: Buckets;
  readonly dob: Buckets;
  readonly postcodes: Buckets;
  readonly pairs: Buckets;
}

function add(buckets: Buckets, term: string, key: string): void {
  const keys = buckets.get(term);
  if (keys === undefined) buckets.set(term, [key]);
  else keys.push(key);
}

export interface MirrorSource {
  /** Up to `count` rows in primary-key order, after `after` (from the first when undefined). */
  readRows(after: string | undefined, count: number): Promise<PatientRow[]>;
}

export class RowMirror {
  private snapshot: Snapshot | undefined;
  /** Bumped by every announced change: a load that saw one while reading is thrown away. */
  private generation = 0;
  private loading: Promise<void> | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** When the last change was announced, and the longest gap between changes of its burst. */
  private lastChangeAt: number | undefined;
  private longestGapMs = 0;
  private readonly channel: BroadcastChannel;
  private closed = false;

  constructor(
    private readonly source: MirrorSource,
    storeName: string,
    private readonly reloadAfterMs = RELOAD_AFTER_MS,
  ) {
    this.channel = new BroadcastChannel(changesChannelName(storeName));
    this.channel.onmessage = () => {
      this.invalidate();
    };
  }

  /** True when lookups can be answered from memory. */
  get ready(): boolean {
    return this.snapshot !== undefined;
  }

  /** Rows in memory (for diagnostics and the benchmark). */
  get size(): number {
    return this.snapshot?.rows.size ?? 0;
  }

  /** Reads every row; resolves when the copy is current (or was made stale again while reading). */
  load(): Promise<void> {
    this.loading ??= this.read().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  /**
   * A change was announced: stop answering from memory now, and read again once changes pause for clearly
   * longer than they have been coming apart (see `MAX_RELOAD_AFTER_MS`).
   */
  invalidate(): void {
    this.generation += 1;
    this.snapshot = undefined;
    if (this.closed) return;
    const now = Date.now();
    const gap = this.lastChangeAt === undefined ? Infinity : now - this.lastChangeAt;
    this.longestGapMs = gap > MAX_RELOAD_AFTER_MS ? 0 : Math.max(this.longestGapMs, gap);
    this.lastChangeAt = now;
    const quietMs = Math.min(MAX_RELOAD_AFTER_MS, Math.max(this.reloadAfterMs, 2 * this.longestGapMs));
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.load().catch((error: unknown) => {
        console.error('Could not read the search rows into memory; searching IndexedDB instead', error);
      });
    }, quietMs);
  }

  /** The rows an IndexedDB `index.getAll(term, limit)` would give, in the same order; undefined if not ready. */
  lookup(index: MirroredIndex, term: string, limit: number): PatientRow[] | undefined {
    const snapshot = this.snapshot;
    if (snapshot === undefined) return undefined;
    const keys = snapshot[index].get(term) ?? [];
    const rows: PatientRow[] = [];
    for (const key of keys) {
      if (rows.length >= limit) break;
      const row = snapshot.rows.get(key);
      if (row !== undefined) rows.push(row);
    }
    return rows;
  }

  /** One row by key: the row, null when there is none, undefined when the copy is not ready. */
  get(key: string): PatientRow | null | undefined {
    const snapshot = this.snapshot;
    if (snapshot === undefined) return undefined;
    return snapshot.rows.get(key) ?? null;
  }

  close(): void {
    this.closed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.channel.close();
    this.snapshot = undefined;
  }

  private async read(): Promise<void> {
    const started = this.generation;
    // A function, not a condition: the answer changes across the awaits below.
    const current = (): boolean => this.generation === started && !this.closed;
    const snapshot: Snapshot = {
      rows: new Map(),
      nhs: new Map(),
      dob: new Map(),
      postcodes: new Map(),
      pairs: new Map(),
    };
    let after: string | undefined;
    for (;;) {
      const batch = await this.source.readRows(after, LOAD_BATCH);
      if (!current()) return;
      for (const row of batch) {
        snapshot.rows.set(row.k, row);
        if (row.nhs !== undefined) add(snapshot.nhs, row.nhs, row.k);
        if (row.dob !== undefined) add(snapshot.dob, row.dob, row.k);
        // multiEntry indexes hold each distinct value of a row once.
        for (const term of new Set(row.postcodes)) add(snapshot.postcodes, term, row.k);
        for (const term of new Set(row.pairs ?? [])) add(snapshot.pairs, term, row.k);
      }
      if (batch.length < LOAD_BATCH) break;
      after = batch[batch.length - 1]?.k;
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    if (current()) this.snapshot = snapshot;
  }
}

/** Tells every mirror of a store that its rows changed (the message carries nothing: mirrors read again). */
export class ChangeAnnouncer {
  private channel: BroadcastChannel | undefined;

  constructor(private readonly storeName: string) {}

  announce(): void {
    this.channel ??= new BroadcastChannel(changesChannelName(this.storeName));
    this.channel.postMessage('changed');
  }

  close(): void {
    this.channel?.close();
    this.channel = undefined;
  }
}

/** Reads `patients` rows in key order with raw requests (Dexie's wrapping is not needed for a plain scan). */
export function idbRowSource(database: () => IDBDatabase, keyRange: typeof IDBKeyRange): MirrorSource {
  return {
    readRows: (after, count) =>
      new Promise<PatientRow[]>((resolve, reject) => {
        const store = database().transaction('patients', 'readonly').objectStore('patients');
        const request = store.getAll(after === undefined ? null : keyRange.lowerBound(after, true), count);
        request.onsuccess = () => {
          resolve(request.result as PatientRow[]);
        };
        request.onerror = () => {
          reject(request.error ?? new Error('reading patients failed'));
        };
      }),
  };
}
