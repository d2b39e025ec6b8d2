// Who belongs in a device's area cohort for one ICB: living in the area, or registered with one of the
// ICB's GP practices in the area; never the deceased.
import type { Patient } from '@medplum/fhirtypes';
import type { IcbConfig } from '../provisioning-profile';

const ODS_SYSTEM = 'https://fhir.nhs.uk/Id/ods-organization-code';

/** `NG7 2AB` -> `NG7`; `ng72ab` -> `NG7`. Undefined for text that is not a UK postcode. */
export function postcodeDistrict(postcode: string): string | undefined {
  const compact = postcode.replace(/\s+/g, '').toUpperCase();
  const match = /^([A-Z]{1,2}[0-9][0-9A-Z]?)([0-9][A-Z]{2})$/.exec(compact);
  if (match) return match[1];
  return /^[A-Z]{1,2}[0-9][0-9A-Z]?$/.test(compact) ? compact : undefined;
}

export type CohortDecision =
  | { readonly member: true; readonly reason: 'lives-in-area' | 'registered-in-area' }
  | { readonly member: false; readonly reason: 'deceased' | 'outside-area' };

function isCurrent(period: { end?: string } | undefined, today: string): boolean {
  return period?.end === undefined || period.end.slice(0, 10) >= today;
}

/** Decides cohort membership from the Patient resource itself, so the server's search is never trusted blindly. */
export interface CohortRule {
  readonly areaDistricts: ReadonlySet<string>;
  /** ODS codes of the ICB's GP practices in the area (from the profile). */
  readonly practiceCodes: ReadonlySet<string>;
  /** Ids of those practices' Organization resources on this server (`Organization/{id}`). */
  readonly practiceOrganizationIds: ReadonlySet<string>;
}

export function cohortRule(
  icb: Pick<IcbConfig, 'gpPractices'>,
  areaDistricts: readonly string[],
  practiceOrganizationIds: Iterable<string>,
): CohortRule {
  return {
    areaDistricts: new Set(areaDistricts),
    practiceCodes: new Set(icb.gpPractices),
    practiceOrganizationIds: new Set(practiceOrganizationIds),
  };
}

export function cohortDecision(patient: Patient, rule: CohortRule, today: string): CohortDecision {
  if (patient.deceasedBoolean === true || patient.deceasedDateTime !== undefined) {
    return { member: false, reason: 'deceased' };
  }
  for (const address of patient.address ?? []) {
    if (address.use === 'old' || !isCurrent(address.period, today) || address.postalCode === undefined)
      continue;
    const district = postcodeDistrict(address.postalCode);
    if (district !== undefined && rule.areaDistricts.has(district))
      return { member: true, reason: 'lives-in-area' };
  }
  for (const gp of patient.generalPractitioner ?? []) {
    const code = gp.identifier?.system === ODS_SYSTEM ? gp.identifier.value : undefined;
    if (code !== undefined && rule.practiceCodes.has(code))
      return { member: true, reason: 'registered-in-area' };
    const organizationId = /^(?:.*\/)?Organization\/([A-Za-z0-9\-.]{1,64})$/.exec(gp.reference ?? '')?.[1];
    if (organizationId !== undefined && rule.practiceOrganizationIds.has(organizationId)) {
      return { member: true, reason: 'registered-in-area' };
    }
  }
  return { member: false, reason: 'outside-area' };
}
