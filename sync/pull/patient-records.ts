// Turns one patient's validated FHIR resources into the encrypted store's write (the raw resources, the
// search keys and the result-list card), and a stored record back into its summary for display.
//
// The full summary is projected when a record is opened, not during the pre-cache: measured here, a full
// projection costs about 1 ms per patient (fhirpath), which alone would take 100 s for a 100,000-patient
// area, while opening one summary takes a few milliseconds. Only demographics are projected up front.
import type { Resource } from '@medplum/fhirtypes';
import { projectDemographicsOnly, projectSummary, type PatientSummary } from '../projection';
import type { PatientWrite, StoredSummary } from '../store';

export interface IcbIdentity {
  readonly odsCode: string;
  readonly name: string;
}

/**
 * Builds the store write for one patient-per-ICB record from its resources (Patient first or anywhere).
 * `jsonOf` gives the JSON text a resource arrived as, where known, so it is stored without serialising again.
 */
export function buildPatientWrite(
  icb: IcbIdentity,
  patientId: string,
  resources: readonly Resource[],
  fetchedAt: Date,
  jsonOf?: (resource: Resource) => Uint8Array | undefined,
): PatientWrite {
  const demographics = projectDemographicsOnly(icb, resources);
  const names = demographics.names
    .flatMap((name) => [name.text, name.family ?? '', ...name.given])
    .filter((part) => part !== '');
  const postcodes = demographics.addresses.flatMap((address) =>
    address.postcode === undefined ? [] : [address.postcode],
  );
  const primaryName = demographics.names[0];
  return {
    icb: icb.odsCode,
    patientId,
    keys: {
      nhsNumber: demographics.nhsNumber,
      names,
      birthDate: demographics.birthDate,
      postcodes,
    },
    card: {
      displayName: primaryName?.text ?? 'Name not recorded',
      birthDate: demographics.birthDate,
      nhsNumber: demographics.nhsNumber,
      postcode: postcodes[0],
      icb: icb.odsCode,
      restricted: demographics.restricted,
      deceased: demographics.deceased !== undefined,
    },
    summary: null,
    raw: resources,
    ...(jsonOf === undefined ? {} : { rawJson: resources.map(jsonOf) }),
    refreshedAt: fetchedAt.getTime(),
  };
}

/** Replaces or removes one resource in a patient's raw set, keyed by type and id. */
export function applyResourceChange(
  raw: readonly Resource[],
  change:
    | { readonly kind: 'upsert'; readonly resource: Resource }
    | { readonly kind: 'delete'; readonly resourceType: string; readonly id: string },
): Resource[] {
  const key =
    change.kind === 'upsert'
      ? `${change.resource.resourceType}/${change.resource.id ?? ''}`
      : `${change.resourceType}/${change.id}`;
  const kept = raw.filter((resource) => `${resource.resourceType}/${resource.id ?? ''}` !== key);
  if (change.kind === 'upsert') kept.push(change.resource);
  return kept;
}

/** The display summary of a stored record: projected now from its raw resources (see the note above). */
export function summaryOfStored(
  stored: Pick<StoredSummary, 'raw' | 'refreshedAt'>,
  icb: IcbIdentity,
): PatientSummary {
  return projectSummary({
    icb,
    resources: stored.raw,
    fetchedAt: new Date(stored.refreshedAt).toISOString(),
  });
}
