// Fetches the full records of a chunk of cohort patients with the strategy the server supports best:
// Bulk Data export for the chunk, `_revinclude`, `$everything`, or `$summary` per patient.
import type { Resource } from '@medplum/fhirtypes';
import type { ChunkStrategy } from './types';
import type { RemoteFhir } from './ports';
import type { ChunkCollector } from './chunk-collector';
import { acceptedResourceTypes } from './validate-resource';
import { sharedResourceTypes } from './compartment';

const REVINCLUDE_BATCH = 100;
const PER_PATIENT_WORKERS = 4;
const SHARED_BATCH = 50;

/** Shared types small enough to export whole with every chunk (an ICB's practices and clinicians). */
const directoryTypes = ['Organization', 'Practitioner', 'PractitionerRole', 'Location'];

/** Compartment types asked for in an export; shared types come by reference afterwards. */
export const exportTypes = [...acceptedResourceTypes].filter(
  (type) => !sharedResourceTypes.has(type) && type !== 'Composition',
);

async function inPool<T>(
  items: readonly T[],
  workers: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const run = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      await task(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(workers, items.length) }, run));
}

/**
 * Bulk Data export limited to the chunk's patients (`patient` parameter of a POST kick-off).
 * https://hl7.org/fhir/uv/bulkdata/export.html#query-parameters
 */
async function viaBulkExport(
  remote: RemoteFhir,
  ids: readonly string[],
  collector: ChunkCollector,
  signal: AbortSignal,
): Promise<string> {
  const body = {
    resourceType: 'Parameters',
    parameter: [
      // Small directory types come in the same export (in full); Medications are fetched by reference.
      { name: '_type', valueString: [...exportTypes, ...directoryTypes].join(',') },
      ...ids.map((id) => ({ name: 'patient', valueReference: { reference: `Patient/${id}` } })),
    ],
  };
  const manifest = await remote.bulkExport(
    { path: 'Patient/$export', params: new URLSearchParams(), body },
    { signal },
  );
  for (const file of manifest.output) {
    for await (const line of remote.streamNdjson(file.url, { signal })) {
      if (line.kind === 'resource') collector.add(line.value, line.bytes, line.json);
      else collector.reject(`${file.type} export line ${line.line}: ${line.reason}`, file.type);
    }
  }
  for (const file of manifest.error) {
    for await (const line of remote.streamNdjson(file.url, { signal })) {
      collector.reject(`server reported an export error (${file.type})`, 'OperationOutcome');
      collector.bytes += line.bytes;
    }
  }
  return manifest.transactionTime;
}

/** `Patient?_id=…&_revinclude=*`: the patients and every resource that references them. https://hl7.org/fhir/R4/search.html#revinclude */
async function viaRevinclude(
  remote: RemoteFhir,
  ids: readonly string[],
  collector: ChunkCollector,
  signal: AbortSignal,
): Promise<void> {
  for (let start = 0; start < ids.length; start += REVINCLUDE_BATCH) {
    const batch = ids.slice(start, start + REVINCLUDE_BATCH);
    const url = `Patient?_id=${batch.join(',')}&_revinclude=*&_count=1000`;
    for await (const page of remote.pages(url, { signal }))
      collector.addBundle(page.bundle.entry, page.bytes);
  }
}

/** One request per patient: `$everything` (searchset) or `$summary` (IPS document). */
async function viaPerPatient(
  remote: RemoteFhir,
  ids: readonly string[],
  collector: ChunkCollector,
  signal: AbortSignal,
  operation: '$everything' | '$summary',
): Promise<void> {
  await inPool(ids, PER_PATIENT_WORKERS, async (id) => {
    if (operation === '$summary') {
      const { bundle, bytes } = await remote.getBundle(`Patient/${id}/$summary`, { signal });
      collector.addBundle(bundle.entry, bytes);
      return;
    }
    for await (const page of remote.pages(`Patient/${id}/$everything?_count=1000`, { signal })) {
      collector.addBundle(page.bundle.entry, page.bytes);
    }
  });
}

/** Fetches the shared resources (GP practice, Medication…) that the chunk refers to and the cache lacks. */
export async function fetchShared(
  remote: RemoteFhir,
  references: readonly string[],
  collector: ChunkCollector,
  signal: AbortSignal,
): Promise<void> {
  const byType = new Map<string, string[]>();
  for (const reference of references) {
    const [type, id] = reference.split('/');
    if (type === undefined || id === undefined) continue;
    byType.set(type, [...(byType.get(type) ?? []), id]);
  }
  for (const [type, ids] of byType) {
    for (let start = 0; start < ids.length; start += SHARED_BATCH) {
      const url = `${type}?_id=${ids.slice(start, start + SHARED_BATCH).join(',')}&_count=${SHARED_BATCH}`;
      for await (const page of remote.pages(url, { signal }))
        collector.addBundle(page.bundle.entry, page.bytes);
    }
  }
}

/** Fetches a chunk; returns the export's transactionTime when the strategy gives one. */
export async function fetchChunk(
  remote: RemoteFhir,
  strategy: ChunkStrategy,
  ids: readonly string[],
  collector: ChunkCollector,
  sharedCache: Map<string, Resource>,
  signal: AbortSignal,
): Promise<string | undefined> {
  let transactionTime: string | undefined;
  switch (strategy) {
    case 'bulk-export':
      transactionTime = await viaBulkExport(remote, ids, collector, signal);
      break;
    case 'revinclude':
      await viaRevinclude(remote, ids, collector, signal);
      break;
    case 'everything':
      await viaPerPatient(remote, ids, collector, signal, '$everything');
      break;
    case 'summary':
      await viaPerPatient(remote, ids, collector, signal, '$summary');
      break;
  }
  const missing = collector.missingSharedReferences(sharedCache);
  if (missing.length > 0) await fetchShared(remote, missing, collector, signal);
  for (const [reference, resource] of collector.shared) sharedCache.set(reference, resource);
  return transactionTime;
}
