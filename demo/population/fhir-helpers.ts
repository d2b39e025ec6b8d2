// Small builders shared by the population modules: UK Core meta, codings, references and dates.
import type { CodeableConcept, Coding, Meta, Reference, Resource } from '@medplum/fhirtypes';

export const SNOMED = 'http://snomed.info/sct';
export const DMD = 'https://dmd.nhs.uk';
export const LOINC = 'http://loinc.org';
export const UCUM = 'http://unitsofmeasure.org';
export const ODS_SYSTEM = 'https://fhir.nhs.uk/Id/ods-organization-code';
export const UK_CORE = 'https://fhir.hl7.org.uk/StructureDefinition/UKCore-';

/** Resource types that have a UK Core profile; the rest (Goal, Consent, DeviceUseStatement) carry none. */
const UK_CORE_TYPES = new Set([
  'Patient',
  'AllergyIntolerance',
  'Condition',
  'MedicationStatement',
  'MedicationRequest',
  'Medication',
  'Observation',
  'Encounter',
  'Flag',
  'Device',
  'DocumentReference',
  'CarePlan',
  'Organization',
  'Practitioner',
  'RelatedPerson',
]);

export function meta(resourceType: Resource['resourceType'], lastUpdated: string): Meta {
  return UK_CORE_TYPES.has(resourceType)
    ? { versionId: '1', lastUpdated, profile: [`${UK_CORE}${resourceType}`] }
    : { versionId: '1', lastUpdated };
}

export function coding(system: string, code: string, display: string): Coding {
  return { system, code, display };
}

export function concept(system: string, code: string, display: string, text?: string): CodeableConcept {
  return text === undefined
    ? { coding: [coding(system, code, display)] }
    : { coding: [coding(system, code, display)], text };
}

export function snomed(code: string, display: string): CodeableConcept {
  return concept(SNOMED, code, display);
}

export function reference<T extends Resource>(
  resourceType: T['resourceType'],
  id: string,
  display?: string,
): Reference<T> {
  return display === undefined
    ? { reference: `${resourceType}/${id}`, type: resourceType }
    : { reference: `${resourceType}/${id}`, type: resourceType, display };
}

const DAY_MS = 86_400_000;

/** Days since 1970-01-01 for an ISO date (UTC, so the result never depends on the machine's zone). */
export function toDay(isoDate: string): number {
  return Math.floor(Date.parse(`${isoDate.slice(0, 10)}T00:00:00Z`) / DAY_MS);
}

export function isoDate(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** A FHIR dateTime with a time and zone, at a given minute of the day. */
export function isoDateTime(day: number, minuteOfDay: number): string {
  return new Date(day * DAY_MS + (minuteOfDay % 1440) * 60_000).toISOString().replace('.000Z', 'Z');
}

/** A FHIR instant (always with seconds and zone), for meta.lastUpdated. */
export function isoInstant(day: number, minuteOfDay: number): string {
  return new Date(day * DAY_MS + (minuteOfDay % 1440) * 60_000).toISOString();
}
