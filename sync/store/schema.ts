// IndexedDB layout of the patient store and its numbered migrations (Dexie versions with upgrade functions).
// Upgrades run inside the versionchange transaction: they may only touch IndexedDB, never await WebCrypto.

import { Dexie } from 'dexie';
import type { Table, Transaction } from 'dexie';
import { BODY_GROUP_SIZE, groupNumber, packBodies } from './body-groups';
import type { BodyGroupRow } from './body-groups';
import type { Bytes } from './data-key';
import { postingsStateRow, readPostingsState, SegmentBuilder, writePostingsState } from './postings';
import type { PostingRow } from './postings';

/**
 * One patient from one ICB. Only HMACs, ciphertext, the ICB's ODS code and a timestamp. Since store version 5
 * the NHS number, date of birth and postcode terms are not IndexedDB indexes: they are looked up in the
 * postings (`exactTerms`), and kept on the row so that a search can tell a current row from a stale posting
 * and the page's in-memory copy (`RowMirror`) can answer without IndexedDB.
 */
export interface PatientRow {
  /** base64url(HMAC('rec|' + icb + '|' + patientId)). */
  readonly k: string;
  readonly icb: string;
  readonly refreshedAt: number;
  readonly nhs?: string;
  readonly dob?: string;
  readonly postcodes: string[];
  /**
   * The name-pair terms of every two name tokens, each cut to 5 characters (`indexPairs`): a search by two
   * names reads its candidates, cards included, in one request of this multiEntry index instead of a
   * postings read and one get each. Absent on rows written before store version 4 (their `pair`, the usual
   * name's pair term of version 3, is no longer read).
   */
  readonly pairs?: string[];
  /** Sealed card JSON (uncompressed): the result-list card, the patient id and the name tokens. */
  readonly card: Bytes;
  /** The postings segment that holds this row's name and exact terms; entries in older segments are stale. */
  readonly s: number;
  /** The row's body is in group `[s, b]` of `bodyGroups` (store version 6). */
  readonly b: number;
}

/** The row's terms looked up in the postings rather than an index: NHS number, date of birth, postcodes. */
export function exactTerms(row: Pick<PatientRow, 'nhs' | 'dob' | 'postcodes'>): string[] {
  return [
    ...(row.nhs === undefined ? [] : [row.nhs]),
    ...(row.dob === undefined ? [] : [row.dob]),
    ...row.postcodes,
  ];
}

/** Whether a row carries `term` in the field an exact lookup (`ExactIndex`) searches. */
export function rowHolds(row: PatientRow, index: ExactIndex, term: string): boolean {
  return index === 'postcodes' ? row.postcodes.includes(term) : row[index] === term;
}

export type ExactIndex = 'nhs' | 'dob' | 'postcodes';

/**
 * The bulky part of a patient, apart so that searches read only the small rows of `patients`: stored packed
 * in `bodyGroups` since version 6 (`body-groups.ts`), a row of its own in `bodies` before.
 */
export interface BodyRow {
  readonly k: string;
  /** Sealed, compressed JSON `{ summary, raw }`. */
  readonly body: Bytes;
}

export interface CheckpointRow {
  readonly icb: string;
  readonly value: Bytes;
}

export interface QuarantineRow {
  readonly id?: number;
  readonly icb: string;
  readonly at: number;
  /** Row key of the patient the entry belongs to, when known. */
  readonly pk?: string;
  readonly payload: Bytes;
}

export interface MetaRow {
  readonly name: string;
  readonly value: Bytes;
}

export interface StoreMigration {
  readonly version: number;
  readonly description: string;
  /** Dexie store specs of this version: only the tables whose indexes change (`null` drops a table). */
  readonly stores: Readonly<Record<string, string | null>>;
  readonly upgrade?: (transaction: Transaction) => Promise<void>;
}

/** The migrations in order. Add a new entry for every schema change; never edit a released one. */
export const STORE_MIGRATIONS: readonly StoreMigration[] = [
  {
    version: 1,
    description: 'patients with blind indexes, checkpoints, quarantine and meta',
    stores: {
      patients: 'k, icb, refreshedAt, nhs, *names, dob, *postcodes',
      bodies: 'k',
      checkpoints: 'icb',
      quarantine: '++id, icb, at, pk',
      meta: 'name',
    },
  },
  {
    version: 2,
    description: 'name terms move from the multiEntry index to postings rows (one row per bucket and commit)',
    stores: {
      patients: 'k, icb, refreshedAt, nhs, dob, *postcodes',
      postings: '[b+s]',
    },
    upgrade: async (transaction) => {
      const builder = new SegmentBuilder();
      await transaction
        .table('patients')
        .toCollection()
        .modify((row: { k: string; names?: string[]; s?: number }) => {
          builder.add(row.k, row.names ?? []);
          delete row.names;
          row.s = 1;
        });
      await transaction.table('postings').bulkAdd(builder.rows(1));
      await transaction.table('meta').put(postingsStateRow({ next: 2, sinceCompaction: 1 }));
    },
  },
  {
    version: 3,
    description: 'the usual name pair term indexed on the patient row (rows written before have none)',
    stores: {
      patients: 'k, icb, refreshedAt, nhs, dob, *postcodes, pair',
    },
  },
  {
    version: 4,
    description:
      'every name pair (tokens cut to 5 characters) indexed on the patient row, replacing the usual pair',
    stores: {
      patients: 'k, icb, refreshedAt, nhs, dob, *postcodes, *pairs',
    },
  },
  {
    version: 5,
    description:
      'NHS number, date of birth and postcode terms move from indexes to the postings (one segment for ' +
      'the rows already there); ICB and refresh time share one compound index',
    stores: {
      patients: 'k, [icb+refreshedAt], *pairs',
    },
    upgrade: async (transaction) => {
      const builder = new SegmentBuilder();
      await transaction.table('patients').each((row: PatientRow) => {
        builder.add(row.k, exactTerms(row));
      });
      const meta = { meta: transaction.table<MetaRow, string>('meta') };
      const state = await readPostingsState(meta);
      const s = state.next;
      await transaction.table('postings').bulkAdd(builder.rows(s));
      await writePostingsState(meta, {
        next: s + 1,
        sinceCompaction: state.sinceCompaction + 1,
        ...(state.segments === undefined ? {} : { segments: [...state.segments, [s, 0] as const] }),
      });
    },
  },
  {
    version: 6,
    description: 'bodies packed eight to a row (bodyGroups), each patient row naming its group [s+b]',
    stores: { bodies: null, bodyGroups: '[s+g]' },
    upgrade: packStoredBodies,
  },
];

/**
 * Version 6's upgrade: each commit's bodies (rows of the same `s`, in key order) packed into groups, read a
 * thousand at a time. A row whose body was missing gets a group that does not hold it, and reads as damaged
 * as it did before.
 */
async function packStoredBodies(transaction: Transaction): Promise<void> {
  const patients = transaction.table<Omit<PatientRow, 'b'>, string>('patients');
  const bodies = transaction.table<BodyRow, string>('bodies');
  const groups = transaction.table<BodyGroupRow, [number, number]>('bodyGroups');
  const bySegment = new Map<number, Omit<PatientRow, 'b'>[]>();
  await patients.each((row) => {
    const members = bySegment.get(row.s);
    if (members === undefined) bySegment.set(row.s, [row]);
    else members.push(row);
  });
  const SLICE = 125 * BODY_GROUP_SIZE;
  for (const [s, members] of bySegment) {
    let firstGroup = 0;
    for (let start = 0; start < members.length; start += SLICE) {
      const slice = members.slice(start, start + SLICE);
      const found = await bodies.bulkGet(slice.map((row) => row.k));
      const present = found.filter((body) => body !== undefined);
      const packed = packBodies(s, present, firstGroup);
      await groups.bulkAdd(packed);
      let index = 0;
      await patients.bulkPut(
        slice.map((row, at) => ({
          ...row,
          b: found[at] === undefined ? -1 : groupNumber(index++, firstGroup),
        })),
      );
      firstGroup += packed.length;
    }
  }
}

export class StoreDatabase extends Dexie {
  declare patients: Table<PatientRow, string>;
  declare bodyGroups: Table<BodyGroupRow, [number, number]>;
  declare checkpoints: Table<CheckpointRow, string>;
  declare quarantine: Table<QuarantineRow, number>;
  declare meta: Table<MetaRow, string>;
  declare postings: Table<PostingRow, [number, number]>;
  /** The IDBKeyRange of the database's IndexedDB, for the raw requests of the search hot path. */
  keyRange: typeof IDBKeyRange = globalThis.IDBKeyRange;
}

export interface DatabaseOptions {
  readonly indexedDB?: IDBFactory;
  readonly IDBKeyRange?: typeof IDBKeyRange;
}

/** Declares every version on `db`; versions must be distinct positive integers in increasing order. */
export function applyMigrations(db: Dexie, migrations: readonly StoreMigration[]): void {
  let previous = 0;
  for (const migration of migrations) {
    if (!Number.isInteger(migration.version) || migration.version <= previous) {
      throw new Error(`Store migrations must have increasing integer versions (at ${migration.version})`);
    }
    previous = migration.version;
    const version = db.version(migration.version).stores({ ...migration.stores });
    if (migration.upgrade !== undefined) version.upgrade(migration.upgrade);
  }
}

export function dexieOptions(options: DatabaseOptions): {
  indexedDB?: IDBFactory;
  IDBKeyRange?: typeof IDBKeyRange;
} {
  return {
    ...(options.indexedDB === undefined ? {} : { indexedDB: options.indexedDB }),
    ...(options.IDBKeyRange === undefined ? {} : { IDBKeyRange: options.IDBKeyRange }),
  };
}

/** A (not yet opened) database with every migration declared. */
export function createDatabase(
  name: string,
  options: DatabaseOptions,
  migrations: readonly StoreMigration[] = STORE_MIGRATIONS,
): StoreDatabase {
  const db = new StoreDatabase(name, { ...dexieOptions(options), autoOpen: false });
  if (options.IDBKeyRange !== undefined) db.keyRange = options.IDBKeyRange;
  applyMigrations(db, migrations);
  return db;
}
