// Helpers shared by the population tests: find a record's Patient, its NHS number, district and references.
import type { Patient, Resource } from '@medplum/fhirtypes';
import type { PatientRecord } from '../../../demo/population/index';
import { NHS_NUMBER_SYSTEM } from '../../../sync/nhs-number';

export function patientOf(record: PatientRecord): Patient {
  const first = record.resources[0];
  if (first?.resourceType !== 'Patient') throw new Error('Patient must come first');
  return first;
}

export function nhsNumberOf(patient: Patient): string | undefined {
  return patient.identifier?.find((identifier) => identifier.system === NHS_NUMBER_SYSTEM)?.value;
}

export function districtOf(patient: Patient): string {
  return (patient.address?.[0]?.postalCode ?? '').split(' ')[0] ?? '';
}

/** Every `reference` string anywhere inside a resource. */
export function referencesIn(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) {
    for (const item of value) referencesIn(item, found);
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, child] of Object.entries(value)) {
      if (key === 'reference' && typeof child === 'string') found.push(child);
      else referencesIn(child, found);
    }
  }
  return found;
}

export function recordsFor(records: readonly PatientRecord[], nhsNumber: string): PatientRecord[] {
  return records.filter((record) => record.nhsNumber === nhsNumber);
}

export function primaryFor(records: readonly PatientRecord[], nhsNumber: string): PatientRecord {
  const record = recordsFor(records, nhsNumber)[0];
  if (record === undefined) throw new Error(`No record for ${nhsNumber}`);
  return record;
}

export function ofType<T extends Resource>(record: PatientRecord, resourceType: T['resourceType']): T[] {
  return record.resources.filter((resource): resource is T => resource.resourceType === resourceType);
}
