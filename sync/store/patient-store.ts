// The encrypted local patient cache (Dexie on IndexedDB): atomic page commits for the pull engine, blind-index
// search for crews, and retention purges. Everything personal is sealed with AES-GCM or hidden behind HMACs.

import { Dexie } from 'dexie';
import { BlindIndexer } from './blind-index';
import { deletePatients, putPatients, readBodies } from './body-groups';
import { CardCache } from './card-cache';
import { deriveStoreKeys, openJson, sealJson } from './data-key';
import { InvalidQueryError, InvalidWriteError, StoreCorruptError } from './errors';
import { checkKey } from './key-check';
import { ChangeAnnouncer, idbRowSource, RowMirror } from './row-mirror';
import { countByIcb, keysRefreshedBefore, rowsOfIcb } from './icb-rows';
import { estimateStoreBytes } from './store-size';
import { normalisePostcode, normaliseValidNhsNumber, queryTokens } from './normalise';
import {
  checkpointContext,
  decodeBody,
  decodeCard,
  decodeQuarantine,
  encodePatient,
  encodeQuarantine,
  mapLimited,
  SEAL_CONCURRENCY,
} from './row-codec';
import {
  COMPACT_AFTER_SEGMENTS,
  COMPACTED_TIER,
  compactPostings,
  mergeSegments,
  readPostingsState,
  segmentsToMerge,
  SegmentBuilder,
  writePostingsState,
} from './postings';
import type { PostingsState } from './postings';
import { createDatabase, dexieOptions, exactTerms } from './schema';
import type { DatabaseOptions, StoreDatabase, StoreMigration } from './schema';
import { DEFAULT_LIMIT, keysListing, searchByNameTokens, searchByTerm } from './search';
import type { SearchContext } from './search';
import { parseBirthDate, parseSearchQuery } from './search-query';
import type {
  CommitBatch,
  QuarantineEntry,
  SearchHit,
  StoreCounts,
  StoredRecord,
  StoredSummary,
} from './types';

export interface PatientStoreOptions extends DatabaseOptions {
  readonly name: string;
  /** 32 bytes of key material; the store derives its keys from it and does not keep it. */
  readonly keyMaterial: Uint8Array;
  /** Called for every row that fails authentication during searches and list reads (the row is skipped). */
  readonly onCorruptRow?: (error: StoreCorruptError) => void;
  /** The schema versions to open with; defaults to `STORE_MIGRATIONS` (tests pass extra versions). */
  readonly migrations?: readonly StoreMigration[];
}

/** Set when a postings row failed to parse: the next `mergePostings` rebuilds the postings from the cards. */
const POSTINGS_DAMAGED = 'postings-damaged';
/** Every row has name-pair terms in the postings. */
const PAIRS_MARKER = 'name-pairs';
/** Every row has its `pairs` index terms (store version 4 on). */
const PAIR_INDEX_MARKER = 'pair-index';

/**
 * Which name-pair terms every row carries: each is true once marked, and marked when the store is empty
 * (new, or wiped). A store filled by an earlier version searches without them until it is emptied: by
 * single-token postings, or by the postings and the `pairs` index together.
 */
async function markPairsIndexed(db: StoreDatabase): Promise<{ postings: boolean; index: boolean }> {
  return db.transaction('rw', [db.meta, db.patients], async () => {
    const [postings, index] = await Promise.all(
      [PAIRS_MARKER, PAIR_INDEX_MARKER].map(async (name) => (await db.meta.get(name)) !== undefined),
    );
    if ((postings && index) || (await db.patients.count()) > 0) {
      return { postings: postings === true, index: index === true };
    }
    await db.meta.bulkPut(
      [PAIRS_MARKER, PAIR_INDEX_MARKER].map((name) => ({ name, value: new Uint8Array([1]) })),
    );
    return { postings: true, index: true };
  });
}

export class PatientStore {
  private readonly indexer: BlindIndexer;
  private readonly cards = new CardCache();
  private readonly corrupt = new Set<string>();
  private readonly changes: ChangeAnnouncer;
  private mirror: RowMirror | undefined;

  private constructor(
    private readonly name: string,
    private readonly db: StoreDatabase,
    private readonly dataKey: CryptoKey,
    indexKey: CryptoKey,
    private readonly onCorruptRow: ((error: StoreCorruptError) => void) | undefined,
    private readonly pairsIndexed: { readonly postings: boolean; readonly index: boolean },
  ) {
    this.indexer = new BlindIndexer(indexKey);
    this.changes = new ChangeAnnouncer(name);
  }

  /** Opens (creating or migrating) the store; throws WrongKeyError when the key does not match its data. */
  static async open(options: PatientStoreOptions): Promise<PatientStore> {
    const keys = await deriveStoreKeys(options.keyMaterial);
    const db = createDatabase(options.name, options, options.migrations);
    await db.open();
    let pairsIndexed: { postings: boolean; index: boolean };
    try {
      await checkKey(db, keys.data, options.name);
      pairsIndexed = await markPairsIndexed(db);
    } catch (error) {
      db.close();
      throw error;
    }
    return new PatientStore(options.name, db, keys.data, keys.index, options.onCorruptRow, pairsIndexed);
  }

  static async delete(name: string, options: DatabaseOptions = {}): Promise<void> {
    await new Dexie(name, dexieOptions(options)).delete();
  }

  close(): void {
    this.clearCaches();
    this.mirror?.close();
    this.changes.close();
    this.db.close();
  }

  /**
   * Keeps the rows in memory for this handle's searches (row-mirror.ts); the page that searches calls it
   * once start-up is over. Returns the mirror, whose `load()` resolves when it is first current.
   */
  keepRowsInMemory(reloadAfterMs?: number): RowMirror {
    const source = idbRowSource(() => this.db.backendDB(), this.db.keyRange);
    this.mirror ??= new RowMirror(source, this.name, reloadAfterMs);
    return this.mirror;
  }

  /** Forgets what is held decrypted or derived in memory (search cards, HMACs of names); searches redo it. */
  clearCaches(): void {
    this.indexer.clear();
    this.cards.clear();
  }

  /** Keys of rows found corrupt since the store was opened. */
  get corruptRowKeys(): readonly string[] {
    return [...this.corrupt];
  }

  private readonly reportCorrupt = (error: StoreCorruptError): void => {
    this.corrupt.add(error.key);
    this.onCorruptRow?.(error);
    // A damaged postings row hides its names from searches: noted in the store (the sync worker, which
    // rebuilds, has its own handle on it), and rebuilt from the cards when the next pull run ends.
    if (error.table === 'postings') {
      this.db.meta.put({ name: POSTINGS_DAMAGED, value: new Uint8Array([1]) }).catch((cause: unknown) => {
        console.error('Could not note damaged name postings', cause);
      });
    }
  };

  private get searchContext(): SearchContext {
    return {
      db: this.db,
      dataKey: this.dataKey,
      indexer: this.indexer,
      reportCorrupt: this.reportCorrupt,
      cards: this.cards,
      pairsIndexed: this.pairsIndexed.postings,
      pairIndexComplete: this.pairsIndexed.index,
      ...(this.mirror === undefined ? {} : { mirror: this.mirror }),
    };
  }

  /**
   * Writes one page atomically: deletes, upserts, quarantine entries and the checkpoint in ONE transaction,
   * so the checkpoint advances only with its data. Sealing and hashing happen before the transaction opens.
   */
  async commit<C>(batch: CommitBatch<C>): Promise<void> {
    const { icb } = batch;
    for (const write of batch.upserts) {
      if (write.icb !== icb || write.card.icb !== icb) {
        throw new InvalidWriteError(`Patient ${write.patientId} is not from ${icb}, the batch's ICB`);
      }
      // An unindexable refreshedAt would hide the row from retention purges.
      if (!Number.isFinite(write.refreshedAt)) {
        throw new InvalidWriteError(`Patient ${write.patientId} has no valid refreshedAt`);
      }
      if (write.rawJson !== undefined && write.rawJson.length !== write.raw.length) {
        throw new InvalidWriteError(
          `Patient ${write.patientId}: rawJson does not match raw, resource for resource`,
        );
      }
    }
    for (const entry of batch.quarantine) {
      if (entry.icb !== icb) throw new InvalidWriteError(`Quarantine entry is not from ${icb}`);
    }
    const [encoded, deleteKeys, quarantineRows, checkpoint] = await Promise.all([
      mapLimited(batch.upserts, SEAL_CONCURRENCY, (write) =>
        encodePatient(this.dataKey, this.indexer, write),
      ),
      Promise.all(batch.deletes.map((patientId) => this.indexer.rowKey(icb, patientId))),
      Promise.all(batch.quarantine.map((entry) => encodeQuarantine(this.dataKey, this.indexer, entry))),
      batch.checkpoint === null
        ? undefined
        : sealJson(this.dataKey, batch.checkpoint, checkpointContext(icb), false),
    ]);
    const { db } = this;
    const tables = [db.patients, db.bodyGroups, db.checkpoints, db.quarantine, db.postings, db.meta];
    const compact = await db.transaction('rw', tables, async () => {
      if (deleteKeys.length > 0) await deletePatients(db, deleteKeys);
      let state: PostingsState | undefined;
      if (encoded.length > 0) {
        // The commit's name and exact terms go to one new postings segment; the rows record it, so entries
        // of earlier segments for the same rows are known to be stale.
        const before = await readPostingsState(db);
        const s = before.next;
        const postings = new SegmentBuilder();
        for (const entry of encoded) postings.add(entry.row.k, entry.postingTerms);
        await putPatients(db, s, encoded);
        await db.postings.bulkAdd(postings.rows(s));
        state = {
          next: s + 1,
          sinceCompaction: before.sinceCompaction + 1,
          ...(before.segments === undefined ? {} : { segments: [...before.segments, [s, 0] as const] }),
        };
        await writePostingsState(db, state);
      }
      if (quarantineRows.length > 0) await db.quarantine.bulkAdd(quarantineRows);
      if (checkpoint === undefined) await db.checkpoints.delete(icb);
      else await db.checkpoints.put({ icb, value: checkpoint });
      return (
        state !== undefined &&
        (state.sinceCompaction >= COMPACT_AFTER_SEGMENTS || state.segments === undefined)
      );
    });
    if (encoded.length > 0 || deleteKeys.length > 0) this.changes.announce();
    if (compact) await this.compactPostings();
  }

  /**
   * Merges the newest run of postings segments of one tier into one of the next, as long as a run of
   * `MERGE_FANOUT` is there: the pull engine calls it when a run ends. Each merge is one transaction.
   */
  async mergePostings(): Promise<void> {
    const { db } = this;
    if ((await db.meta.get(POSTINGS_DAMAGED)) !== undefined) {
      await this.rebuildPostings();
      return;
    }
    for (;;) {
      const merged = await db.transaction('rw', [db.postings, db.meta], async () => {
        const state = await readPostingsState(db);
        const merge = segmentsToMerge(state);
        if (merge === undefined) return false;
        await mergeSegments(db.postings, merge.segments, merge.tier, state.next, this.reportCorrupt);
        const kept = (state.segments ?? []).filter(([s]) => !merge.segments.includes(s));
        await writePostingsState(db, {
          next: state.next + 1,
          sinceCompaction: state.sinceCompaction,
          segments: [...kept, [state.next, merge.tier + 1]],
        });
        return true;
      });
      if (!merged) return;
    }
  }

  /**
   * Merges the postings segments into one, dropping entries of rows deleted or written again since; the
   * commit that reaches `COMPACT_AFTER_SEGMENTS` segments and every purge that removes rows call it.
   */
  async compactPostings(): Promise<void> {
    const { db } = this;
    await db.transaction('rw', [db.patients, db.postings, db.meta], async () => {
      const state = await readPostingsState(db);
      const liveSince = new Map<string, number>();
      await db.patients.each((row) => {
        liveSince.set(row.k, row.s);
      });
      await compactPostings(db.postings, liveSince, state.next, this.reportCorrupt);
      await writePostingsState(db, {
        next: state.next + 1,
        sinceCompaction: 0,
        segments: [[state.next, COMPACTED_TIER]],
      });
    });
  }

  /**
   * Writes the postings again as one compacted segment, the name terms from the patients' cards (their name
   * tokens) and the exact terms from the rows, replacing every postings row: what a damaged row had hidden
   * is found again. The cards are read and their terms hashed outside any write transaction (WebCrypto
   * cannot run inside one); the rewrite then checks that no commit came in between, and starts over if one
   * did. Rows whose card fails authentication
   * are reported and left out, as searches leave them out.
   */
  async rebuildPostings(): Promise<void> {
    const { db } = this;
    for (let attempt = 0; ; attempt++) {
      const [before, rows] = await db.transaction('r', [db.patients, db.meta], () =>
        Promise.all([readPostingsState(db), db.patients.toArray()]),
      );
      const builder = new SegmentBuilder();
      await mapLimited(rows, SEAL_CONCURRENCY, async (row) => {
        let tokens: readonly string[];
        try {
          tokens = (await decodeCard(this.dataKey, row)).tokens;
        } catch (error) {
          this.report(error);
          return;
        }
        builder.add(row.k, [...(await this.indexer.nameTerms(tokens)), ...exactTerms(row)]);
      });
      const rebuilt = await db.transaction('rw', [db.postings, db.meta], async () => {
        const now = await readPostingsState(db);
        if (now.next !== before.next) return false;
        await db.postings.clear();
        await db.postings.bulkAdd(builder.compactedRows(now.next));
        await writePostingsState(db, {
          next: now.next + 1,
          sinceCompaction: 0,
          segments: [[now.next, COMPACTED_TIER]],
        });
        await db.meta.delete(POSTINGS_DAMAGED);
        return true;
      });
      if (rebuilt) return;
      if (attempt >= 2) {
        // The marker stays: the run after next tries again.
        console.warn('Name postings changed during three rebuilds in a row; the next run rebuilds them');
        return;
      }
    }
  }

  /** The pull engine's checkpoint for `icb` as it was committed; the caller validates its shape. */
  async readCheckpoint<C>(icb: string): Promise<C | undefined> {
    const row = await this.db.checkpoints.get(icb);
    if (row === undefined) return undefined;
    try {
      return (await openJson(this.dataKey, row.value, checkpointContext(icb))) as C;
    } catch (error) {
      throw new StoreCorruptError('checkpoints', icb, 'value', { cause: error });
    }
  }

  /** Stored records of some patients of one ICB, for read-modify-write. Throws StoreCorruptError. */
  async readRecords(icb: string, patientIds: readonly string[]): Promise<Map<string, StoredRecord>> {
    const keys = await Promise.all(patientIds.map((id) => this.indexer.rowKey(icb, id)));
    const { db } = this;
    const [rows, bodies] = await db.transaction('r', [db.patients, db.bodyGroups], async () => {
      const found = await db.patients.bulkGet(keys);
      return [found, await readBodies(db.bodyGroups, found)] as const;
    });
    const records = await Promise.all(
      rows.map(async (row, index): Promise<StoredRecord | undefined> => {
        if (row === undefined) return undefined;
        const body = bodies[index];
        if (body === undefined) throw new StoreCorruptError('bodies', row.k, 'body');
        return { ...(await decodeBody(this.dataKey, body)), refreshedAt: row.refreshedAt };
      }),
    );
    const result = new Map<string, StoredRecord>();
    patientIds.forEach((id, index) => {
      const record = records[index];
      if (record !== undefined) result.set(id, record);
    });
    return result;
  }

  /**
   * Summaries of rows named by a search hit; corrupt rows are reported and left out. With the hit's NHS
   * number, every other row holding it is read too: the same person cached from another ICB under a name
   * the search did not match (or that a search answered from the exact matches alone left out).
   */
  async readSummaries(keys: readonly string[], nhsNumber?: string): Promise<StoredSummary[]> {
    const { db } = this;
    const digits = nhsNumber === undefined ? undefined : normaliseValidNhsNumber(nhsNumber);
    const term = digits === undefined ? undefined : await this.indexer.term('nhs', digits);
    const sameNumber = term === undefined ? [] : await keysListing(this.searchContext, term);
    const named = new Set(keys);
    const [rows, bodies] = await db.transaction('r', [db.patients, db.bodyGroups], async () => {
      const found = await db.patients.bulkGet([...new Set([...keys, ...sameNumber])]);
      return [found, await readBodies(db.bodyGroups, found)] as const;
    });
    const summaries = await Promise.all(
      rows.map(async (row, index) => {
        // A posting may be stale: a row found only through it must still hold the number.
        if (row === undefined || (!named.has(row.k) && row.nhs !== term)) return undefined;
        try {
          const stored = bodies[index];
          if (stored === undefined) throw new StoreCorruptError('bodies', row.k, 'body');
          const body = await decodeBody(this.dataKey, stored);
          return {
            icb: row.icb,
            key: row.k,
            summary: body.summary,
            raw: body.raw,
            refreshedAt: row.refreshedAt,
          };
        } catch (error) {
          this.report(error);
          return undefined;
        }
      }),
    );
    return summaries.filter((summary) => summary !== undefined);
  }

  /** Every patient id stored for `icb`, by decrypting the cards (for reconciliation; slow on big ICBs). */
  async patientIdsFor(icb: string): Promise<Set<string>> {
    const ids = new Set<string>();
    const rows = await rowsOfIcb(this.db, icb).toArray();
    for (const row of rows) {
      try {
        ids.add((await decodeCard(this.dataKey, row)).patientId);
      } catch (error) {
        this.report(error);
      }
    }
    return ids;
  }

  private report(error: unknown): void {
    if (!(error instanceof StoreCorruptError)) throw error;
    this.reportCorrupt(error);
  }

  /** Patients with this NHS number; throws InvalidQueryError unless it has 10 digits and a valid check digit. */
  async searchByNhsNumber(nhsNumber: string, limit = DEFAULT_LIMIT): Promise<SearchHit[]> {
    const digits = normaliseValidNhsNumber(nhsNumber);
    if (digits === undefined) {
      throw new InvalidQueryError('Not an NHS number: 10 digits with a valid check digit are needed');
    }
    const term = await this.indexer.term('nhs', digits);
    return searchByTerm(this.searchContext, 'nhs', term, limit);
  }

  /**
   * Patients all of whose typed name tokens match (prefixes allowed), narrowed by a date of birth. Throws
   * TooManyMatchesError when, without a date of birth, more than MAX_NAME_CANDIDATES patients match.
   */
  async searchByName(text: string, birthDate?: string, limit = DEFAULT_LIMIT): Promise<SearchHit[]> {
    let date: string | undefined;
    if (birthDate !== undefined) {
      date = parseBirthDate(birthDate.trim()) ?? undefined;
      if (date === undefined) throw new InvalidQueryError(`"${birthDate}" is not a date of birth`);
    }
    return searchByNameTokens(this.searchContext, queryTokens(text), date, limit);
  }

  /** Patients at a full postcode or in a postcode district (any case, with or without the space). */
  async searchByPostcode(text: string, limit = DEFAULT_LIMIT): Promise<SearchHit[]> {
    const postcode = normalisePostcode(text);
    if (postcode === undefined) throw new InvalidQueryError(`"${text}" is not a postcode or district`);
    const term = await this.indexer.term('pc', postcode.full ?? postcode.district);
    return searchByTerm(this.searchContext, 'postcodes', term, limit);
  }

  /**
   * The one search box; see `parseSearchQuery`. Throws InvalidQueryError for input it cannot search, and
   * TooManyMatchesError for a name too broad to list.
   */
  async search(query: string, limit = DEFAULT_LIMIT): Promise<SearchHit[]> {
    const parsed = parseSearchQuery(query);
    switch (parsed.kind) {
      case 'empty':
        return [];
      case 'nhs-number':
        if (!parsed.checkDigitValid) throw new InvalidQueryError('NHS number check digit is wrong');
        return this.searchByNhsNumber(parsed.nhsNumber, limit);
      case 'postcode':
        return this.searchByPostcode(parsed.postcode, limit);
      case 'name':
        return searchByNameTokens(this.searchContext, parsed.tokens, parsed.birthDate, limit);
      case 'birth-date':
        return searchByTerm(
          this.searchContext,
          'dob',
          await this.indexer.term('dob', parsed.birthDate),
          limit,
        );
      case 'unrecognised':
        throw new InvalidQueryError(parsed.reason);
      default: {
        const unexpected: never = parsed;
        throw new Error(`Unhandled query ${JSON.stringify(unexpected)}`);
      }
    }
  }

  /** Removes rows refreshed before `now - maxAgeMs` and quarantine entries as old; returns the rows removed. */
  async purgeExpired(now: number, maxAgeMs: number): Promise<number> {
    const cutoff = now - maxAgeMs;
    const { db } = this;
    const removed = await db.transaction('rw', [db.patients, db.bodyGroups, db.quarantine], async () => {
      const keys = await keysRefreshedBefore(db, cutoff);
      await deletePatients(db, keys);
      await db.quarantine.where('at').below(cutoff).delete();
      return keys.length;
    });
    if (removed > 0) this.changes.announce();
    if (removed > 0) await this.compactPostings();
    return removed;
  }

  /**
   * Removes rows none of whose postcodes lies in `districts` (rows with no postcode included) and their
   * quarantine entries; returns the rows removed. An empty list is refused rather than emptying the store.
   */
  async purgeOutsideArea(districts: readonly string[]): Promise<number> {
    if (districts.length === 0) throw new InvalidQueryError('No districts: refusing to purge every patient');
    const terms = await Promise.all(
      districts.map((text) => {
        const postcode = normalisePostcode(text);
        if (postcode?.full !== undefined || postcode === undefined) {
          throw new InvalidQueryError(`"${text}" is not a postcode district`);
        }
        return this.indexer.term('pc', postcode.district);
      }),
    );
    const { db } = this;
    const removed = await db.transaction('rw', [db.patients, db.bodyGroups, db.quarantine], async () => {
      const inArea = new Set(terms);
      const outside: string[] = [];
      await db.patients.each((row) => {
        if (!row.postcodes.some((term) => inArea.has(term))) outside.push(row.k);
      });
      await deletePatients(db, outside);
      return outside.length;
    });
    if (removed > 0) this.changes.announce();
    if (removed > 0) await this.compactPostings();
    return removed;
  }

  /** Removes everything of an ICB taken out of the profile: rows, checkpoint and quarantine. */
  async purgeIcb(icb: string): Promise<void> {
    const { db } = this;
    await db.transaction('rw', [db.patients, db.bodyGroups, db.checkpoints, db.quarantine], async () => {
      await deletePatients(db, await rowsOfIcb(db, icb).primaryKeys());
      await db.checkpoints.delete(icb);
      await db.quarantine.where('icb').equals(icb).delete();
    });
    this.changes.announce();
    await this.compactPostings();
  }

  async counts(): Promise<StoreCounts> {
    const { db } = this;
    return db.transaction('r', [db.patients, db.quarantine], async () => ({
      ...(await countByIcb(db)),
      quarantined: await db.quarantine.count(),
    }));
  }

  /** The newest quarantine entries first; corrupt entries are reported and left out. */
  async quarantineList(limit = 100): Promise<QuarantineEntry[]> {
    const rows = await this.db.quarantine.orderBy('at').reverse().limit(limit).toArray();
    const entries = await Promise.all(
      rows.map(async (row) => {
        try {
          return await decodeQuarantine(this.dataKey, row);
        } catch (error) {
          this.report(error);
          return undefined;
        }
      }),
    );
    return entries.filter((entry) => entry !== undefined);
  }

  /** Approximate bytes of stored keys and values (UTF-16 strings count 2 bytes a character). */
  estimateBytes(): Promise<number> {
    return estimateStoreBytes(this.db);
  }
}

/** The Dexie database behind a store, for tests that inject faults. Not part of the public API. */
export function databaseOf(store: PatientStore): StoreDatabase {
  return (store as unknown as { db: StoreDatabase }).db;
}
