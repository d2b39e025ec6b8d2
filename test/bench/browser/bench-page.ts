// Runs inside headless Chromium: the real pre-cache (PullEngine + FhirClient + encrypted PatientStore on
// Chromium's IndexedDB) against the loopback demo servers, and the floor it is compared with.
import { FhirClient } from '../../../sync/fhir-client';
import type { Profile } from '../../../sync/provisioning-profile';
import { mergeSummaries } from '../../../sync/projection';
import { PullEngine, summaryOfStored, type PullEvent } from '../../../sync/pull';
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

export interface LatencyResult {
  readonly kind: string;
  readonly samples: number;
  readonly p50: number;
  readonly p95: number;
  readonly hits: number;
}

function percentile(sorted: readonly number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? 0;
}

/**
 * Search latency to decrypted top-20 hits, per kind of query, and the time to open a summary (read,
 * decrypt, project and merge every source of the first hit), over the cached store.
 */
async function latencies(
  name: string,
  key: readonly number[],
  queries: Readonly<Record<string, readonly string[]>>,
): Promise<LatencyResult[]> {
  const store = await PatientStore.open({ name, keyMaterial: keyFrom(key) });
  const results: LatencyResult[] = [];
  const open: number[] = [];
  for (const [kind, list] of Object.entries(queries)) {
    const times: number[] = [];
    let hits = 0;
    for (const query of list) {
      const started = performance.now();
      const found = await store.search(query, 20);
      times.push(performance.now() - started);
      hits += found.length > 0 ? 1 : 0;
      const first = found[0];
      if (kind === 'nhs-number' && first !== undefined) {
        const opened = performance.now();
        const stored = await store.readSummaries(first.sources.map((source) => source.key));
        mergeSummaries(
          stored.map((record) => summaryOfStored(record, { odsCode: record.icb, name: record.icb })),
        );
        open.push(performance.now() - opened);
      }
    }
    times.sort((a, b) => a - b);
    results.push({
      kind,
      samples: times.length,
      p50: percentile(times, 0.5),
      p95: percentile(times, 0.95),
      hits,
    });
  }
  open.sort((a, b) => a - b);
  results.push({
    kind: 'open summary',
    samples: open.length,
    p50: percentile(open, 0.5),
    p95: percentile(open, 0.95),
    hits: open.length,
  });
  store.close();
  return results;
}

declare global {
  interface Window {
    kerbsideBench: {
      precache: typeof precache;
      floor: typeof floor;
      plainJsonBytes: typeof plainJsonBytes;
      dump: (name: string) => Promise<string>;
      latencies: typeof latencies;
    };
  }
}

window.kerbsideBench = {
  precache,
  floor,
  plainJsonBytes,
  dump: (name) => dumpIndexedDb(indexedDB, name),
  latencies,
};
const status = document.getElementById('status');
if (status) status.textContent = 'ready';
