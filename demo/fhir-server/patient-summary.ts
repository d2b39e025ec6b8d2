// `Patient/{id}/$summary` (an IPS-style document Bundle) and the resources `$everything` returns.
// See https://build.fhir.org/ig/HL7/fhir-ips/OperationDefinition-summary.html; sections use IPS LOINC codes.
import { randomUUID } from 'node:crypto';
import type {
  Bundle,
  BundleEntry,
  CodeableConcept,
  Composition,
  CompositionSection,
  Resource,
} from '@medplum/fhirtypes';
import type { IndexedStore } from './indexed-store';
import { httpError, notFound } from './outcomes';

const LOINC = 'http://loinc.org';

interface SectionDefinition {
  readonly key: SectionKey;
  readonly code: string;
  readonly title: string;
  /** IPS requires these three even when empty (with an emptyReason). */
  readonly required: boolean;
}

type SectionKey =
  | 'allergies'
  | 'medications'
  | 'problems'
  | 'advance-directives'
  | 'alerts'
  | 'vital-signs'
  | 'results'
  | 'care-plan'
  | 'procedures'
  | 'immunizations'
  | 'encounters';

const SECTIONS: readonly SectionDefinition[] = [
  { key: 'allergies', code: '48765-2', title: 'Allergies and adverse reactions', required: true },
  { key: 'medications', code: '10160-0', title: 'Medication summary', required: true },
  { key: 'problems', code: '11450-4', title: 'Problem list', required: true },
  { key: 'advance-directives', code: '42348-3', title: 'Advance directives', required: false },
  { key: 'alerts', code: '104605-1', title: 'Alerts', required: false },
  { key: 'vital-signs', code: '8716-3', title: 'Vital signs', required: false },
  { key: 'results', code: '30954-2', title: 'Results', required: false },
  { key: 'care-plan', code: '18776-5', title: 'Plan of care', required: false },
  { key: 'procedures', code: '47519-4', title: 'History of procedures', required: false },
  { key: 'immunizations', code: '11369-6', title: 'Immunizations', required: false },
  { key: 'encounters', code: '46240-8', title: 'Encounters', required: false },
];

/** SNOMED CT codes of resuscitation / advance care documents (ReSPECT, DNACPR, TEP, advance care plan). */
const ADVANCE_DIRECTIVE_CODES = new Set([
  '1382601000000107',
  '735324008',
  '736366004',
  '304253006',
  '450476008',
]);

function hasCode(concepts: readonly (CodeableConcept | undefined)[], codes: ReadonlySet<string>): boolean {
  return concepts.some((concept) =>
    concept?.coding?.some((coding) => coding.code !== undefined && codes.has(coding.code)),
  );
}

const SECTION_BY_TYPE: Readonly<Record<string, SectionKey>> = {
  AllergyIntolerance: 'allergies',
  MedicationStatement: 'medications',
  MedicationRequest: 'medications',
  Condition: 'problems',
  Consent: 'advance-directives',
  Flag: 'alerts',
  DeviceUseStatement: 'alerts',
  QuestionnaireResponse: 'care-plan',
  Procedure: 'procedures',
  Immunization: 'immunizations',
  Encounter: 'encounters',
};

/** The section a resource belongs to, if any. */
function sectionOf(resource: Resource): SectionKey | undefined {
  if (resource.resourceType === 'Observation') {
    const vital = resource.category?.some((c) => c.coding?.some((coding) => coding.code === 'vital-signs'));
    return vital ? 'vital-signs' : 'results';
  }
  if (resource.resourceType === 'CarePlan') {
    return hasCode(resource.category ?? [], ADVANCE_DIRECTIVE_CODES) ? 'advance-directives' : 'care-plan';
  }
  if (resource.resourceType === 'DocumentReference') {
    const codes = [resource.type, ...(resource.category ?? [])];
    return hasCode(codes, ADVANCE_DIRECTIVE_CODES) ? 'advance-directives' : 'care-plan';
  }
  return SECTION_BY_TYPE[resource.resourceType];
}

/** The Patient and every live resource in its compartment (Patient first); 404 / 410 when absent. */
export function patientCompartment(store: IndexedStore, patientId: string): Resource[] {
  const patient = store.current('Patient', patientId);
  if (!patient) {
    throw store.isDeleted('Patient', patientId)
      ? httpError(410, 'deleted', `Patient/${patientId} has been deleted`)
      : notFound(`Patient/${patientId} not found`);
  }
  const resources: Resource[] = [patient];
  for (const member of store.patients.members(patientId)) {
    if (member.resourceType !== 'Patient') {
      const resource = store.current(member.resourceType, member.id);
      if (resource) {
        resources.push(resource);
      }
    }
  }
  return resources;
}

/** An IPS-style document: Composition first, then the Patient and everything the sections reference. */
export function summaryDocument(
  store: IndexedStore,
  baseUrl: string,
  patientId: string,
  author: string,
): Bundle {
  const resources = patientCompartment(store, patientId);
  const grouped = new Map<SectionKey, Resource[]>();
  for (const resource of resources) {
    const key = sectionOf(resource);
    if (key) {
      grouped.set(key, [...(grouped.get(key) ?? []), resource]);
    }
  }
  const sections: CompositionSection[] = [];
  for (const definition of SECTIONS) {
    const members = grouped.get(definition.key) ?? [];
    if (members.length === 0 && !definition.required) {
      continue;
    }
    sections.push({
      title: definition.title,
      code: { coding: [{ system: LOINC, code: definition.code, display: definition.title }] },
      ...(members.length > 0
        ? {
            entry: members.map((resource) => ({
              reference: `${resource.resourceType}/${resource.id ?? ''}`,
            })),
          }
        : {
            emptyReason: {
              coding: [
                { system: 'http://terminology.hl7.org/CodeSystem/list-empty-reason', code: 'unavailable' },
              ],
            },
          }),
    });
  }
  const now = new Date().toISOString();
  const compositionId = randomUUID();
  const composition: Composition = {
    resourceType: 'Composition',
    id: compositionId,
    status: 'final',
    type: { coding: [{ system: LOINC, code: '60591-5', display: 'Patient summary Document' }] },
    subject: { reference: `Patient/${patientId}` },
    date: now,
    author: [{ display: author }],
    title: 'Patient summary',
    section: sections,
  };
  const entries: BundleEntry[] = [
    { fullUrl: `urn:uuid:${compositionId}`, resource: composition },
    ...resources.map((resource) => ({
      fullUrl: `${baseUrl}/${resource.resourceType}/${resource.id ?? ''}`,
      resource,
    })),
  ];
  return {
    resourceType: 'Bundle',
    identifier: { system: 'urn:ietf:rfc:3986', value: `urn:uuid:${randomUUID()}` },
    type: 'document',
    timestamp: now,
    entry: entries,
  };
}
