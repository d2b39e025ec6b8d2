// Structural checks on every resource that arrives from a Shared Care Record, before anything is stored.
// A resource that fails is quarantined with a reason that names no personal data.
import type { Resource } from '@medplum/fhirtypes';
import { isValidNhsNumber, NHS_NUMBER_SYSTEM } from '../nhs-number';

/** Resource types the pre-cache understands; anything else from a patient compartment is quarantined. */
export const acceptedResourceTypes: ReadonlySet<string> = new Set([
  'Patient',
  'AllergyIntolerance',
  'CarePlan',
  'Condition',
  'Consent',
  'Device',
  'DeviceUseStatement',
  'DocumentReference',
  'Encounter',
  'Flag',
  'Goal',
  'Immunization',
  'Medication',
  'MedicationAdministration',
  'MedicationRequest',
  'MedicationStatement',
  'Observation',
  'Organization',
  'Practitioner',
  'PractitionerRole',
  'Procedure',
  'QuestionnaireResponse',
  'RelatedPerson',
  'Location',
  'Composition',
]);

type Kind = 'object' | 'array' | 'string';

/** The JSON shape of the elements the summary reads (FHIR R4 cardinality and datatype), checked before use. */
const commonShape: Readonly<Record<string, Kind>> = {
  meta: 'object',
  text: 'object',
  identifier: 'array',
  extension: 'array',
  contained: 'array',
  status: 'string',
};
const shapes: Readonly<Record<string, Readonly<Record<string, Kind>>>> = {
  Patient: {
    name: 'array',
    address: 'array',
    telecom: 'array',
    birthDate: 'string',
    gender: 'string',
    generalPractitioner: 'array',
    contact: 'array',
  },
  AllergyIntolerance: {
    patient: 'object',
    code: 'object',
    clinicalStatus: 'object',
    verificationStatus: 'object',
    reaction: 'array',
    criticality: 'string',
  },
  Condition: {
    subject: 'object',
    code: 'object',
    clinicalStatus: 'object',
    verificationStatus: 'object',
    category: 'array',
  },
  MedicationStatement: {
    subject: 'object',
    medicationCodeableConcept: 'object',
    medicationReference: 'object',
    dosage: 'array',
  },
  MedicationRequest: {
    subject: 'object',
    medicationCodeableConcept: 'object',
    medicationReference: 'object',
    dosageInstruction: 'array',
  },
  Observation: {
    subject: 'object',
    code: 'object',
    component: 'array',
    valueQuantity: 'object',
    category: 'array',
  },
  Encounter: {
    subject: 'object',
    class: 'object',
    type: 'array',
    period: 'object',
    reasonCode: 'array',
    location: 'array',
  },
  Flag: { subject: 'object', code: 'object', category: 'array', period: 'object' },
  Consent: { patient: 'object', category: 'array', provision: 'object', scope: 'object' },
  DocumentReference: { subject: 'object', type: 'object', content: 'array', custodian: 'object' },
  CarePlan: { subject: 'object', category: 'array', author: 'object', period: 'object' },
  Device: { patient: 'object', type: 'object' },
  DeviceUseStatement: { subject: 'object', device: 'object' },
  RelatedPerson: { patient: 'object', relationship: 'array', name: 'array', telecom: 'array' },
};
const datePattern = /^\d{4}(-\d{2}(-\d{2})?)?$/;

function kindOf(value: unknown): Kind | 'other' {
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'string') return 'string';
  return typeof value === 'object' && value !== null ? 'object' : 'other';
}

function shapeProblem(resourceType: string, resource: Record<string, unknown>): string | undefined {
  const expected = { ...commonShape, ...shapes[resourceType] };
  for (const [element, kind] of Object.entries(expected)) {
    const value = resource[element];
    if (value === undefined) continue;
    if (kindOf(value) !== kind)
      return `${resourceType}.${element} must be ${kind === 'array' ? 'an array' : kind === 'object' ? 'an object' : 'a string'}`;
  }
  if (
    resourceType === 'Patient' &&
    typeof resource.birthDate === 'string' &&
    !datePattern.test(resource.birthDate)
  ) {
    return 'Patient.birthDate is not a FHIR date';
  }
  return undefined;
}

export const DEFAULT_MAX_RESOURCE_BYTES = 1024 * 1024;

const idPattern = /^[A-Za-z0-9\-.]{1,64}$/;
const instantPattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const relativeReference = /^[A-Z][A-Za-z]+\/[A-Za-z0-9\-.]{1,64}(\/_history\/[A-Za-z0-9\-.]{1,64})?$/;
const forbiddenKeys = new Set(['__proto__', 'constructor', 'prototype']);
const MAX_DEPTH = 32;

export type ValidationResult =
  /** `references`: every `reference` string inside the resource, found by the same walk. */
  | { readonly ok: true; readonly resource: Resource; readonly references: readonly string[] }
  | { readonly ok: false; readonly resourceType?: string; readonly id?: string; readonly reason: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkReference(value: string): boolean {
  if (value.startsWith('#') || value.startsWith('urn:uuid:')) return value.length > 1;
  if (relativeReference.test(value)) return true;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

/** Walks the whole value once: refuses prototype-polluting keys, excessive nesting and malformed references. */
function walk(value: unknown, depth: number, path: string, references: string[]): string | undefined {
  if (depth > MAX_DEPTH) return `nested deeper than ${MAX_DEPTH} levels`;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const problem = walk(value[index], depth + 1, path, references);
      if (problem !== undefined) return problem;
    }
    return undefined;
  }
  if (!isRecord(value)) return undefined;
  for (const key of Object.keys(value)) {
    if (forbiddenKeys.has(key)) return `forbidden key "${key}"`;
    const child = value[key];
    if (key === 'reference' && typeof child === 'string') {
      if (!checkReference(child)) return `malformed reference at ${path}`;
      references.push(child);
      continue;
    }
    const problem = walk(child, depth + 1, key, references);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

function patientProblems(patient: Record<string, unknown>): string | undefined {
  const identifiers = patient.identifier;
  if (identifiers === undefined) return undefined;
  if (!Array.isArray(identifiers)) return 'Patient.identifier is not an array';
  for (const identifier of identifiers) {
    if (!isRecord(identifier) || identifier.system !== NHS_NUMBER_SYSTEM) continue;
    if (typeof identifier.value !== 'string' || !isValidNhsNumber(identifier.value)) {
      return 'invalid NHS number (fails the modulus-11 check)';
    }
  }
  return undefined;
}

/**
 * Checks one resource from a server: a JSON object of an accepted type with a valid id, a valid
 * meta.lastUpdated, well-formed references, no prototype keys, within the size limit, and for a
 * Patient a valid NHS number. See https://hl7.org/fhir/R4/resource.html and references.html.
 */
export function validateResource(
  value: unknown,
  bytes: number,
  maxBytes = DEFAULT_MAX_RESOURCE_BYTES,
): ValidationResult {
  if (!isRecord(value)) return { ok: false, reason: 'not a JSON object' };
  const resourceType = typeof value.resourceType === 'string' ? value.resourceType : undefined;
  const id = typeof value.id === 'string' && idPattern.test(value.id) ? value.id : undefined;
  const fail = (reason: string): ValidationResult => ({ ok: false, resourceType, id, reason });
  if (bytes > maxBytes) return fail(`resource of ${bytes} bytes exceeds the ${maxBytes}-byte limit`);
  if (resourceType === undefined) return fail('missing resourceType');
  if (!acceptedResourceTypes.has(resourceType)) return fail(`resource type ${resourceType} is not accepted`);
  if (id === undefined) return fail('missing or malformed id');
  const meta = value.meta;
  if (meta !== undefined) {
    if (!isRecord(meta)) return fail('meta is not an object');
    if (
      meta.lastUpdated !== undefined &&
      (typeof meta.lastUpdated !== 'string' || !instantPattern.test(meta.lastUpdated))
    ) {
      return fail('meta.lastUpdated is not a FHIR instant');
    }
  }
  const shape = shapeProblem(resourceType, value);
  if (shape !== undefined) return fail(shape);
  const references: string[] = [];
  const structural = walk(value, 0, resourceType, references);
  if (structural !== undefined) return fail(structural);
  if (resourceType === 'Patient') {
    const problem = patientProblems(value);
    if (problem !== undefined) return fail(problem);
  }
  return { ok: true, resource: value as unknown as Resource, references };
}
