// Indexes of live Patients by postcode district and by registered GP, for area cohort searches at scale.
// `address-postalcode` follows FHIR string search (case-insensitive starts-with; comma = OR).
import type { Patient } from '@medplum/fhirtypes';

interface PatientKeys {
  /** Lower-cased postcodes of all the patient's addresses. */
  readonly postcodes: readonly string[];
  /** `ref:Organization/x`, `rid:x` and `idf:system|value` keys of `generalPractitioner`. */
  readonly practitionerKeys: readonly string[];
}

/** The outward part of a postcode (`ng7 1ab` -> `ng7`); also the index key for postcodes without a space. */
function districtOf(postcode: string): string {
  const space = postcode.indexOf(' ');
  return space < 0 ? postcode : postcode.slice(0, space);
}

export class CohortIndex {
  private readonly byDistrict = new Map<string, Set<string>>();
  private readonly byPractitioner = new Map<string, Set<string>>();
  private readonly keysOfPatient = new Map<string, PatientKeys>();

  /** Re-indexes a patient (or removes it when `patient` is undefined, i.e. deleted). */
  apply(patientId: string, patient: Patient | undefined): void {
    const old = this.keysOfPatient.get(patientId);
    if (old) {
      for (const postcode of old.postcodes) {
        removeFrom(this.byDistrict, districtOf(postcode), patientId);
      }
      for (const key of old.practitionerKeys) {
        removeFrom(this.byPractitioner, key, patientId);
      }
      this.keysOfPatient.delete(patientId);
    }
    if (!patient) {
      return;
    }
    const postcodes = (patient.address ?? [])
      .map((address) => address.postalCode?.trim().toLowerCase())
      .filter((postcode): postcode is string => postcode !== undefined && postcode !== '');
    const practitionerKeys: string[] = [];
    for (const reference of patient.generalPractitioner ?? []) {
      if (reference.reference) {
        practitionerKeys.push(`ref:${reference.reference}`);
        const id = reference.reference.split('/').pop();
        if (id) {
          practitionerKeys.push(`rid:${id}`);
        }
      }
      if (reference.identifier?.value) {
        practitionerKeys.push(`idf:${reference.identifier.system ?? ''}|${reference.identifier.value}`);
      }
    }
    for (const postcode of postcodes) {
      addTo(this.byDistrict, districtOf(postcode), patientId);
    }
    for (const key of practitionerKeys) {
      addTo(this.byPractitioner, key, patientId);
    }
    this.keysOfPatient.set(patientId, { postcodes, practitionerKeys });
  }

  /** Patients with a postcode starting with any of `prefixes` (FHIR string search semantics). */
  byPostcodePrefixes(prefixes: readonly string[]): Set<string> {
    const result = new Set<string>();
    for (const raw of prefixes) {
      const prefix = raw.trim().toLowerCase();
      if (prefix === '') {
        continue;
      }
      for (const [district, patients] of this.byDistrict) {
        if (district.startsWith(prefix)) {
          // Every postcode of this district starts with the district, hence with the prefix.
          for (const patientId of patients) {
            result.add(patientId);
          }
        } else if (prefix.startsWith(district)) {
          for (const patientId of patients) {
            if (
              this.keysOfPatient.get(patientId)?.postcodes.some((postcode) => postcode.startsWith(prefix))
            ) {
              result.add(patientId);
            }
          }
        }
      }
    }
    return result;
  }

  /** Patients whose `generalPractitioner` is one of the given references (`Organization/x`, or a bare id). */
  byPractitionerReferences(references: readonly string[]): Set<string> {
    return this.collect(
      references.map((reference) => (reference.includes('/') ? `ref:${reference}` : `rid:${reference}`)),
    );
  }

  /** Patients whose `generalPractitioner.identifier` is `system|value` (logical references, `:identifier`). */
  byPractitionerIdentifier(system: string, value: string): Set<string> {
    return this.collect([`idf:${system}|${value}`]);
  }

  private collect(keys: readonly string[]): Set<string> {
    const result = new Set<string>();
    for (const key of keys) {
      for (const patientId of this.byPractitioner.get(key) ?? []) {
        result.add(patientId);
      }
    }
    return result;
  }
}

function addTo(index: Map<string, Set<string>>, key: string, patientId: string): void {
  let patients = index.get(key);
  if (!patients) {
    patients = new Set();
    index.set(key, patients);
  }
  patients.add(patientId);
}

function removeFrom(index: Map<string, Set<string>>, key: string, patientId: string): void {
  const patients = index.get(key);
  patients?.delete(patientId);
  if (patients?.size === 0) {
    index.delete(key);
  }
}
