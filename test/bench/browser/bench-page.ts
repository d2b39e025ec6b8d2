// Runs inside headless Chromium: the real pre-cache (PullEngine + FhirClient + encrypted PatientStore on
// Chromium's IndexedDB) against the loopback demo servers, and the floor it is compared with.
import { FhirClient } from '../../../sync/fhir-client';
import type { Profile } from '../../../sync/provisioning-profile';
import { PullEngine, type PullEvent } from '../../../sync/pull';
import { PatientStore } from '../../../sync/store';
import { databaseOf } from '../../../sync/store/patient-store';
import { dumpIndexedDb } from '../../support/dump-indexeddb';

export interface PrecacheResult {
  readonly ms: number;
  readonly patients: number;
  readonly outcomes: Record<string, string>;
  readonly quarantined: number;
  readonly usageBytes: number;
}

export interface FloorResult {
  readonly ms: number;
  readonly rows: number;
  readonly usageBytes: number;
}

async function usage(): Promise<number> {
  const estimate = await navigator.storage.estimate();
  return estimate.usage ?? 0;
}

function keyFrom(numbers: readonly number[]): Uint8Array {
  return Uint8Array.from(numbers);
}

async function precache(name: string, key: readonly number[], profile: Profile): Promise<PrecacheResult> {
  const store = await PatientStore.open({ name, keyMaterial: keyFrom(key) });
  const events: PullEvent[] = [];
  const engine = new PullEngine({
    profile,
    store,
    remoteFor: (icb) => new FhirClient({ baseUrl: icb.fhirBaseUrl, auth: icb.auth }),
    onEvent: (event) => {
      if (event.type !== 'progress') events.push(event);
    },
  });
  const started = performance.now();
  const outcomes = await engine.run();
  const ms = performance.now() - started;
  const counts = await store.counts();
  store.close();
  return {
    ms,
    patients: counts.patients,
    outcomes: Object.fromEntries([...outcomes].map(([icb, outcome]) => [icb, outcome.kind])),
    quarantined: counts.quarantined,
    usageBytes: await usage(),
  };
}

/** The floor: plain Dexie bulkPut of the same final rows (same schema and indexes), in batches of 1,000. */
async function floor(sourceName: string, key: readonly number[]): Promise<FloorResult> {
  const source = await PatientStore.open({ name: sourceName, keyMaterial: keyFrom(key) });
  const sourceDb = databaseOf(source);
  const patients = await sourceDb.patients.toArray();
  const bodies = await sourceDb.bodies.toArray();
  source.close();
  const before = await usage();
  const target = await PatientStore.open({ name: `${sourceName}-floor`, keyMaterial: keyFrom(key) });
  const targetDb = databaseOf(target);
  const started = performance.now();
  for (let offset = 0; offset < patients.length; offset += 1000) {
    await targetDb.transaction('rw', [targetDb.patients, targetDb.bodies], async () => {
      await targetDb.patients.bulkPut(patients.slice(offset, offset + 1000));
      await targetDb.bodies.bulkPut(bodies.slice(offset, offset + 1000));
    });
  }
  const ms = performance.now() - started;
  target.close();
  return { ms, rows: patients.length, usageBytes: (await usage()) - before };
}

/** Plain JSON size of what was cached: the raw FHIR resources per patient, as the floor for disk use. */
async function plainJsonBytes(name: string, key: readonly number[]): Promise<number> {
  const store = await PatientStore.open({ name, keyMaterial: keyFrom(key) });
  let bytes = 0;
  const encoder = new TextEncoder();
  for (const icb of ['QT1', 'QJ2', 'QK1']) {
    const ids = [...(await store.patientIdsFor(icb))];
    for (let offset = 0; offset < ids.length; offset += 500) {
      const records = await store.readRecords(icb, ids.slice(offset, offset + 500));
      for (const record of records.values()) bytes += encoder.encode(JSON.stringify(record)).byteLength;
    }
  }
  store.close();
  return bytes;
}

declare global {
  interface Window {
    kerbsideBench: {
      precache: typeof precache;
      floor: typeof floor;
      plainJsonBytes: typeof plainJsonBytes;
      dump: (name: string) => Promise<string>;
    };
  }
}

window.kerbsideBench = { precache, floor, plainJsonBytes, dump: (name) => dumpIndexedDb(indexedDB, name) };
const status = document.getElementById('status');
if (status) status.textContent = 'ready';
