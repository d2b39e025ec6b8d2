// One patient's whole record from one ICB, found by NHS number, outside the area pre-cache: used when the
// control room sends a crew to a patient the device may not hold (DESIGN.md section 7). Validated and grouped
// exactly as the pre-cache does, with the strategy the server's CapabilityStatement offers for a few patients.
import type { Resource } from '@medplum/fhirtypes';
import { NHS_NUMBER_SYSTEM } from '../nhs-number';
import type { PatientWrite } from '../store';
import { ChunkCollector } from './chunk-collector';
import { fetchChunk } from './fetch-chunk';
import { buildPatientWrite, type IcbIdentity } from './patient-records';
import type { RemoteFhir } from './ports';
import { chooseChunkStrategy, joinStrategy } from './pull-icb';

/** More records than this for one NHS number on one server is a server fault, not a patient. */
const MAX_MATCHES = 5;

export interface FetchedPatient {
  /** One write per Patient resource with that NHS number (normally one; merged records can give more). */
  readonly records: readonly PatientWrite[];
  /** Resources refused by validation, with the reason: left out of the record, as in the pre-cache. */
  readonly refused: readonly { readonly resourceType?: string; readonly reason: string }[];
}

function hasNhsNumber(patient: Resource, nhsNumber: string): boolean {
  return (
    patient.resourceType === 'Patient' &&
    (patient.identifier ?? []).some(
      (identifier) => identifier.system === NHS_NUMBER_SYSTEM && identifier.value === nhsNumber,
    )
  );
}

/** Searches one ICB for a (valid, normalised) NHS number and fetches each match's record. */
export async function fetchPatientByNhsNumber(
  remote: RemoteFhir,
  icb: IcbIdentity,
  nhsNumber: string,
  signal: AbortSignal,
  now: () => Date,
): Promise<FetchedPatient> {
  const query = `Patient?identifier=${encodeURIComponent(`${NHS_NUMBER_SYSTEM}|${nhsNumber}`)}&_count=${MAX_MATCHES}`;
  const { bundle } = await remote.getBundle(query, { signal });
  const finder = new ChunkCollector(icb.odsCode, () => now().getTime());
  finder.addBundle(bundle.entry, 0);
  // A server that ignores the identifier parameter returns other people: only exact matches are kept.
  const ids = [...finder.patients]
    .filter(([, patient]) => hasNhsNumber(patient, nhsNumber))
    .map(([id]) => id);
  if (ids.length === 0) return { records: [], refused: finder.quarantine };
  const strategy = joinStrategy(chooseChunkStrategy(await remote.capabilities(signal)));
  const fetchedAt = now();
  const collector = new ChunkCollector(icb.odsCode, () => fetchedAt.getTime(), undefined, new Set(ids));
  await fetchChunk(remote, strategy, ids, collector, new Map(), signal);
  const records: PatientWrite[] = [];
  for (const id of ids) {
    const patient = collector.patients.get(id) ?? finder.patients.get(id);
    if (patient === undefined) continue;
    records.push(buildPatientWrite(icb, id, collector.recordOf(id, patient), fetchedAt));
  }
  return { records, refused: [...finder.quarantine, ...collector.quarantine] };
}
