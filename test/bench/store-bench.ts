// Micro-benchmark of the encrypted patient store: commit throughput against a plain Dexie floor, bytes per
// patient, and search latency. Platform-neutral (no node:*), so a browser page can run it on real IndexedDB.

import { nhsCheckDigit } from '../../sync/nhs-number';
import { PatientStore } from '../../sync/store';
import type { PatientWrite } from '../../sync/store';
import { BlindIndexer } from '../../sync/store/blind-index';
import { deriveStoreKeys } from '../../sync/store/data-key';
import { databaseOf } from '../../sync/store/patient-store';
import { encodePatient } from '../../sync/store/row-codec';
import { createDatabase } from '../../sync/store/schema';
import type { BenchRow } from './bench-table';

export interface StoreBenchOptions {
  readonly records: number;
  readonly indexedDB: IDBFactory;
  readonly IDBKeyRange: typeof IDBKeyRange;
  /** Search queries of each kind (default 50). */
  readonly queries?: number;
}

const BATCH = 1_000;
const GIVEN = [
  'Oliver',
  'Amelia',
  'George',
  'Isla',
  'Harry',
  'Ava',
  'Noah',
  'Mia',
  'Jack',
  'Ivy',
  'Leo',
  'Freya',
  'Arthur',
  'Lily',
  'Muhammad',
  'Emily',
  'Siân',
  'Rhys',
  'Aoife',
  'Wei',
  'Zofia',
  'Kwame',
  'Priya',
  'Dylan',
];
const FAMILY = [
  'Smith',
  'Jones',
  'Williams',
  'Taylor',
  'Brown',
  'Davies',
  'Evans',
  'Wilson',
  'Thomas',
  'Johnson',
  'Roberts',
  'Robinson',
  'Thompson',
  'Wright',
  'Walker',
  'White',
  'Hughes-Jones',
  "O'Brien",
  'Patel',
  'Khan',
  'Nowak',
  'Mensah',
  'Murphy',
  'Lewis',
  'Ahmed',
  'Clarke',
  'Jackson',
  'Wood',
];
const DISTRICTS = Array.from(
  { length: 60 },
  (_, index) => `${['LS', 'BD', 'HX', 'WF', 'HG', 'YO'][index % 6] ?? 'LS'}${(index % 10) + 1}`,
);
const CONDITIONS = [
  'Asthma',
  'Type 2 diabetes mellitus',
  'Essential hypertension',
  'Atrial fibrillation',
  'Chronic obstructive lung disease',
  'Epilepsy',
  'Dementia',
  'Heart failure',
  'Chronic kidney disease stage 3',
  'Depressive disorder',
];
const MEDICINES = [
  'Salbutamol 100micrograms/dose inhaler',
  'Metformin 500mg tablets',
  'Ramipril 5mg capsules',
  'Apixaban 5mg tablets',
  'Levetiracetam 500mg tablets',
  'Furosemide 40mg tablets',
  'Sertraline 50mg tablets',
];

/** Deterministic pseudo-random numbers (mulberry32), so runs are comparable. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function nhsNumbers(count: number): string[] {
  const numbers: string[] = [];
  for (let prefix = 400_000_000; numbers.length < count; prefix += 7) {
    const check = nhsCheckDigit(String(prefix));
    if (check !== undefined) numbers.push(`${prefix}${check}`);
  }
  return numbers;
}

/** Synthetic patients of about 4 KB of JSON each (card, summary and raw FHIR resources). */
export function syntheticPatients(count: number, seed = 1): PatientWrite[] {
  const next = random(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  const hex = (length: number): string =>
    Array.from({ length }, () => Math.floor(next() * 16).toString(16)).join('');
  const numbers = nhsNumbers(count);
  return numbers.map((nhsNumber, index): PatientWrite => {
    const given = pick(GIVEN);
    const family = pick(FAMILY);
    const birthDate = `${1930 + Math.floor(next() * 90)}-${String(1 + Math.floor(next() * 12)).padStart(2, '0')}-${String(1 + Math.floor(next() * 28)).padStart(2, '0')}`;
    const postcode = `${pick(DISTRICTS)} ${Math.floor(next() * 10)}${pick(['AB', 'DE', 'FG', 'HJ', 'LN', 'PQ'])}`;
    const patientId = `${hex(8)}-${hex(4)}-${hex(4)}-${hex(12)}`;
    const conditions = Array.from({ length: 5 }, () => ({
      resourceType: 'Condition',
      id: hex(16),
      subject: { reference: `Patient/${patientId}` },
      code: {
        coding: [
          {
            system: 'http://snomed.info/sct',
            code: String(Math.floor(next() * 1e9)),
            display: pick(CONDITIONS),
          },
        ],
      },
      recordedDate: `20${String(Math.floor(next() * 24)).padStart(2, '0')}-0${1 + Math.floor(next() * 9)}-1${Math.floor(next() * 9)}`,
      meta: {
        lastUpdated: `2024-0${1 + Math.floor(next() * 9)}-1${Math.floor(next() * 9)}T10:${10 + Math.floor(next() * 49)}:00Z`,
        versionId: String(Math.floor(next() * 9)),
      },
    }));
    const medications = Array.from({ length: 4 }, () => ({
      resourceType: 'MedicationStatement',
      id: hex(16),
      status: 'active',
      subject: { reference: `Patient/${patientId}` },
      medicationCodeableConcept: {
        coding: [
          { system: 'https://dmd.nhs.uk', code: String(Math.floor(next() * 1e12)), display: pick(MEDICINES) },
        ],
      },
      dosage: [{ text: `${1 + Math.floor(next() * 3)} times a day` }],
    }));
    const patient = {
      resourceType: 'Patient',
      id: patientId,
      identifier: [{ system: 'https://fhir.nhs.uk/Id/nhs-number', value: nhsNumber }],
      name: [{ use: 'official', family, given: [given] }],
      birthDate,
      address: [
        {
          line: [`${1 + Math.floor(next() * 200)} ${pick(FAMILY)} Road`],
          city: 'Leeds',
          postalCode: postcode,
        },
      ],
    };
    const summary = {
      displayName: `${given} ${family}`,
      problems: conditions.map((condition) => condition.code.coding[0]?.display),
      medicines: medications.map((medication) => medication.medicationCodeableConcept.coding[0]?.display),
      alerts: next() < 0.1 ? ['Violent or aggressive behaviour'] : [],
    };
    return {
      icb: 'QWO',
      patientId,
      keys: { nhsNumber, names: [family, given, `${given} ${family}`], birthDate, postcodes: [postcode] },
      card: {
        displayName: `${given} ${family}`,
        birthDate,
        nhsNumber,
        postcode,
        icb: 'QWO',
        restricted: false,
        deceased: false,
      },
      summary,
      raw: [patient, ...conditions, ...medications],
      refreshedAt: 1_700_000_000_000 + index,
    };
  });
}

function percentile(sorted: readonly number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? Number.NaN;
}

async function latency(name: string, queries: readonly (() => Promise<unknown>)[]): Promise<BenchRow[]> {
  const times: number[] = [];
  for (const query of queries) {
    const start = performance.now();
    await query();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return [
    {
      name: `search ${name} p50`,
      value: percentile(times, 0.5),
      unit: 'ms',
      note: `${queries.length} queries`,
    },
    { name: `search ${name} p95`, value: percentile(times, 0.95), unit: 'ms' },
  ];
}

/** Runs the store benchmark against the given IndexedDB (fake-indexeddb in Node, the real one in a page). */
export async function runStoreBench(options: StoreBenchOptions): Promise<BenchRow[]> {
  const database = { indexedDB: options.indexedDB, IDBKeyRange: options.IDBKeyRange };
  const name = `kerbside-store-bench-${Date.now()}`;
  const floorName = `${name}-floor`;
  const keyMaterial = crypto.getRandomValues(new Uint8Array(32));
  const patients = syntheticPatients(options.records);
  const encoder = new TextEncoder();
  const jsonBytes = patients.reduce(
    (sum, patient) => sum + encoder.encode(JSON.stringify(patient)).byteLength,
    0,
  );
  const rows: BenchRow[] = [];

  // Sealing alone (HMAC, compress, encrypt), no IndexedDB: the cost our design adds to every row.
  const keys = await deriveStoreKeys(keyMaterial);
  const indexer = new BlindIndexer(keys.index);
  const sample = patients.slice(0, Math.min(2_000, patients.length));
  let start = performance.now();
  for (let offset = 0; offset < sample.length; offset += 64) {
    await Promise.all(
      sample.slice(offset, offset + 64).map((patient) => encodePatient(keys.data, indexer, patient)),
    );
  }
  rows.push({
    name: 'seal only (HMAC + deflate + AES-GCM)',
    value: sample.length / ((performance.now() - start) / 1000),
    unit: 'patients/s',
    note: `${sample.length} patients`,
  });

  const store = await PatientStore.open({ name, keyMaterial, ...database });
  const floor = createDatabase(floorName, database);
  try {
    start = performance.now();
    for (let offset = 0; offset < patients.length; offset += BATCH) {
      await store.commit({
        icb: 'QWO',
        upserts: patients.slice(offset, offset + BATCH),
        deletes: [],
        quarantine: [],
        checkpoint: { offset },
      });
    }
    const commitSeconds = (performance.now() - start) / 1000;
    rows.push({
      name: 'commit (encrypted, indexed)',
      value: patients.length / commitSeconds,
      unit: 'patients/s',
      note: `${patients.length} in batches of ${BATCH}: ${commitSeconds.toFixed(1)} s`,
    });

    // Floor: the same stored rows, bulkPut with plain Dexie into a fresh database with the same schema.
    const storedRows = await databaseOf(store).patients.toArray();
    const storedGroups = await databaseOf(store).bodyGroups.toArray();
    const groupsPerBatch = Math.ceil((storedGroups.length * BATCH) / Math.max(1, storedRows.length));
    await floor.open();
    start = performance.now();
    for (let offset = 0; offset < storedRows.length; offset += BATCH) {
      await floor.transaction('rw', [floor.patients, floor.bodyGroups], async () => {
        const batch = offset / BATCH;
        await floor.patients.bulkPut(storedRows.slice(offset, offset + BATCH));
        await floor.bodyGroups.bulkPut(
          storedGroups.slice(batch * groupsPerBatch, (batch + 1) * groupsPerBatch),
        );
      });
    }
    const floorSeconds = (performance.now() - start) / 1000;
    rows.push({
      name: 'floor: plain Dexie bulkPut of the same rows',
      value: storedRows.length / floorSeconds,
      unit: 'patients/s',
      note: `${floorSeconds.toFixed(1)} s; commit costs ${(commitSeconds / floorSeconds).toFixed(2)}x`,
    });

    const stored = await store.estimateBytes();
    const indexTerms = storedRows.reduce((sum, row) => sum + row.postcodes.length + 4, 0);
    rows.push({
      name: 'stored bytes per patient',
      value: stored / patients.length,
      unit: 'bytes',
      note: `${(stored / jsonBytes).toFixed(2)}x plain JSON`,
    });
    rows.push({ name: 'plain JSON per patient', value: jsonBytes / patients.length, unit: 'bytes' });
    rows.push({
      name: 'index entries per patient',
      value: indexTerms / patients.length,
      unit: 'entries',
      note: 'name terms are in postings rows, not index entries',
    });

    const count = options.queries ?? 50;
    const next = random(99);
    const picks = Array.from(
      { length: count },
      () => patients[Math.floor(next() * patients.length)] as PatientWrite,
    );
    const given = (patient: PatientWrite): string => patient.keys.names[1] ?? '';
    const family = (patient: PatientWrite): string => patient.keys.names[0] ?? '';
    rows.push(
      ...(await latency(
        'NHS number',
        picks.map((patient) => () => store.searchByNhsNumber(patient.card.nhsNumber ?? '')),
      )),
    );
    rows.push(
      ...(await latency(
        'name (given + family prefix)',
        picks.map((patient) => () => store.search(`${given(patient)} ${family(patient).slice(0, 3)}`)),
      )),
    );
    rows.push(
      ...(await latency(
        'name + DOB',
        picks.map((patient) => () => store.searchByName(family(patient), patient.keys.birthDate)),
      )),
    );
    rows.push(
      ...(await latency(
        'postcode',
        picks.map((patient) => () => store.searchByPostcode(patient.keys.postcodes[0] ?? '')),
      )),
    );
  } finally {
    store.close();
    floor.close();
    await PatientStore.delete(name, database);
    await PatientStore.delete(floorName, database);
  }
  return rows;
}
