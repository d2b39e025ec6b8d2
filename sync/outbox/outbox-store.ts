// The outbox's IndexedDB (Dexie) tables and every state transition as one transaction: notes sealed with
// AES-GCM under HKDF keys (the patient store's helpers), blind patient keys, receipts and the push lease.
import { Dexie } from 'dexie';
import type { Table } from 'dexie';
import { base64url, deriveStoreKeys, hmac, openJson, sealJson } from '../store/data-key';
import { sealedKeyCheckMatches } from '../store/key-check';
import { dexieOptions } from '../store/schema';
import type { DatabaseOptions } from '../store/schema';
import type { Bytes } from '../store/data-key';
import type { OutboxState, PauseReason } from './outbox-events';
import type { ServerReceipt } from './to-transaction';

/** One version of one note. Only the sealed fields say anything about the patient. */
export interface EntryRow {
  /** `noteId#version`. Note ids are random UUIDs generated on the device. */
  readonly key: string;
  readonly noteId: string;
  readonly version: number;
  /** Finalisation order (0 for drafts); the per-patient FIFO follows it. */
  readonly seq: number;
  /** base64url(HMAC(index key, patient queue key)): equal for one patient, meaningless without the key. */
  readonly patient: string;
  readonly state: OutboxState;
  /** FHIR base URL the note goes to ('' when unroutable). */
  readonly target: string;
  readonly attempts: number;
  readonly nextAttemptAt: number;
  readonly claimedBy?: string;
  readonly claimExpiresAt?: number;
  readonly acknowledgedAt?: number;
  readonly pauseReason?: PauseReason;
  readonly updatedAt: number;
  /** Sealed `{ note, route }`. */
  readonly body: Bytes;
  /** Sealed `{ status, text }`: why it needs attention or is paused (outcomes may quote patient data). */
  readonly detail?: Bytes;
  /** True for a draft stored as the form's own state (`Outbox.saveForm`), which need not be a valid note. */
  readonly form?: true;
}

export interface ReceiptRow {
  readonly noteId: string;
  readonly version: number;
  readonly records: ServerReceipt;
}

export interface LeaseRow {
  readonly name: string;
  readonly holder: string;
  readonly expiresAt: number;
}

interface MetaRow {
  readonly name: string;
  readonly value: unknown;
}

class OutboxDatabase extends Dexie {
  declare entries: Table<EntryRow, string>;
  declare receipts: Table<ReceiptRow, string>;
  declare lease: Table<LeaseRow, string>;
  declare meta: Table<MetaRow, string>;
}

const LEASE = 'push';
const KEY_CHECK_VALUE = 'kerbside outbox key check v1';
const bodyContext = (key: string): string => `outbox|${key}|body`;
const detailContext = (key: string): string => `outbox|${key}|detail`;
export const entryKey = (noteId: string, version: number): string => `${noteId}#${version}`;

export class OutboxKeyError extends Error {
  constructor(name: string) {
    super(`The outbox ${name} was sealed with another key`);
    this.name = 'OutboxKeyError';
  }
}

/** Persistence and crypto of the outbox; every method is one IndexedDB transaction. */
export class OutboxStore {
  private constructor(
    readonly db: OutboxDatabase,
    private readonly dataKey: CryptoKey,
    private readonly indexKey: CryptoKey,
  ) {}

  static async open(
    name: string,
    keyMaterial: Uint8Array,
    options: DatabaseOptions = {},
  ): Promise<OutboxStore> {
    const keys = await deriveStoreKeys(keyMaterial);
    const db = new OutboxDatabase(name, { autoOpen: false, ...dexieOptions(options) });
    db.version(1).stores({
      entries: 'key, noteId, seq, state, patient, acknowledgedAt',
      receipts: 'noteId',
      lease: 'name',
      meta: 'name',
    });
    // Version 2 orders each state's rows by seq, so the pusher reads the head of the queue, not all of it.
    // IndexedDB builds the new index from fields every row already has: no data upgrade is needed.
    db.version(2).stores({ entries: 'key, noteId, seq, state, patient, acknowledgedAt, [state+seq]' });
    await db.open();
    if (!(await sealedKeyCheckMatches(db, db.meta, keys.data, KEY_CHECK_VALUE, 'outbox|meta|key-check'))) {
      db.close();
      throw new OutboxKeyError(name);
    }
    return new OutboxStore(db, keys.data, keys.index);
  }

  close(): void {
    this.db.close();
  }

  patientKey(queueKey: string): Promise<string> {
    return hmac(this.indexKey, `outbox-patient|${queueKey}`).then(base64url);
  }

  sealBody(key: string, value: unknown): Promise<Bytes> {
    return sealJson(this.dataKey, value, bodyContext(key), true);
  }

  openBody(row: EntryRow): Promise<unknown> {
    return openJson(this.dataKey, row.body, bodyContext(row.key));
  }

  sealDetail(key: string, value: { status: number | undefined; text: string }): Promise<Bytes> {
    return sealJson(this.dataKey, value, detailContext(key), false);
  }

  async openDetail(row: EntryRow): Promise<{ status?: number; text: string } | undefined> {
    if (row.detail === undefined) return undefined;
    return (await openJson(this.dataKey, row.detail, detailContext(row.key))) as {
      status?: number;
      text: string;
    };
  }

  /**
   * Writes a draft or finalises a note. A row already past `draft` is left as it is (finalising twice, e.g.
   * after a crash between finalising and the UI hearing of it, is a no-op) and returned.
   * Finalising a version supersedes earlier versions of the note that the server refused (needs attention,
   * never acknowledged): the amendment is the whole note, fixed, and it would otherwise wait behind them.
   */
  async put(row: Omit<EntryRow, 'seq'>): Promise<EntryRow> {
    const { db } = this;
    return db.transaction('rw', [db.entries, db.meta], async () => {
      const existing = await db.entries.get(row.key);
      if (existing !== undefined && existing.state !== 'draft') return existing;
      let seq = 0;
      if (row.state !== 'draft') {
        const counter = await db.meta.get('seq');
        seq = (typeof counter?.value === 'number' ? counter.value : 0) + 1;
        await db.meta.put({ name: 'seq', value: seq });
        const refused = await db.entries
          .where('noteId')
          .equals(row.noteId)
          .filter(
            (other) =>
              other.version < row.version &&
              other.state === 'needs-attention' &&
              other.acknowledgedAt === undefined,
          )
          .primaryKeys();
        await db.entries.bulkDelete(refused);
      }
      const stored: EntryRow = { ...row, seq };
      await db.entries.put(stored);
      return stored;
    });
  }

  get(key: string): Promise<EntryRow | undefined> {
    return this.db.entries.get(key);
  }

  /**
   * Visits the rows that may still be sent, or block others (queued, sending, paused, needs-attention), in
   * seq order until `visit` returns false. Rows in flight, paused or parked are few
   * and read whole; queued rows are read from the head of the queue a page at a time, so a pusher that needs
   * four notes reads a few rows, not the thousand behind them.
   */
  async scanUnfinished(visit: (row: EntryRow) => boolean, pageSize = 32): Promise<void> {
    const blocking: readonly OutboxState[] = ['sending', 'paused', 'needs-attention'];
    const others = (await Promise.all(blocking.map((state) => this.inState(state).toArray())))
      .flat()
      .sort((a, b) => a.seq - b.seq);
    let next = 0;
    let after: number | undefined;
    for (;;) {
      const page = await this.db.entries
        .where('[state+seq]')
        .between(['queued', after ?? Dexie.minKey], ['queued', Dexie.maxKey], after === undefined, true)
        .limit(pageSize)
        .toArray();
      for (const row of page) {
        while (next < others.length && (others[next]?.seq ?? Infinity) < row.seq) {
          if (!visit(others[next] as EntryRow)) return;
          next += 1;
        }
        if (!visit(row)) return;
        after = row.seq;
      }
      if (page.length < pageSize) break;
    }
    for (; next < others.length; next += 1) if (!visit(others[next] as EntryRow)) return;
  }

  all(): Promise<EntryRow[]> {
    return this.db.entries.orderBy('seq').toArray();
  }

  /** A state's rows in seq order, through the compound index (unique keys: each step is one lookup). */
  private inState(state: OutboxState) {
    return this.db.entries.where('[state+seq]').between([state, Dexie.minKey], [state, Dexie.maxKey]);
  }

  /** Counts per state from the index (no row is read or decrypted). */
  async countByState(): Promise<Record<OutboxState, number>> {
    const states: OutboxState[] = ['draft', 'queued', 'sending', 'sent', 'needs-attention', 'paused'];
    const counts = await Promise.all(states.map((state) => this.inState(state).count()));
    return Object.fromEntries(states.map((state, index) => [state, counts[index] ?? 0])) as Record<
      OutboxState,
      number
    >;
  }

  /**
   * Takes or renews the single-pusher lease. Returns 'acquired' when this holder newly took it (the caller
   * then releases stale claims), 'renewed', or 'held-elsewhere'.
   */
  async acquireLease(
    holder: string,
    now: number,
    ttlMs: number,
  ): Promise<'acquired' | 'renewed' | 'held-elsewhere'> {
    const { db } = this;
    return db.transaction('rw', db.lease, async () => {
      const lease = await db.lease.get(LEASE);
      if (lease !== undefined && lease.holder !== holder && lease.expiresAt > now) return 'held-elsewhere';
      await db.lease.put({ name: LEASE, holder, expiresAt: now + ttlMs });
      return lease?.holder === holder && lease.expiresAt > now ? 'renewed' : 'acquired';
    });
  }

  async releaseLease(holder: string): Promise<void> {
    const { db } = this;
    await db.transaction('rw', db.lease, async () => {
      if ((await db.lease.get(LEASE))?.holder === holder) await db.lease.delete(LEASE);
    });
  }

  /** Returns rows left `sending` by a pusher that died (claim expired) to `queued`; they are safe to replay. */
  async releaseStaleClaims(now: number): Promise<number> {
    const { db } = this;
    return db.transaction('rw', db.entries, () =>
      db.entries
        .where('state')
        .equals('sending')
        .filter((row) => (row.claimExpiresAt ?? 0) <= now)
        .modify({ state: 'queued', claimedBy: undefined, claimExpiresAt: undefined }),
    );
  }

  /** Marks a queued row `sending` for `holder`, only while `holder` holds an unexpired lease. */
  async claim(key: string, holder: string, now: number, claimMs: number): Promise<EntryRow | undefined> {
    const { db } = this;
    return db.transaction('rw', [db.entries, db.lease], async () => {
      const lease = await db.lease.get(LEASE);
      if (lease?.holder !== holder || lease.expiresAt <= now) return undefined;
      const row = await db.entries.get(key);
      if (row?.state !== 'queued' || row.nextAttemptAt > now) return undefined;
      const claimed: EntryRow = {
        ...row,
        state: 'sending',
        claimedBy: holder,
        claimExpiresAt: now + claimMs,
        attempts: row.attempts + 1,
        updatedAt: now,
      };
      await db.entries.put(claimed);
      return claimed;
    });
  }

  /** Extends the claims of rows this holder is sending (called with each lease renewal). */
  async extendClaims(holder: string, until: number): Promise<void> {
    const { db } = this;
    await db.transaction('rw', db.entries, () =>
      db.entries
        .where('state')
        .equals('sending')
        .filter((row) => row.claimedBy === holder)
        .modify({ claimExpiresAt: until }),
    );
  }

  /** Records the acknowledgement and the server ids; written even if the claim was lost (it is the truth). */
  async markSent(key: string, receipt: ServerReceipt, now: number): Promise<void> {
    const { db } = this;
    await db.transaction('rw', [db.entries, db.receipts], async () => {
      const row = await db.entries.get(key);
      if (row === undefined) return;
      const previous = await db.receipts.get(row.noteId);
      if (previous === undefined || previous.version <= row.version)
        await db.receipts.put({
          noteId: row.noteId,
          version: row.version,
          records: { ...previous?.records, ...receipt },
        });
      const { claimedBy: _c, claimExpiresAt: _e, detail: _d, pauseReason: _p, ...rest } = row;
      await db.entries.put({ ...rest, state: 'sent', acknowledgedAt: now, updatedAt: now });
    });
  }

  /** Moves a row this holder is sending to another state; false when the claim was lost meanwhile. */
  async release(
    key: string,
    holder: string,
    change: {
      state: 'queued' | 'needs-attention' | 'paused';
      nextAttemptAt?: number;
      pauseReason?: PauseReason;
      detail?: Bytes;
    },
    now: number,
  ): Promise<boolean> {
    const { db } = this;
    return db.transaction('rw', db.entries, async () => {
      const row = await db.entries.get(key);
      if (row?.state !== 'sending' || row.claimedBy !== holder) return false;
      const { claimedBy: _c, claimExpiresAt: _e, detail: _d, pauseReason: _p, ...rest } = row;
      await db.entries.put({ ...rest, ...change, updatedAt: now });
      return true;
    });
  }

  /** Back to the queue after the crew fixed the cause (or to retry at once); optionally with a new body. */
  async requeue(key: string, now: number, body?: { bytes: Bytes; target: string }): Promise<boolean> {
    const { db } = this;
    return db.transaction('rw', db.entries, async () => {
      const row = await db.entries.get(key);
      if (row === undefined || (row.state !== 'needs-attention' && row.state !== 'paused')) return false;
      const { detail: _d, pauseReason: _p, ...rest } = row;
      await db.entries.put({
        ...rest,
        ...(body === undefined ? {} : { body: body.bytes, target: body.target }),
        state: 'queued',
        attempts: 0,
        nextAttemptAt: now,
        updatedAt: now,
      });
      return true;
    });
  }

  receipt(noteId: string): Promise<ReceiptRow | undefined> {
    return this.db.receipts.get(noteId);
  }

  /** Deletes acknowledged rows older than the retention window (and receipts of notes with no row left). */
  async purgeAcknowledged(before: number): Promise<number> {
    const { db } = this;
    return db.transaction('rw', [db.entries, db.receipts], async () => {
      const rows = await db.entries
        .where('acknowledgedAt')
        .below(before)
        .filter((row) => row.state === 'sent')
        .toArray();
      await db.entries.bulkDelete(rows.map((row) => row.key));
      for (const noteId of new Set(rows.map((row) => row.noteId))) {
        if ((await db.entries.where('noteId').equals(noteId).count()) === 0) await db.receipts.delete(noteId);
      }
      return rows.length;
    });
  }
}
