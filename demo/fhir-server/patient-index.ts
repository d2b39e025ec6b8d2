// Index of every live resource by the Patient whose compartment holds it (the patient's own record included).
// Serves `patient=`/`subject=` searches, `_revinclude`, `$everything`, `$summary` and patient-level export.
import './websocket-shim';
import { getExpressionForResourceType, getSearchParameter } from '@medplum/core';
import type { Reference, Resource } from '@medplum/fhirtypes';
import type { ChangeEntry } from './change-log';

const fieldCache = new Map<string, string | null>();

/**
 * The element of `resourceType` that points at its Patient, read from the R4 `patient` search parameter
 * (e.g. `AllergyIntolerance.patient`, `Condition.subject.where(resolve() is Patient)`, `Task.for`).
 * Undefined when the type has no such single element.
 */
export function patientField(resourceType: string): string | undefined {
  let field = fieldCache.get(resourceType);
  if (field === undefined) {
    field = null;
    const parameter = getSearchParameter(resourceType, 'patient');
    const expression = parameter?.expression
      ? getExpressionForResourceType(resourceType, parameter.expression)
      : undefined;
    const match = expression
      ? /^(\w+)\.(\w+)(\.where\(\(?resolve\(\) is Patient\)?\))?$/.exec(expression)
      : null;
    if (match?.[1] === resourceType && match[2] !== undefined) {
      field = match[2];
    }
    fieldCache.set(resourceType, field);
  }
  return field ?? undefined;
}

/** The id of the Patient a resource belongs to, if its patient element is a local `Patient/{id}` reference. */
export function patientIdOf(resource: Resource): string | undefined {
  if (resource.resourceType === 'Patient') {
    return resource.id;
  }
  const field = patientField(resource.resourceType);
  if (field === undefined) {
    return undefined;
  }
  const value = (resource as unknown as Record<string, unknown>)[field];
  const reference = (Array.isArray(value) ? (value[0] as unknown) : value) as Reference | undefined;
  return patientIdFromReference(reference?.reference);
}

/** `Patient/123` or `https://host/fhir/Patient/123` -> `123`. */
export function patientIdFromReference(reference: string | undefined): string | undefined {
  if (!reference) {
    return undefined;
  }
  const match = /(?:^|\/)Patient\/([A-Za-z0-9\-.]{1,64})$/.exec(reference);
  return match?.[1];
}

export interface CompartmentMember {
  readonly resourceType: string;
  readonly id: string;
}

export class PatientIndex {
  /** patient id -> `Type/id` keys of the live resources in that patient's compartment, in insertion order. */
  private readonly byPatient = new Map<string, Set<string>>();

  /** Applies one change; `previous` is the change it supersedes (to move a resource between patients). */
  apply(entry: ChangeEntry, previous: ChangeEntry | undefined): void {
    const key = `${entry.resourceType}/${entry.id}`;
    const oldPatient = previous && previous.method !== 'DELETE' ? previous.patientId : undefined;
    const newPatient = entry.method === 'DELETE' ? undefined : entry.patientId;
    if (oldPatient !== undefined && oldPatient !== newPatient) {
      const keys = this.byPatient.get(oldPatient);
      keys?.delete(key);
      if (keys?.size === 0) {
        this.byPatient.delete(oldPatient);
      }
    }
    if (newPatient !== undefined && newPatient !== oldPatient) {
      let keys = this.byPatient.get(newPatient);
      if (!keys) {
        keys = new Set();
        this.byPatient.set(newPatient, keys);
      }
      keys.add(key);
    }
  }

  /** Live members of a patient's compartment, optionally of some types only. */
  members(patientId: string, types?: ReadonlySet<string>): CompartmentMember[] {
    const result: CompartmentMember[] = [];
    for (const key of this.byPatient.get(patientId) ?? []) {
      const slash = key.indexOf('/');
      const resourceType = key.slice(0, slash);
      if (!types || types.has(resourceType)) {
        result.push({ resourceType, id: key.slice(slash + 1) });
      }
    }
    return result;
  }
}
