// Which patient a resource belongs to, and which shared resources (GP practice, Medication) it points at.
// https://hl7.org/fhir/R4/compartmentdefinition-patient.html
import type { Resource } from '@medplum/fhirtypes';

/** The element that places each resource type in a patient's compartment. */
const patientElement: Readonly<Record<string, string>> = {
  AllergyIntolerance: 'patient',
  CarePlan: 'subject',
  Condition: 'subject',
  Consent: 'patient',
  Device: 'patient',
  DeviceUseStatement: 'subject',
  DocumentReference: 'subject',
  Encounter: 'subject',
  Flag: 'subject',
  Goal: 'subject',
  Immunization: 'patient',
  MedicationAdministration: 'subject',
  MedicationRequest: 'subject',
  MedicationStatement: 'subject',
  Observation: 'subject',
  Procedure: 'subject',
  QuestionnaireResponse: 'subject',
  RelatedPerson: 'patient',
  Composition: 'subject',
};

/** Types that are not in one patient's compartment but that summaries refer to. */
export const sharedResourceTypes: ReadonlySet<string> = new Set([
  'Organization',
  'Practitioner',
  'PractitionerRole',
  'Medication',
  'Location',
]);

export type CompartmentResult =
  | { readonly kind: 'patient'; readonly patientId: string }
  | { readonly kind: 'member'; readonly patientId: string }
  | { readonly kind: 'shared' }
  | { readonly kind: 'invalid'; readonly reason: string };

function referenceOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const reference = (value as { reference?: unknown }).reference;
  return typeof reference === 'string' ? reference : undefined;
}

/** Places a validated resource: the Patient itself, a member of a patient's compartment, or shared. */
export function compartmentOf(resource: Resource): CompartmentResult {
  if (resource.resourceType === 'Patient') {
    return resource.id === undefined
      ? { kind: 'invalid', reason: 'Patient without id' }
      : { kind: 'patient', patientId: resource.id };
  }
  if (sharedResourceTypes.has(resource.resourceType)) return { kind: 'shared' };
  const element = patientElement[resource.resourceType];
  if (element === undefined)
    return { kind: 'invalid', reason: `${resource.resourceType} has no patient compartment` };
  const reference = referenceOf((resource as unknown as Record<string, unknown>)[element]);
  const match = reference === undefined ? null : /^(?:.*\/)?Patient\/([A-Za-z0-9\-.]{1,64})$/.exec(reference);
  if (match?.[1] === undefined) {
    return { kind: 'invalid', reason: `${resource.resourceType}.${element} does not reference a Patient` };
  }
  return { kind: 'member', patientId: match[1] };
}

/** Whether a reference is a relative one (`Organization/abc`) to a shared resource type. */
export function isSharedReference(reference: string): boolean {
  const match = /^([A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})$/.exec(reference);
  return match?.[1] !== undefined && sharedResourceTypes.has(match[1]);
}
