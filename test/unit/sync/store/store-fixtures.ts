// Shared fixtures for the patient store tests: fake-indexeddb, unique database names, patient writes.

import { IDBKeyRange, indexedDB } from 'fake-indexeddb';
import { nhsCheckDigit } from '../../../../sync/nhs-number';
import { PatientStore } from '../../../../sync/store';
import type { PatientStoreOptions, PatientWrite } from '../../../../sync/store';
import { packBodies, readBodies } from '../../../../sync/store/body-groups';
import type { Bytes } from '../../../../sync/store/data-key';
import type { StoreDatabase } from '../../../../sync/store/schema';

export const fakeDatabase = { indexedDB, IDBKeyRange };

let sequence = 0;
export function uniqueName(label: string): string {
  sequence += 1;
  return `kerbside-store-${label}-${Date.now()}-${sequence}`;
}

export function keyMaterial(seed = 7): Uint8Array {
  return Uint8Array.from({ length: 32 }, (_, index) => (seed * 31 + index) % 256);
}

/** The n-th valid NHS number starting from 900 000 000 (test range). */
export function validNhsNumber(n: number): string {
  let found = -1;
  for (let prefix = 900_000_000; ; prefix++) {
    const check = nhsCheckDigit(String(prefix));
    if (check === undefined) continue;
    found += 1;
    if (found === n) return `${prefix}${check}`;
  }
}

/** Opens stores and closes them all in afterEach. */
export class OpenStores {
  private readonly stores: PatientStore[] = [];

  async open(options: Partial<PatientStoreOptions> & { name: string }): Promise<PatientStore> {
    const store = await PatientStore.open({ keyMaterial: keyMaterial(), ...fakeDatabase, ...options });
    this.stores.push(store);
    return store;
  }

  closeAll(): void {
    for (const store of this.stores.splice(0)) store.close();
  }
}

export interface PersonFixture {
  readonly icb?: string;
  readonly patientId: string;
  readonly family: string;
  readonly given: string;
  readonly nhsNumber?: string;
  readonly birthDate?: string;
  readonly postcode?: string;
  readonly extraNames?: readonly string[];
  readonly clinical?: string;
  readonly refreshedAt?: number;
  readonly restricted?: boolean;
}

export function patientWrite(person: PersonFixture): PatientWrite {
  const icb = person.icb ?? 'QWE';
  const displayName = `${person.given} ${person.family}`.trim();
  return {
    icb,
    patientId: person.patientId,
    keys: {
      ...(person.nhsNumber === undefined ? {} : { nhsNumber: person.nhsNumber }),
      names: [person.family, person.given, displayName, ...(person.extraNames ?? [])],
      ...(person.birthDate === undefined ? {} : { birthDate: person.birthDate }),
      postcodes: person.postcode === undefined ? [] : [person.postcode],
    },
    card: {
      displayName,
      ...(person.birthDate === undefined ? {} : { birthDate: person.birthDate }),
      ...(person.nhsNumber === undefined ? {} : { nhsNumber: person.nhsNumber }),
      ...(person.postcode === undefined ? {} : { postcode: person.postcode }),
      icb,
      restricted: person.restricted ?? false,
      deceased: false,
    },
    summary: { name: displayName, problems: [person.clinical ?? 'No known problems'] },
    raw: [
      {
        resourceType: 'Patient',
        id: person.patientId,
        name: [{ family: person.family, given: [person.given] }],
        ...(person.birthDate === undefined ? {} : { birthDate: person.birthDate }),
      },
      {
        resourceType: 'Condition',
        id: `${person.patientId}-c1`,
        code: { text: person.clinical ?? 'No known problems' },
      },
    ],
    refreshedAt: person.refreshedAt ?? 1_700_000_000_000,
  };
}

export function emptyBatch<C>(icb: string, checkpoint: C | null) {
  return { icb, upserts: [], deletes: [], quarantine: [], checkpoint };
}

/** The stored (sealed) body of a row, read out of its group. */
export async function storedBody(db: StoreDatabase, key: string): Promise<Bytes | undefined> {
  return (await readBodies(db.bodyGroups, [await db.patients.get(key)]))[0]?.body;
}

/** Replaces the stored body of a row inside its group, as tampering with the file would. */
export async function replaceStoredBody(db: StoreDatabase, key: string, body: Bytes): Promise<void> {
  const row = await db.patients.get(key);
  const group = row === undefined ? undefined : await db.bodyGroups.get([row.s, row.b]);
  if (row === undefined || group === undefined) throw new Error(`No stored body for ${key}`);
  const members = group.keys.map((k, index) => ({
    k,
    body: k === key ? body : group.data.subarray(group.ends[index - 1] ?? 0, group.ends[index]),
  }));
  await db.bodyGroups.put(packBodies(row.s, members, row.b)[0] as typeof group);
}
