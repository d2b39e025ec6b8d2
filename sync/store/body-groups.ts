// Patient bodies packed `BODY_GROUP_SIZE` to an IndexedDB row (store version 6). Chromium's IndexedDB costs
// mostly per row, not per byte: in a probe of 73,500 bodies of 2.9 KB, one row each took 27 core-seconds of
// the browser process and 10 of the page; eight to a row, 17 and 7 (BENCHMARKS.md). A commit packs its
// bodies in the order of its rows; each patient row names its group (`[row.s, row.b]`). When a patient is
// written again or deleted, its old body is cut out of its group in the same transaction, so nothing of a
// superseded or deleted record stays on disk.
//
// Row format (hand-written: it is a list of byte ranges): `data` holds the sealed bodies one after another,
// `ends[i]` is where the body of `keys[i]` ends.

import type { Table } from 'dexie';
import { joinBytes } from '../bytes';
import type { Bytes } from './data-key';
import type { BodyRow, PatientRow, StoreDatabase } from './schema';

/** Bodies per group row: past 8, a probe's saving flattened (25 to a row saved little more). */
export const BODY_GROUP_SIZE = 8;

export interface BodyGroupRow {
  /** The commit (postings segment) that wrote the group. */
  readonly s: number;
  /** The group's number within its commit. */
  readonly g: number;
  readonly keys: string[];
  readonly ends: number[];
  readonly data: Bytes;
}

/** The group row key of a patient row. */
export function groupKey(row: Pick<PatientRow, 's' | 'b'>): [number, number] {
  return [row.s, row.b];
}

/**
 * Groups of commit `s` holding `bodies` in order: body `i` goes to group `firstGroup + floor(i /
 * BODY_GROUP_SIZE)` (`groupNumber`).
 */
export function packBodies(s: number, bodies: readonly BodyRow[], firstGroup = 0): BodyGroupRow[] {
  const groups: BodyGroupRow[] = [];
  for (let start = 0; start < bodies.length; start += BODY_GROUP_SIZE) {
    const members = bodies.slice(start, start + BODY_GROUP_SIZE);
    groups.push(groupOf(s, groupNumber(start, firstGroup), members));
  }
  return groups;
}

/** The group of the `index`th body packed by `packBodies`. */
export function groupNumber(index: number, firstGroup = 0): number {
  return firstGroup + Math.floor(index / BODY_GROUP_SIZE);
}

function groupOf(s: number, g: number, members: readonly BodyRow[]): BodyGroupRow {
  const ends: number[] = [];
  let end = 0;
  for (const member of members) {
    end += member.body.byteLength;
    ends.push(end);
  }
  return {
    s,
    g,
    keys: members.map((member) => member.k),
    ends,
    data: joinBytes(members.map((member) => member.body)),
  };
}

/** The bodies of a group, checked: undefined when its lists disagree or its ranges overrun its data. */
function membersOf(group: BodyGroupRow): BodyRow[] | undefined {
  const { keys, ends, data } = group;
  if (!Array.isArray(keys) || !Array.isArray(ends) || !(data instanceof Uint8Array)) return undefined;
  if (keys.length !== ends.length) return undefined;
  const members: BodyRow[] = [];
  let start = 0;
  for (let index = 0; index < keys.length; index++) {
    const k = keys[index];
    const end = ends[index];
    if (typeof k !== 'string' || !Number.isInteger(end) || (end as number) < start) return undefined;
    if ((end as number) > data.byteLength) return undefined;
    members.push({ k, body: data.subarray(start, end) });
    start = end as number;
  }
  return members;
}

/**
 * The body of each row (undefined for an absent row, or when its group is missing, damaged or does not
 * hold it: the caller reports that as corruption). One read per distinct group, inside the caller's
 * transaction.
 */
export async function readBodies(
  groups: Table<BodyGroupRow, [number, number]>,
  rows: readonly (PatientRow | undefined)[],
): Promise<(BodyRow | undefined)[]> {
  const wanted = distinctGroups(rows.filter((row) => row !== undefined));
  const found = await groups.bulkGet(wanted.map(([, key]) => key));
  const bodies = new Map<string, Bytes>();
  for (const group of found) {
    for (const member of (group === undefined ? undefined : membersOf(group)) ?? []) {
      bodies.set(member.k, member.body);
    }
  }
  return rows.map((row) => {
    const body = row === undefined ? undefined : bodies.get(row.k);
    return row === undefined || body === undefined ? undefined : { k: row.k, body };
  });
}

function distinctGroups(rows: readonly PatientRow[]): [string, [number, number]][] {
  const byId = new Map<string, [number, number]>();
  for (const row of rows) byId.set(`${row.s}/${row.b}`, groupKey(row));
  return [...byId];
}

/**
 * Cuts the bodies of the patients stored under `keys` out of their groups (a group left empty is deleted),
 * inside the caller's read-write transaction. A damaged group is deleted whole: its bodies could not be read
 * anyway.
 */
async function removeBodies(db: StoreDatabase, keys: readonly string[]): Promise<void> {
  const rows = (await db.patients.bulkGet([...keys])).filter((row) => row !== undefined);
  if (rows.length === 0) return;
  const groups = db.bodyGroups;
  const leaving = new Set(rows.map((row) => row.k));
  const wanted = distinctGroups(rows);
  const found = await groups.bulkGet(wanted.map(([, key]) => key));
  const emptied: [number, number][] = [];
  const rewritten: BodyGroupRow[] = [];
  for (const group of found) {
    if (group === undefined) continue;
    const members = membersOf(group) ?? [];
    const kept = members.filter((member) => !leaving.has(member.k));
    if (kept.length === 0) emptied.push([group.s, group.g]);
    else if (kept.length < members.length) rewritten.push(groupOf(group.s, group.g, kept));
  }
  if (emptied.length > 0) await groups.bulkDelete(emptied);
  if (rewritten.length > 0) await groups.bulkPut(rewritten);
}

/**
 * Puts the rows of commit `s` and packs their bodies into its groups, inside the caller's read-write
 * transaction. A patient written again first leaves its old group: nothing of a superseded body stays.
 * Rows are given in commit order; a key given twice keeps its last row (as a put would).
 */
export async function putPatients(
  db: StoreDatabase,
  s: number,
  written: readonly { readonly row: Omit<PatientRow, 's' | 'b'>; readonly body: BodyRow }[],
): Promise<void> {
  const last = new Map(written.map((entry) => [entry.row.k, entry]));
  const entries = last.size === written.length ? written : [...last.values()];
  await removeBodies(
    db,
    entries.map((entry) => entry.row.k),
  );
  await db.patients.bulkPut(entries.map((entry, index) => ({ ...entry.row, s, b: groupNumber(index) })));
  await db.bodyGroups.bulkAdd(
    packBodies(
      s,
      entries.map((entry) => entry.body),
    ),
  );
}

/** Deletes patient rows, their bodies and their quarantine entries, inside the caller's transaction. */
export async function deletePatients(db: StoreDatabase, keys: readonly string[]): Promise<void> {
  await removeBodies(db, keys);
  await db.patients.bulkDelete([...keys]);
  await db.quarantine
    .where('pk')
    .anyOf([...keys])
    .delete();
}
