// The device's pre-arrival requests: their own IndexedDB (Dexie) database, every field that names the patient
// or the incident sealed with AES-GCM under HKDF keys (the patient store's helpers). Plain fields are the
// dispatch server's Task id, times and statuses only.
import type { Task } from '@medplum/fhirtypes';
import { Dexie } from 'dexie';
import type { Table } from 'dexie';
import { deriveStoreKeys, openJson, sealJson } from '../store/data-key';
import { sealedKeyCheckMatches } from '../store/key-check';
import { dexieOptions } from '../store/schema';
import type { DatabaseOptions } from '../store/schema';
import type { Bytes } from '../store/data-key';
import type { PatientCard } from '../store';
import type { ActiveStatus, PreArrivalRequest } from './task';

export interface RequestRow {
  readonly taskId: string;
  readonly authoredAt: number;
  readonly expiresAt: number;
  /** When this device first received the request. */
  readonly receivedAt: number;
  /** The status the dispatch server last confirmed. */
  readonly serverStatus: ActiveStatus;
  /** The Task's `meta.versionId` as last read (a server id, not patient data): an unchanged Task is not rewritten. */
  readonly versionId?: string;
  /** A status set on the device and not yet confirmed by the server (sent at the next poll). */
  readonly pendingStatus?: 'received' | 'accepted';
  /** Sealed `RequestBody`. */
  readonly body: Bytes;
  /** Sealed `FetchedRecords`, once the patient's records were fetched from the ICBs. */
  readonly records?: Bytes;
  readonly recordsAt?: number;
}

export interface RequestBody {
  readonly request: PreArrivalRequest;
  /** The Task as the server last sent it: a status update writes it back whole, with `If-Match`. */
  readonly task: Task;
}

/** One ICB's record of the patient, fetched when the request arrived. */
export interface FetchedRecord {
  readonly icb: string;
  readonly patientId: string;
  readonly card: PatientCard;
  readonly raw: readonly unknown[];
  readonly refreshedAt: number;
}

export interface FetchedRecords {
  readonly records: readonly FetchedRecord[];
  /** ICBs that could not be asked (offline, refused, failed), with why. */
  readonly failures: readonly { readonly icb: string; readonly message: string }[];
  /** Resources refused by validation and left out. */
  readonly refused: number;
}

interface MetaRow {
  readonly name: string;
  readonly value: unknown;
}

class PreArrivalDatabase extends Dexie {
  declare requests: Table<RequestRow, string>;
  declare meta: Table<MetaRow, string>;
}

const KEY_CHECK_VALUE = 'kerbside pre-arrival key check v1';
const bodyContext = (taskId: string): string => `prearrival|${taskId}|body`;
const recordsContext = (taskId: string): string => `prearrival|${taskId}|records`;

export class PreArrivalKeyError extends Error {
  constructor(name: string) {
    super(`The pre-arrival requests in ${name} were sealed with another key`);
    this.name = 'PreArrivalKeyError';
  }
}

/** Persistence and crypto of the pre-arrival inbox; every write is one IndexedDB transaction. */
export class PreArrivalStore {
  private constructor(
    private readonly db: PreArrivalDatabase,
    private readonly dataKey: CryptoKey,
  ) {}

  static async open(
    name: string,
    keyMaterial: Uint8Array,
    options: DatabaseOptions = {},
  ): Promise<PreArrivalStore> {
    const keys = await deriveStoreKeys(keyMaterial);
    const db = new PreArrivalDatabase(name, { autoOpen: false, ...dexieOptions(options) });
    db.version(1).stores({ requests: 'taskId, expiresAt', meta: 'name' });
    await db.open();
    const context = 'prearrival|meta|key-check';
    if (!(await sealedKeyCheckMatches(db, db.meta, keys.data, KEY_CHECK_VALUE, context))) {
      db.close();
      throw new PreArrivalKeyError(name);
    }
    return new PreArrivalStore(db, keys.data);
  }

  close(): void {
    this.db.close();
  }

  rows(): Promise<RequestRow[]> {
    return this.db.requests.toArray();
  }

  async openBody(row: RequestRow): Promise<RequestBody> {
    return (await openJson(this.dataKey, row.body, bodyContext(row.taskId))) as RequestBody;
  }

  async openRecords(row: RequestRow): Promise<FetchedRecords | undefined> {
    if (row.records === undefined) return undefined;
    return (await openJson(this.dataKey, row.records, recordsContext(row.taskId))) as FetchedRecords;
  }

  /**
   * Stores what the server says of a request. A status set on the device survives until the server shows
   * it (or a later one); fetched records are kept.
   */
  async saveFromServer(body: RequestBody, now: number): Promise<RequestRow> {
    const { request } = body;
    const { db } = this;
    const unchanged = (row: RequestRow): boolean =>
      request.versionId !== undefined &&
      row.versionId === request.versionId &&
      row.serverStatus === request.status;
    // Every poll sees every open request again: one that has not changed on the server is left as it is.
    const current = await db.requests.get(request.taskId);
    if (current !== undefined && unchanged(current)) return current;
    const sealed = await sealJson(this.dataKey, body, bodyContext(request.taskId), true);
    return db.transaction('rw', db.requests, async () => {
      const existing = await db.requests.get(request.taskId);
      if (existing !== undefined && unchanged(existing)) return existing;
      const pending = existing?.pendingStatus;
      const confirmed = pending !== undefined && rank(request.status) >= rank(pending);
      const row: RequestRow = {
        taskId: request.taskId,
        authoredAt: Date.parse(request.authoredOn),
        expiresAt: Date.parse(request.expiresAt),
        receivedAt: existing?.receivedAt ?? now,
        serverStatus: request.status,
        ...(request.versionId === undefined ? {} : { versionId: request.versionId }),
        ...(pending === undefined || confirmed ? {} : { pendingStatus: pending }),
        body: sealed,
        ...(existing?.records === undefined ? {} : { records: existing.records }),
        ...(existing?.recordsAt === undefined ? {} : { recordsAt: existing.recordsAt }),
      };
      await db.requests.put(row);
      return row;
    });
  }

  /** Sets a status on the device; it never goes backwards (accepted stays accepted). */
  async setPending(taskId: string, status: 'received' | 'accepted'): Promise<RequestRow | undefined> {
    const { db } = this;
    return db.transaction('rw', db.requests, async () => {
      const row = await db.requests.get(taskId);
      if (row === undefined) return undefined;
      const current = Math.max(
        rank(row.serverStatus),
        row.pendingStatus === undefined ? 0 : rank(row.pendingStatus),
      );
      if (rank(status) <= current) return row;
      const next: RequestRow = { ...row, pendingStatus: status };
      await db.requests.put(next);
      return next;
    });
  }

  async saveRecords(taskId: string, records: FetchedRecords, at: number): Promise<void> {
    const sealed = await sealJson(this.dataKey, records, recordsContext(taskId), true);
    const { db } = this;
    await db.transaction('rw', db.requests, async () => {
      const row = await db.requests.get(taskId);
      if (row !== undefined) await db.requests.put({ ...row, records: sealed, recordsAt: at });
    });
  }

  /** Removes requests (cancelled or completed on the server) and returns how many were here. */
  async remove(taskIds: readonly string[]): Promise<number> {
    if (taskIds.length === 0) return 0;
    const { db } = this;
    return db.transaction('rw', db.requests, async () => {
      const present = await db.requests.bulkGet([...taskIds]);
      await db.requests.bulkDelete([...taskIds]);
      return present.filter((row) => row !== undefined).length;
    });
  }

  /** Deletes every request whose expiry has passed, records included. */
  purgeExpired(now: number): Promise<number> {
    return this.db.requests.where('expiresAt').belowOrEqual(now).delete();
  }
}

export function rank(status: ActiveStatus): number {
  return status === 'requested' ? 1 : status === 'received' ? 2 : 3;
}
